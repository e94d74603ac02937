"""The studio: the composer, the member's generations, the job card, retry and share."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from imagegen.base import SIZES
from models import generations, posts
from models.db import get_db
from views.helpers import int_arg, is_htmx, json_error, wants_json

bp = Blueprint("studio", __name__)

SEED_MAX = 2**32 - 1
ALT_MAX = 1500


def backend():
    return current_app.extensions["easel_backend"]


def style_choices() -> list[tuple[str, str]]:
    return backend().styles()


def default_form() -> dict:
    return {"prompt": "", "negative_prompt": "", "seed": "", "size": "512x512",
            "style": style_choices()[0][0], "count": "1", "remix_of": ""}


def parse_generation_form(form) -> tuple[dict, dict[str, str]]:
    """Read and check the composer's fields; returns (values, errors by field)."""
    config = current_app.config
    values = {key: (form.get(key) or "").strip() for key in default_form()}
    values["size"] = values["size"] or "512x512"
    values["style"] = values["style"] or style_choices()[0][0]
    values["count"] = values["count"] or "1"
    errors: dict[str, str] = {}
    if not values["prompt"]:
        errors["prompt"] = _("Describe the picture you want.")
    elif len(values["prompt"]) > config["PROMPT_MAX"]:
        errors["prompt"] = _("Keep the prompt under %(n)d characters.", n=config["PROMPT_MAX"])
    if len(values["negative_prompt"]) > config["PROMPT_MAX"]:
        errors["negative_prompt"] = _("Keep it under %(n)d characters.", n=config["PROMPT_MAX"])
    blocked = blocked_word(values["prompt"] + " " + values["negative_prompt"])
    if blocked and "prompt" not in errors:
        errors["prompt"] = _("This instance does not allow the word “%(word)s”.", word=blocked)
    if values["seed"] and not (values["seed"].isdigit() and int(values["seed"]) <= SEED_MAX):
        errors["seed"] = _("A seed is a whole number from 0 to %(n)d, or blank for a random one.", n=SEED_MAX)
    if values["size"] not in SIZES:
        errors["size"] = _("Pick one of the sizes offered.")
    if values["style"] not in dict(style_choices()):
        errors["style"] = _("Pick one of the styles offered.")
    if values["count"] not in ("1", "2", "3", "4"):
        errors["count"] = _("Make 1 to 4 images at a time.")
    if values["remix_of"]:
        if not values["remix_of"].isdigit() or posts.get(get_db(), int(values["remix_of"])) is None:
            errors["remix_of"] = _("The post to remix does not exist any more.")
    return values, errors


def blocked_word(text: str) -> str | None:
    words = [w.strip().lower() for w in str(current_app.config["BLOCKED_WORDS"]).split(",") if w.strip()]
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return word
    return None


def card_context(generation, conn=None) -> dict:
    """Everything the job card shows, computed in one place for the page and the partial."""
    conn = conn or get_db()
    return {
        "gen": generation,
        "images": generations.images(conn, generation["id"]) if generation["status"] == "done" else [],
        "info": generations.info(generation),
        "position": generations.queue_position(conn, generation),
        "post_id": posts.post_for_generation(conn, generation["id"]),
        "share_errors": {},
        "share_form": None,
    }


def generation_json(generation) -> dict:
    conn = get_db()
    images = generations.images(conn, generation["id"]) if generation["status"] == "done" else []
    return {
        "id": generation["id"],
        "status": generation["status"],
        "progress": round(generation["progress"], 3),
        "error": generation["error"] or None,
        "images": [url_for("media.file", name=m["name"]) for m in images],
        "post_id": posts.post_for_generation(conn, generation["id"]),
        "queue_position": generations.queue_position(conn, generation),
        "prompt": generation["prompt"],
        "seed": generation["seed"],
        "size": f"{generation['width']}x{generation['height']}",
        "style": generation["style"],
        "count": generation["count"],
    }


def own_generation_or_404(generation_id: int):
    """A member sees only their own generations: anyone else's id is simply not found."""
    generation = generations.get(get_db(), generation_id)
    if generation is None or generation["user_id"] != current_user.id:
        abort(404)
    return generation


def studio_context(form: dict | None = None, errors: dict | None = None) -> dict:
    conn = get_db()
    page_size = current_app.config["FEED_PAGE_SIZE"]
    before = int_arg("before")
    rows = generations.for_user(conn, current_user.id, before=before, limit=page_size)
    cards = [card_context(row, conn) for row in rows]
    return {
        "form": form or default_form(),
        "errors": errors or {},
        "cards": cards,
        "next_before": rows[-1]["id"] if len(rows) == page_size else None,
        "styles": style_choices(),
        "sizes": list(SIZES),
    }


@bp.get("/studio")
@login_required
def studio():
    context = studio_context(form=_prefill())
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_generation_list.html", **context)
    return render_template("studio.html", **context)


def _prefill() -> dict:
    """The composer may be opened pre-filled (e.g. from a post's 'try this prompt')."""
    form = default_form()
    for key in form:
        if request.args.get(key):
            form[key] = request.args[key][:2000]
    return form


@bp.post("/generations")
@login_required
def create():
    values, errors = parse_generation_form(request.form)
    if errors:
        return _composer_errors(values, errors)
    config = current_app.config
    width, height = SIZES[values["size"]]
    seed = int(values["seed"]) if values["seed"] else secrets.randbelow(SEED_MAX + 1)
    try:
        generation_id = generations.enqueue(
            get_db(), current_user.id, prompt=values["prompt"], negative_prompt=values["negative_prompt"],
            seed=seed, width=width, height=height, style=values["style"], count=int(values["count"]),
            backend=backend().name, remix_of=int(values["remix_of"]) if values["remix_of"] else None,
            queue_cap=config["QUEUE_CAP"], per_hour=config["GENERATIONS_PER_HOUR"],
        )
    except generations.QueueFull:
        return _composer_errors(values, {"prompt": _(
            "You already have %(n)d pictures waiting. Wait for one to finish, then try again.",
            n=config["QUEUE_CAP"])}, status=429)
    except generations.QuotaReached as limit:
        minutes = max(1, limit.retry_after // 60)
        return _composer_errors(values, {"prompt": _(
            "You have made %(n)d pictures in the last hour, the most allowed. Try again in %(m)d minutes.",
            n=config["GENERATIONS_PER_HOUR"], m=minutes)}, status=429, retry_after=limit.retry_after)
    current_app.extensions["easel_worker"].notify()
    generation = generations.get(get_db(), generation_id)
    if wants_json():
        response = jsonify(generation_json(generation))
        response.status_code = 201
        response.headers["Location"] = url_for("studio.generation", generation_id=generation_id)
        return response
    if is_htmx():
        # The new card goes on top of the list; the composer is re-rendered (out of band) without errors.
        return render_template("partials/_generation_created.html", form=values, errors={},
                               styles=style_choices(), sizes=list(SIZES), **card_context(generation)), 201
    return redirect(url_for("studio.studio"), 303)


def _composer_errors(values: dict, errors: dict, status: int = 422, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after or 60)} if status == 429 else {}
    if wants_json():
        body, code = json_error(_("Please correct the marked fields."), status, errors)
        return body, code, headers
    if is_htmx():
        headers.update({"HX-Retarget": "#composer", "HX-Reswap": "outerHTML"})
        return render_template("partials/_composer.html", form=values, errors=errors,
                               styles=style_choices(), sizes=list(SIZES)), status, headers
    context = studio_context(form=values, errors=errors)
    return render_template("studio.html", **context), status, headers


@bp.get("/generations/<int:generation_id>")
@login_required
def generation(generation_id: int):
    row = own_generation_or_404(generation_id)
    if wants_json():
        return jsonify(generation_json(row))
    template = "partials/_generation_card.html" if is_htmx() else "generation.html"
    return render_template(template, **card_context(row))


@bp.post("/generations/<int:generation_id>/retry")
@login_required
def retry(generation_id: int):
    row = own_generation_or_404(generation_id)
    if not generations.retry(get_db(), row["id"]):
        abort(409)
    current_app.extensions["easel_worker"].notify()
    row = generations.get(get_db(), generation_id)
    if wants_json():
        return jsonify(generation_json(row))
    if is_htmx():
        return render_template("partials/_generation_card.html", **card_context(row))
    return redirect(url_for("studio.studio"), 303)


@bp.post("/generations/<int:generation_id>/share")
@login_required
def share(generation_id: int):
    row = own_generation_or_404(generation_id)
    form = {
        "caption": (request.form.get("caption") or "").strip(),
        "alt": (request.form.get("alt") or "").strip(),
        "remix_policy": request.form.get("remix_policy") or "anyone",
        "show_prompt": (request.form.getlist("show_prompt") or ["1"])[-1],
    }
    errors = {}
    if row["status"] != "done":
        errors["caption"] = _("Only a finished picture can be shared.")
    if len(form["caption"]) > current_app.config["CAPTION_MAX"]:
        errors["caption"] = _("Keep the caption under %(n)d characters.", n=current_app.config["CAPTION_MAX"])
    if len(form["alt"]) > ALT_MAX:
        errors["alt"] = _("Keep the description under %(n)d characters.", n=ALT_MAX)
    if form["remix_policy"] not in posts.REMIX_POLICIES:
        errors["remix_policy"] = _("Pick who may remix this picture.")
    if form["show_prompt"] not in ("0", "1"):
        errors["show_prompt"] = _("Choose whether to show the prompt.")
    if errors:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        context = card_context(row)
        context.update(share_errors=errors, share_form=form)
        template = "partials/_generation_card.html" if is_htmx() else "generation.html"
        return render_template(template, **context), 422
    status = 201
    alt = form["alt"] or row["prompt"]
    if form["show_prompt"] == "0" and alt == row["prompt"]:
        # The alt text defaults to the prompt; a hidden prompt must not leak through it.
        alt = form["caption"] or _("A picture by @%(name)s", name=current_user.username)
    try:
        post_id = posts.share(get_db(), row, caption=form["caption"], alt=alt,
                              remix_policy=form["remix_policy"], show_prompt=form["show_prompt"] == "1")
    except posts.AlreadyShared as shared:
        post_id, status = shared.args[0], 200
    if wants_json():
        return jsonify({"post_id": post_id}), status
    target = url_for("posts.post", post_id=post_id)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.get("/studio/styles")
def styles():
    """Every style side by side on the same prompt and seed, so members can pick."""
    from imagegen.gallery import GALLERY_PROMPT, GALLERY_SEED, style_gallery

    entries = style_gallery(backend(), current_app.config["MEDIA_DIR"])
    return render_template("styles.html", entries=entries, prompt=GALLERY_PROMPT, seed=GALLERY_SEED)
