"""Stored images, served with long-lived cache headers (names are content hashes)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

from imagegen.media import MEDIA_NAME_RE

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def file(name: str):
    if not MEDIA_NAME_RE.fullmatch(name):
        abort(404)
    response = send_from_directory(current_app.config["MEDIA_DIR"], name, max_age=31536000, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
