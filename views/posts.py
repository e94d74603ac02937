"""A single post: the picture, its caption, its generation card, and its thread."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import lineage, posts, social
from models.db import get_db
from views.helpers import int_arg, is_htmx, isotime, wants_json

bp = Blueprint("posts", __name__)


def viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def get_post_or_404(post_id: int) -> dict:
    post = posts.get(get_db(), post_id, viewer_id())
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
        "images": [image["remote_url"] or url_for("media.file", name=image["name"]) for image in post["images"]],
        "like_count": post["like_count"],
        "reply_count": post["reply_count"],
        "repost_count": post["repost_count"],
        "remix_count": post["remix_count"],
        "remix_of": post["remix_of"],
        "reply_to": post["reply_to"],
        "quote_of": post["quote_of"],
        "created_at": isotime(post["created_at"]),
    }
    if post["show_prompt"] and post["prompt"] is not None:
        body["prompt"] = post["prompt"]
    if viewer_id():
        body.update(liked=post["liked"], reposted=post["reposted"], bookmarked=post["bookmarked"])
    return body


@bp.get("/p/<int:post_id>")
def post(post_id: int):
    from views.social import post_page_context

    conn = get_db()
    item = posts.get(conn, post_id, viewer_id())
    if item is None and current_user.is_authenticated and current_user.is_moderator and not wants_json():
        item = posts.get(conn, post_id, viewer_id(), show_hidden=True)  # moderators see what they judge
    if item is None:
        row = posts.get_row(conn, post_id)
        if row is None or not row["deleted_at"] or wants_json():
            abort(404)
        # A deleted post keeps its place in the thread: a placeholder with the replies under it.
        context = {"post": None, "deleted_id": post_id,
                   "ancestors": posts.thread(conn, post_id, viewer_id()) if row["reply_to"] else [],
                   "replies": posts.replies(conn, post_id, viewer_id()), "errors": {}, "text": ""}
        return render_template("post.html", **context), 404
    if viewer_id() and social.relationship(conn, viewer_id(), item["user_id"])["blocked_by"]:
        abort(404)  # a member who blocks you is not there for you, nor are their posts
    if wants_json():
        return jsonify(post_json(item))
    return render_template("post.html", **post_page_context(item))


@bp.get("/p/<int:post_id>/remixes")
def remixes(post_id: int):
    """Every remix of a post, at any depth, newest first, with the prompt diff from its parent."""
    item = get_post_or_404(post_id)
    page_size = current_app.config["FEED_PAGE_SIZE"]
    nodes = lineage.all_remixes(get_db(), post_id, int_arg("before"), page_size)
    more = url_for("posts.remixes", post_id=post_id, before=nodes[-1]["id"]) if len(nodes) == page_size else None
    if wants_json():
        return jsonify({"post_id": post_id, "remixes": [
            {"id": n["id"], "author": n["username"], "remix_of": n["remix_of"], "depth": n["depth"],
             "deleted": bool(n["deleted_at"])} for n in nodes]})
    template = "partials/_remix_rows.html" if is_htmx() and request.args.get("before") else "remixes.html"
    return render_template(template, post=item, nodes=nodes, more_url=more)


@bp.post("/p/<int:post_id>/remix-policy")
@login_required
def remix_policy(post_id: int):
    """The author changes who may remix a post (anyone / followers / nobody)."""
    item = get_post_or_404(post_id)
    if item["user_id"] != current_user.id:
        abort(403)
    policy = request.form.get("remix_policy", "")
    if policy not in posts.REMIX_POLICIES:
        if wants_json():
            return jsonify({"errors": {"remix_policy": _("Pick who may remix this picture.")}}), 422
        abort(422)
    posts.set_remix_policy(get_db(), post_id, policy)
    if wants_json():
        return jsonify({"remix_policy": policy})
    return redirect(url_for("posts.post", post_id=post_id), 303)
