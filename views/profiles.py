"""Member profiles: /u/<username> with the member's posts."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from models import posts, social, users
from models.db import get_db
from views.helpers import int_arg, is_htmx

bp = Blueprint("profiles", __name__)


@bp.get("/u/<username>")
def profile(username: str):
    conn = get_db()
    member = users.get_local_user(conn, username)
    if member is None:
        abort(404)
    viewer = current_user.id if current_user.is_authenticated else None
    relation = social.relationship(conn, viewer, member["id"]) if viewer and viewer != member["id"] else {}
    if relation.get("blocked_by"):
        abort(404)  # a member who blocks you is not there for you
    page_size = current_app.config["FEED_PAGE_SIZE"]
    items, cursor = posts.feed(conn, "user_posts", viewer, int_arg("before"), page_size, author=member["id"])
    more = url_for("profiles.profile", username=member["username"], before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_feed_page.html", items=items, more_url=more)
    return render_template("profile.html", member=member, relation=relation, items=items, more_url=more,
                           counts=users.profile_counts(conn, member["id"]))
