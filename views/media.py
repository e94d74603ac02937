"""Stored images, served with long-lived cache headers (names are content hashes)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

from federation.media_cache import NAME_RE as REMOTE_NAME_RE
from imagegen.media import MEDIA_NAME_RE

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def file(name: str):
    if not MEDIA_NAME_RE.fullmatch(name):
        abort(404)
    response = send_from_directory(current_app.config["MEDIA_DIR"], name, max_age=31536000, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/media/remote/<name>")
def remote(name: str):
    """A remote picture's local thumbnail (federation/media_cache.py); named by the hash of its URL."""
    if not REMOTE_NAME_RE.fullmatch(name):
        abort(404)
    cache = current_app.extensions["easel_media_cache"]
    response = send_from_directory(cache.folder, name, mimetype="image/webp", max_age=7 * 86400, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=604800"  # not immutable: it is fetched again after a while
    cache.shown(name)
    return response
