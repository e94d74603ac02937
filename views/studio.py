"""The studio: the composer, the member's history of generations, and the style gallery."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from imagegen.base import SIZES
from models import generations
from models.db import get_db
from views.generations import card_context, generation_json
from views.helpers import int_arg, is_htmx, json_error, wants_json
from views.limits import generation_limit
from views.studio_forms import (
    SEED_MAX,
    RemixForbidden,
    backend,
    backend_choices,
    default_form,
    parse_generation_form,
    prefill_from_args,
    quotas,
    style_choices,
)

bp = Blueprint("studio", __name__)

FILTERS = ("all", "done", "failed", "shared")


def studio_context(form: dict | None = None, errors: dict | None = None, parent: dict | None = None) -> dict:
    conn = get_db()
    page_size = current_app.config["FEED_PAGE_SIZE"]
    show = request.args.get("show", "all")
    if show not in FILTERS:
        show = "all"
    rows = generations.for_user(conn, current_user.id, before=int_arg("before"), limit=page_size, show=show)
    return {
        "form": form or default_form(),
        "errors": errors or {},
        "parent": parent,
        "cards": [card_context(row, conn) for row in rows],
        "next_before": rows[-1]["id"] if len(rows) == page_size else None,
        "show": show,
        "filters": FILTERS,
        "styles": style_choices(),
        "sizes": list(SIZES),
        "backends": backend_choices(),
    }


@bp.get("/studio")
@login_required
def studio():
    form, parent = prefill_from_args()
    context = studio_context(form=form, parent=parent)
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_generation_list.html", **context)
    return render_template("studio.html", **context)


@bp.post("/generations")
@login_required
@generation_limit
def create():
    try:
        values, errors = parse_generation_form(request.form)
    except RemixForbidden:
        if wants_json():
            return json_error(_("The author does not allow you to remix this post."), 403)
        abort(403)
    if errors:
        return _composer_errors(values, errors)
    limits = quotas()
    width, height = SIZES[values["size"]]
    seed = int(values["seed"]) if values["seed"] else secrets.randbelow(SEED_MAX + 1)
    try:
        generation_id = generations.enqueue(
            get_db(), current_user.id, prompt=values["prompt"], negative_prompt=values["negative_prompt"],
            seed=seed, width=width, height=height, style=values["style"], count=int(values["count"]),
            backend=values["backend"], remix_of=int(values["remix_of"]) if values["remix_of"] else None,
            **limits,
        )
    except generations.QueueFull:
        return _composer_errors(values, {"prompt": _(
            "You already have %(n)d pictures waiting. Wait for one to finish, then try again.",
            n=limits["queue_cap"])}, status=429)
    except generations.QuotaReached as limit:
        minutes = max(1, limit.retry_after // 60)
        return _composer_errors(values, {"prompt": _(
            "You have made %(n)d pictures in the last hour, the most allowed. Try again in %(m)d minutes.",
            n=limits["per_hour"], m=minutes)}, status=429, retry_after=limit.retry_after)
    current_app.extensions["easel_worker"].notify()
    generation = generations.get(get_db(), generation_id)
    if wants_json():
        response = jsonify(generation_json(generation))
        response.status_code = 201
        response.headers["Location"] = url_for("generations.generation", generation_id=generation_id)
        return response
    if is_htmx():
        # The new card goes on top of the list; the composer is re-rendered (out of band) without errors.
        return render_template("partials/_generation_created.html", form=values, errors={}, parent=None,
                               styles=style_choices(), sizes=list(SIZES), backends=backend_choices(),
                               **card_context(generation)), 201
    return redirect(url_for("studio.studio"), 303)


def _composer_errors(values: dict, errors: dict, status: int = 422, retry_after: int | None = None):
    headers = {"Retry-After": str(retry_after or 60)} if status == 429 else {}
    if wants_json():
        body, code = json_error(_("Please correct the marked fields."), status, errors)
        return body, code, headers
    if is_htmx():
        headers.update({"HX-Retarget": "#composer", "HX-Reswap": "outerHTML"})
        return render_template("partials/_composer.html", form=values, errors=errors, parent=None,
                               styles=style_choices(), sizes=list(SIZES), backends=backend_choices()), status, headers
    context = studio_context(form=values, errors=errors)
    return render_template("studio.html", **context), status, headers


@bp.get("/studio/styles")
def styles():
    """Every style side by side on the same prompt and seed, so members can pick."""
    from imagegen.gallery import GALLERY_PROMPT, GALLERY_SEED, style_gallery

    entries = style_gallery(backend(), current_app.config["MEDIA_DIR"])
    return render_template("styles.html", entries=entries, prompt=GALLERY_PROMPT, seed=GALLERY_SEED)
