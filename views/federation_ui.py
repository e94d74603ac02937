"""Following people on other servers (issue 10): look up `@name@host` by WebFinger, show a profile
card, follow and unfollow (the Follow and Undo go out through the delivery queue)."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import federation
from federation import activities, actors, webfinger
from federation.delivery import enqueue
from federation.fetch import FetchError
from models import domain_rules, follow_requests, social, users
from models import federation as fed_model
from models.db import get_db
from views import instance as instance_view
from views.helpers import is_htmx, wants_json

bp = Blueprint("federation_ui", __name__, url_prefix="/federation")
REFRESH_AFTER = 24 * 3600  # a remote profile older than a day is fetched again on look-up


def _require_enabled() -> None:
    if not federation.enabled(current_app.config, get_db()):
        abort(404)


def find_remote(handle_text: str):
    """(remote users row or None, error message) for '@name@host'."""
    config = current_app.config
    conn = get_db()
    handle = webfinger.parse_handle(handle_text)
    if handle is None:
        return None, _("Type a handle like @someone@example.social.")
    name, host = handle
    limited = bool(instance_view.setting("federation_limited"))
    if not domain_rules.allowed(conn, host, limited):
        return None, _("This instance does not connect with %(host)s.", host=host)
    row = fed_model.remote_by_handle(conn, name, host)
    if row is not None and row["status"] == "active" and (row["fetched_at"] or 0) > time.time() - REFRESH_AFTER:
        return row, None
    try:
        uri = webfinger.lookup(config, name, host)
        return actors.fetch_actor(config, conn, uri), None
    except (FetchError, actors.ActorError):
        return None, _("Could not find %(handle)s. Check the spelling, or try again later.",
                       handle=f"@{name}@{host}")


@bp.get("/lookup")
@login_required
def lookup():
    _require_enabled()
    q = (request.args.get("q") or "").strip()[:300]
    handle = webfinger.parse_handle(q)
    if handle and handle[1] == federation.local_host(current_app.config):
        return redirect(url_for("profiles.profile", username=handle[0]), 303)
    person, error = find_remote(q)
    status = 200 if person else (422 if webfinger.parse_handle(q) is None else 404)
    following, requested = _state(person)
    if wants_json():
        if person is None:
            return jsonify({"error": error}), status
        return jsonify({"id": person["id"], "actor": person["actor_uri"], "following": following,
                        "requested": requested, "handle": f"@{person['username']}@{person['domain']}"})
    return render_template("federation_profile.html", person=person, error=error, q=q,
                           following=following, requested=requested, relation=relation_to(person)), status


@bp.get("/card")
def card():
    """The profile card search shows for '@name@host' (a member must sign in to look people up)."""
    _require_enabled()
    q = (request.args.get("q") or "").strip()[:300]
    if not current_user.is_authenticated:
        return render_template("partials/_remote_card.html", person=None,
                               error=_("Sign in to find and follow people on other servers."))
    person, error = find_remote(q)
    following, requested = _state(person)
    return render_template("partials/_remote_card.html", person=person, error=error, following=following,
                           requested=requested, relation=relation_to(person))


def _remote_or_404():
    raw = request.form.get("actor_id", "")
    if not raw.isdigit():
        abort(400)
    row = users.get_user(get_db(), int(raw))
    if row is None or row["domain"] is None or row["status"] != "active":
        abort(404)
    return row


def ties_with(conn, member_id: int, person) -> dict:
    """What a block is about to end between a member and a remote account, read before it does."""
    relation = social.relationship(conn, member_id, person["id"])
    pending = follow_requests.between(conn, person["id"], member_id)
    return {"we_follow": relation["following"] or relation["requested"],
            "they_follow": relation["follows_you"] or pending is not None,
            "their_follow_id": pending["activity_id"] if pending else None}


def end_ties(person, ties: dict) -> None:
    """After a member blocks a remote account: tell its server that the follows both ways are over
    (Undo of our Follow, Reject of theirs: Mastodon drops an accepted follow on a Reject too)."""
    conn = get_db()
    config = current_app.config
    if not person["inbox_url"] or not federation.enabled(config, conn):
        return
    me = current_user.username
    if ties["we_follow"]:
        enqueue(current_app, conn, current_user.id,
                activities.undo(config, me, activities.follow(config, me, person["actor_uri"])), [person["inbox_url"]])
    if ties["they_follow"]:
        follow = activities.follow_of(config, person["actor_uri"], me, ties["their_follow_id"])
        enqueue(current_app, conn, current_user.id, activities.reject(config, me, follow), [person["inbox_url"]])


def relation_to(person) -> dict:
    """The signed-in member's follow, mute and block state towards a remote account (for its card)."""
    if person is None or not current_user.is_authenticated:
        return {}
    return social.relationship(get_db(), current_user.id, person["id"])


def _state(person) -> tuple[bool, bool]:
    """(following, requested): a follow their server has accepted, or one still waiting for its Accept."""
    if person is None:
        return False, False
    conn = get_db()
    following = social.is_following(conn, current_user.id, person["id"])
    return following, not following and follow_requests.is_pending(conn, current_user.id, person["id"])


def _answer(person):
    following, requested = _state(person)
    if wants_json():
        return jsonify({"following": following, "requested": requested, "actor": person["actor_uri"]})
    if is_htmx():
        return render_template("partials/_remote_follow_button.html", person=person, following=following,
                               requested=requested)
    return redirect(url_for("federation_ui.lookup", q=f"@{person['username']}@{person['domain']}"), 303)


@bp.post("/follow")
@login_required
def follow():
    _require_enabled()
    person = _remote_or_404()
    conn = get_db()
    activity = activities.follow(current_app.config, current_user.username, person["actor_uri"])
    try:
        # pending until their server sends Accept(Follow), as on Mastodon
        added = follow_requests.request_remote(conn, current_user.id, person["id"], activity["id"])
    except social.Blocked:
        abort(403)
    if added:
        enqueue(current_app, conn, current_user.id, activity, [person["inbox_url"]])
    return _answer(person)


@bp.post("/unfollow")
@login_required
def unfollow():
    _require_enabled()
    person = _remote_or_404()
    conn = get_db()
    if social.unfollow(conn, current_user.id, person["id"]) or follow_requests.cancel(conn, current_user.id,
                                                                                        person["id"]):
        config = current_app.config
        activity = activities.undo(config, current_user.username,
                                   activities.follow(config, current_user.username, person["actor_uri"]))
        enqueue(current_app, conn, current_user.id, activity, [person["inbox_url"]])
    return _answer(person)
