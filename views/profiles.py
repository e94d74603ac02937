"""Member profiles: /u/<username> with tabs (posts, media, likes), followers and following lists,
and the block / mute verbs of the profile's "…" menu."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from models import federation as fed_model
from models import posts, profiles, social, users
from models.db import get_db
from views import federation_ui
from views.helpers import int_arg, is_htmx, redirect_back, wants_json

bp = Blueprint("profiles", __name__)

# tab -> (named feed in models.posts, endpoint, partial for one page of it)
TABS = {
    "posts": ("user_posts", "profiles.profile", "partials/_feed_page.html"),
    "media": ("user_media", "profiles.media", "partials/_profile_media_page.html"),
    "likes": ("user_likes", "profiles.likes", "partials/_feed_page.html"),
}
PEOPLE_PAGE_SIZE = 30


def viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def visible_member_or_404(username: str) -> tuple[dict, dict]:
    """(member with avatar_name, the viewer's relationship to them); 404 when unknown or blocking you."""
    conn = get_db()
    row = users.get_local_user(conn, username)
    if row is None or row["status"] in ("deleted", "pending", "rejected"):
        abort(404)  # a deleted account keeps its name reserved, not its profile
    viewer = viewer_id()
    relation = social.relationship(conn, viewer, row["id"]) if viewer and viewer != row["id"] else {}
    if relation.get("blocked_by"):
        abort(404)  # a member who blocks you is not there for you
    member = dict(row)
    member["avatar_name"] = profiles.avatar_name(conn, row["id"])
    return member, relation


def _tab(username: str, tab: str):
    feed_name, endpoint, partial = TABS[tab]
    member, relation = visible_member_or_404(username)
    conn = get_db()
    items, cursor = [], None
    if not relation.get("blocking"):  # you blocked them: their posts stay out of your way
        items, cursor = posts.feed(conn, feed_name, viewer_id(), int_arg("before"),
                                   current_app.config["FEED_PAGE_SIZE"], author=member["id"])
    more = url_for(endpoint, username=member["username"], before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template(partial, items=items, more_url=more)
    return render_template("profile.html", member=member, relation=relation, items=items, more_url=more,
                           tab=tab, page_partial=partial, counts=users.profile_counts(conn, member["id"]))


@bp.get("/u/<username>")
def profile(username: str):
    return _tab(username, "posts")


@bp.get("/u/<username>/media")
def media(username: str):
    return _tab(username, "media")


@bp.get("/u/<username>/likes")
def likes(username: str):
    return _tab(username, "likes")


def _people(username: str, which: str):
    member, relation = visible_member_or_404(username)
    conn = get_db()
    people, cursor = profiles.people(conn, which, member["id"], viewer_id(), int_arg("before"), PEOPLE_PAGE_SIZE)
    endpoint = f"profiles.{which}"
    more = url_for(endpoint, username=member["username"], before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_profile_people_page.html", people=people, more_url=more)
    return render_template("people.html", member=member, relation=relation, people=people, more_url=more,
                           which=which, counts=users.profile_counts(conn, member["id"]))


@bp.get("/u/<username>/followers")
def followers(username: str):
    return _people(username, "followers")


@bp.get("/u/<username>/following")
def following(username: str):
    return _people(username, "following")


# --- block and mute --------------------------------------------------------------------------

# verb -> (model function, key of the answer)
MODERATION = {
    "block": (social.block, "blocking"),
    "unblock": (social.unblock, "blocking"),
    "mute": (social.mute, "muting"),
    "unmute": (social.unmute, "muting"),
}


def _moderation_target(conn, username: str):
    """A member by name, or an account on another server by `name@host` (issue 10)."""
    if "@" in username:
        name, _, host = username.partition("@")
        return fed_model.remote_by_handle(conn, name, host.lower())
    return users.get_local_user(conn, username)


def _moderate(username: str, verb: str):
    action, key = MODERATION[verb]
    conn = get_db()
    row = _moderation_target(conn, username)
    if row is None:
        abort(404)
    if row["id"] == current_user.id:
        abort(422)
    remote = row["domain"] is not None
    ties = federation_ui.ties_with(conn, current_user.id, row) if remote and verb == "block" else None
    action(conn, current_user.id, row["id"])
    if ties:
        federation_ui.end_ties(row, ties)
    relation = social.relationship(conn, current_user.id, row["id"])
    handle = f"{row['username']}@{row['domain']}" if remote else row["username"]
    if wants_json():
        return jsonify({key: relation[key], "username": handle})
    if remote:
        if is_htmx():
            return render_template("partials/_remote_card.html", person=row, relation=relation,
                                   following=relation["following"], requested=relation["requested"])
        return redirect_back(url_for("federation_ui.lookup", q=f"@{handle}"))
    if is_htmx():
        member = dict(row)
        member["avatar_name"] = profiles.avatar_name(conn, row["id"])
        return render_template("partials/_profile_actions.html", member=member, relation=relation)
    return redirect_back(url_for("profiles.profile", username=row["username"]))


def _register_moderation(verb: str) -> None:
    def view(username: str):
        return _moderate(username, verb)

    view.__name__ = verb
    bp.add_url_rule(f"/u/<username>/{verb}", endpoint=verb, view_func=login_required(view), methods=["POST"])


for _verb in MODERATION:
    _register_moderation(_verb)
