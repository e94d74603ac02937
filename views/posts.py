"""A single post: the picture, its caption and its generation card."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, url_for

from models import posts
from models.db import get_db
from views.helpers import isotime, wants_json

bp = Blueprint("posts", __name__)


def get_post_or_404(post_id: int) -> dict:
    post = posts.get(get_db(), post_id)
    if post is None:
        abort(404)
    return post


def post_json(post: dict) -> dict:
    """The URL contract's post JSON; the prompt is left out when the author hides it."""
    body = {
        "id": post["id"],
        "author": post["username"],
        "caption": post["caption"],
        "seed": post["seed"],
        "images": [url_for("media.file", name=image["name"]) for image in post["images"]],
        "like_count": post["like_count"],
        "reply_count": post["reply_count"],
        "repost_count": post["repost_count"],
        "remix_count": post["remix_count"],
        "remix_of": post["remix_of"],
        "reply_to": post["reply_to"],
        "created_at": isotime(post["created_at"]),
    }
    if post["show_prompt"]:
        body["prompt"] = post["prompt"]
    return body


@bp.get("/p/<int:post_id>")
def post(post_id: int):
    item = get_post_or_404(post_id)
    if wants_json():
        return jsonify(post_json(item))
    return render_template("post.html", post=item)
