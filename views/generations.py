"""One generation job: its card (polled while waiting), retry, cancel, delete, share, reproduce."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import generations, posts, prompt_rules
from models.db import get_db
from views.helpers import is_htmx, json_error, wants_json
from views.limits import generation_limit, post_limit
from views.studio_forms import quotas

bp = Blueprint("generations", __name__)

ALT_MAX = 1500


def card_context(generation, conn=None) -> dict:
    """Everything the job card shows, computed in one place for the page and the partial."""
    conn = conn or get_db()
    position = generations.queue_position(conn, generation)
    reproduced = None
    if generation["reproduce_of"] and generation["status"] == "done":
        reproduced = reproduction(conn, generation)
    return {
        "gen": generation,
        "images": generations.images(conn, generation["id"]) if generation["status"] == "done" else [],
        "info": generations.info(generation),
        "position": position,
        "eta": generations.estimate_seconds(conn, position, current_app.extensions["easel_worker"].size),
        "post_id": posts.post_for_generation(conn, generation["id"]),
        "reproduced": reproduced,
        "share_errors": {},
        "share_form": None,
        # Servers that report no progress (OpenAI-style) get an indeterminate bar and the time spent.
        "indeterminate": generation["backend"] == "openai" and generation["status"] == "running",
        "elapsed": int(time.time() - generation["started_at"]) if generation["started_at"] else 0,
    }


def reproduction(conn, generation) -> dict | None:
    """How a reproduction compares with the post it re-ran: byte-identical, or side by side."""
    original = posts.get(conn, generation["reproduce_of"])
    if original is None:
        return None
    mine = {m["seed"]: m["name"] for m in generations.images(conn, generation["id"])}
    theirs = {image["seed"]: image["name"] for image in original["images"]}
    identical = bool(theirs) and all(mine.get(seed) == name for seed, name in theirs.items())
    return {"post": original, "identical": identical, "images": generations.images(conn, generation["id"]),
            "versions": (original["generator_version"], generation["generator_version"])}


def generation_json(generation) -> dict:
    conn = get_db()
    images = generations.images(conn, generation["id"]) if generation["status"] == "done" else []
    body = {
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
        "remix_of": generation["remix_of"],
        "generator_version": generation["generator_version"] or None,
        "backend": generation["backend"],
    }
    if generation["reproduce_of"] and generation["status"] == "done":
        result = reproduction(conn, generation)
        body["reproduce_of"] = generation["reproduce_of"]
        body["identical"] = result["identical"] if result else None
    return body


def own_generation_or_404(generation_id: int):
    """A member sees only their own generations: anyone else's id is simply not found."""
    generation = generations.get(get_db(), generation_id)
    if generation is None or generation["user_id"] != current_user.id or generation["hidden"]:
        abort(404)
    return generation


def answer_card(generation_id: int, status: int = 200):
    row = generations.get(get_db(), generation_id)
    if wants_json():
        return jsonify(generation_json(row)), status
    if is_htmx():
        return render_template("partials/_generation_card.html", **card_context(row)), status
    return redirect(url_for("studio.studio"), 303)


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
    own_generation_or_404(generation_id)
    if not generations.retry(get_db(), generation_id):
        abort(409)
    current_app.extensions["easel_worker"].notify()
    return answer_card(generation_id)


@bp.post("/generations/<int:generation_id>/cancel")
@login_required
def cancel(generation_id: int):
    own_generation_or_404(generation_id)
    if not generations.cancel(get_db(), generation_id):
        abort(409)
    return answer_card(generation_id)


@bp.post("/generations/<int:generation_id>/delete")
@login_required
def delete(generation_id: int):
    row = own_generation_or_404(generation_id)
    if row["status"] in generations.WAITING:
        abort(409)  # cancel it first
    for name in generations.delete(get_db(), generation_id):
        (Path(current_app.config["MEDIA_DIR"]) / name).unlink(missing_ok=True)
    if wants_json():
        return jsonify({"deleted": generation_id})
    if is_htmx():
        return ""
    return redirect(url_for("studio.studio"), 303)


def _share_form(row, count: int) -> tuple[dict, dict]:
    """The share fields: caption, which images (variations) with an alt text each, policy, prompt shown."""
    form = {
        "caption": (request.form.get("caption") or "").strip(),
        "alt": (request.form.get("alt") or "").strip(),
        "remix_policy": request.form.get("remix_policy") or "anyone",
        "show_prompt": (request.form.getlist("show_prompt") or ["1"])[-1],
        "images": request.form.getlist("images") or [str(i) for i in range(count)],
        "alts": {str(i): (request.form.get(f"alt_{i}") or "").strip() for i in range(count)},
    }
    errors = {}
    if row["status"] != "done":
        errors["caption"] = _("Only a finished picture can be shared.")
    if len(form["caption"]) > current_app.config["CAPTION_MAX"]:
        errors["caption"] = _("Keep the caption under %(n)d characters.", n=current_app.config["CAPTION_MAX"])
    if len(form["alt"]) > ALT_MAX or any(len(alt) > ALT_MAX for alt in form["alts"].values()):
        errors["alt"] = _("Keep the description under %(n)d characters.", n=ALT_MAX)
    if form["remix_policy"] not in posts.REMIX_POLICIES:
        errors["remix_policy"] = _("Pick who may remix this picture.")
    if form["show_prompt"] not in ("0", "1"):
        errors["show_prompt"] = _("Choose whether to show the prompt.")
    valid = {str(i) for i in range(count)}
    if not form["images"] or not set(form["images"]) <= valid or len(set(form["images"])) != len(form["images"]):
        errors["images"] = _("Choose at least one of the pictures to share.")
    return form, errors


@bp.post("/generations/<int:generation_id>/share")
@login_required
@post_limit
def share(generation_id: int):
    row = own_generation_or_404(generation_id)
    form, errors = _share_form(row, row["count"])
    if errors:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        context = card_context(row)
        context.update(share_errors=errors, share_form=form)
        template = "partials/_generation_card.html" if is_htmx() else "generation.html"
        return render_template(template, **context), 422
    alts = {}
    for position in form["images"]:
        alt = form["alts"][position] or form["alt"] or row["prompt"]
        if form["show_prompt"] == "0" and alt == row["prompt"]:
            # The alt text defaults to the prompt; a hidden prompt must not leak through it.
            alt = form["caption"] or _("A picture by @%(name)s", name=current_user.username)
        alts[int(position)] = alt
    status = 201
    # A "hold for review" prompt rule (/admin/rules) on the prompt or the caption: moderators look first.
    held = prompt_rules.check(get_db(), "hold", "\n".join((row["prompt"], row["negative_prompt"], form["caption"])))
    try:
        post_id = posts.share(get_db(), row, caption=form["caption"], alts=alts, held=held,
                              remix_policy=form["remix_policy"], show_prompt=form["show_prompt"] == "1")
    except posts.AlreadyShared as shared:
        post_id, status = shared.args[0], 200
    if wants_json():
        return jsonify({"post_id": post_id}), status
    target = url_for("posts.post", post_id=post_id)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.post("/p/<int:post_id>/reproduce")
@login_required
@generation_limit
def reproduce(post_id: int):
    """Run a post's parameters again to see whether it comes out the same."""
    conn = get_db()
    post = posts.get(conn, post_id, current_user.id)
    if post is None or not post["generation_id"]:
        abort(404)
    if not post["show_prompt"] and post["user_id"] != current_user.id:
        abort(403)  # a hidden prompt cannot be re-run by others
    from views.studio_forms import prompt_refused

    if prompt_refused(post["prompt"] + "\n" + post["negative_prompt"]):
        message = _("This prompt contains words this instance does not allow.")
        if wants_json():
            return json_error(message, 422, {"prompt": message})
        abort(422)
    seeds = [image["seed"] for image in post["images"] if image["seed"] is not None] or [post["seed"]]
    try:
        generation_id = generations.enqueue(
            conn, current_user.id, prompt=post["prompt"], negative_prompt=post["negative_prompt"],
            seed=min(seeds), width=post["width"], height=post["height"], style=post["style"],
            count=min(4, max(seeds) - min(seeds) + 1), backend=post["backend"], reproduce_of=post_id,
            **quotas(),
        )
    except (generations.QueueFull, generations.QuotaReached):
        if wants_json():
            return json_error(_("You have too many pictures waiting or made this hour. Try again later."), 429)
        abort(429)
    current_app.extensions["easel_worker"].notify()
    if wants_json():
        return jsonify(generation_json(generations.get(conn, generation_id))), 201
    target = url_for("generations.generation", generation_id=generation_id)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)
