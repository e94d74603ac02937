"""The social verbs on posts and members. Each toggle is idempotent and answers its new button."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import follow_requests, posts, social, users
from models.db import get_db
from views.helpers import is_htmx, json_error, redirect_back, wants_json
from views.limits import post_limit

bp = Blueprint("social", __name__)

# verb -> (model function, state key on the post, count key or None)
TOGGLES = {
    "like": (social.like, "liked", "like_count"),
    "unlike": (social.unlike, "liked", "like_count"),
    "repost": (social.repost, "reposted", "repost_count"),
    "unrepost": (social.unrepost, "reposted", "repost_count"),
    "bookmark": (social.bookmark, "bookmarked", None),
    "unbookmark": (social.unbookmark, "bookmarked", None),
}
BUTTON_OF = {"like": "like", "unlike": "like", "repost": "repost", "unrepost": "repost",
             "bookmark": "bookmark", "unbookmark": "bookmark"}


def _toggle(post_id: int, verb: str):
    action, state_key, count_key = TOGGLES[verb]
    conn = get_db()
    try:
        action(conn, current_user.id, post_id)
    except social.NoSuchPost:
        abort(404)
    except social.Blocked:
        abort(403)
    post = posts.get(conn, post_id, current_user.id)
    if post is None:
        abort(404)
    if wants_json():
        body = {state_key: post[state_key]}
        if count_key:
            body[count_key] = post[count_key]
        return jsonify(body)
    if is_htmx():
        return render_template("partials/_toggle_button.html", post=post, kind=BUTTON_OF[verb])
    return redirect_back(url_for("posts.post", post_id=post_id))


def _register_toggle(verb: str) -> None:
    def view(post_id: int):
        return _toggle(post_id, verb)

    view.__name__ = verb
    bp.add_url_rule(f"/p/<int:post_id>/{verb}", endpoint=verb, view_func=login_required(view), methods=["POST"])


for _verb in TOGGLES:
    _register_toggle(_verb)


def _text_field(name: str = "text") -> tuple[str, dict]:
    body = (request.form.get(name) or "").strip()
    limit = current_app.config["CAPTION_MAX"]
    if not body:
        return body, {name: _("Write something first.")}
    if len(body) > limit:
        return body, {name: _("Keep it under %(n)d characters.", n=limit)}
    return body, {}


@bp.post("/p/<int:post_id>/reply")
@login_required
@post_limit
def reply(post_id: int):
    conn = get_db()
    parent = posts.get(conn, post_id, current_user.id)
    if parent is None:
        abort(404)
    body, errors = _text_field()
    if errors:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        if is_htmx():
            return render_template("partials/_reply_form.html", post=parent, errors=errors, text=body), 422
        return render_template("post.html", **{**post_page_context(parent), "errors": errors, "text": body}), 422
    try:
        reply_id = posts.reply(conn, current_user.id, post_id, body)
    except social.Blocked:
        abort(403)
    except social.NoSuchPost:
        abort(404)
    if wants_json():
        return jsonify({"post_id": reply_id}), 201
    if is_htmx():
        new_reply = posts.get(conn, reply_id, current_user.id)
        return render_template("partials/_reply_created.html", post=parent, reply=new_reply), 201
    return redirect(url_for("posts.post", post_id=post_id, _anchor=f"post-{reply_id}"), 303)


@bp.route("/p/<int:post_id>/quote", methods=["GET", "POST"])
@login_required
@post_limit
def quote(post_id: int):
    conn = get_db()
    quoted = posts.get(conn, post_id, current_user.id)
    if quoted is None:
        abort(404)
    if request.method == "GET":
        return render_template("quote.html", quoted=quoted, errors={}, text="")
    body, errors = _text_field()
    if errors:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        return render_template("quote.html", quoted=quoted, errors=errors, text=body), 422
    try:
        quote_id = posts.quote(conn, current_user.id, post_id, body)
    except social.Blocked:
        abort(403)
    if wants_json():
        return jsonify({"post_id": quote_id}), 201
    target = url_for("posts.post", post_id=quote_id)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    conn = get_db()
    row = posts.get_row(conn, post_id)
    if row is None or row["deleted_at"] or row["repost_of"]:
        abort(404)
    if row["user_id"] != current_user.id:
        abort(403)
    posts.delete(conn, post_id)
    if wants_json():
        return jsonify({"deleted": post_id})
    if is_htmx():
        return ""  # the post element is swapped away
    return redirect(url_for("feed.home"), 303)


def post_page_context(post: dict) -> dict:
    conn = get_db()
    viewer = current_user.id if current_user.is_authenticated else None
    from models import lineage

    lineage_up = lineage.ancestors(conn, post["id"]) if post["remix_of"] else []
    tree = lineage.descendants(conn, post["id"]) if post["remix_count"] or post["generation_id"] else []
    own_prompt = post["prompt"] if post["show_prompt"] else None
    lineage.attach_diffs(own_prompt, tree)
    if lineage_up:
        chain = [*lineage_up, {"prompt": own_prompt}]
        for parent, child in zip(chain, chain[1:], strict=False):
            child["diff"] = lineage.prompt_diff(parent["prompt"], child["prompt"])
    return {
        "post": post,
        "lineage_up": lineage_up,
        "self_diff": lineage_up and lineage.prompt_diff(lineage_up[-1]["prompt"], own_prompt),
        "tree": tree,
        "ancestors": posts.thread(conn, post["id"], viewer) if post["reply_to"] else [],
        "replies": posts.replies(conn, post["id"], viewer),
        "errors": {},
        "text": "",
    }


def _member_or_404(username: str):
    member = users.get_local_user(get_db(), username)
    if member is None:
        abort(404)
    return member


def _follow_answer(member, verb: str):
    conn = get_db()
    following = social.is_following(conn, current_user.id, member["id"])
    requested = not following and follow_requests.is_pending(conn, current_user.id, member["id"])
    if wants_json():
        body = {"following": following, "username": member["username"]}
        if requested:  # only for members who approve new followers: other answers stay as they were
            body["requested"] = True
        return jsonify(body)
    if is_htmx():
        return render_template("partials/_follow_button.html", member=member, following=following,
                               requested=requested)
    return redirect_back(url_for("profiles.profile", username=member["username"]))


@bp.post("/u/<username>/follow")
@login_required
def follow(username: str):
    member = _member_or_404(username)
    if member["id"] == current_user.id:
        abort(422)
    try:
        follow_requests.follow_or_request(get_db(), current_user.id, member["id"])  # a locked member: a request
    except social.Blocked:
        abort(403)
    return _follow_answer(member, "follow")


@bp.post("/u/<username>/unfollow")
@login_required
def unfollow(username: str):
    member = _member_or_404(username)
    if not social.unfollow(get_db(), current_user.id, member["id"]):
        follow_requests.cancel(get_db(), current_user.id, member["id"])  # "Requested" clicked again
    return _follow_answer(member, "unfollow")
