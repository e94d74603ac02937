"""Outgoing federation (issue 10): after a member's action has been committed, queue its activity.

One after-request hook reads which action succeeded (the endpoint and its arguments) and queues
the matching activity for the right inboxes, so the social views and models stay as they were and
nothing changes while federation is off.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, request
from flask_login import current_user

import federation
from federation import activities
from federation.delivery import enqueue
from models import federation as fed_model
from models import posts, reports, users
from models.db import get_db

log = logging.getLogger("easel.federation")


def _conn_config():
    return get_db(), current_app.config


def _author_inbox(conn, post_row) -> list[str]:
    """The inbox of a remote post's author (empty for local posts)."""
    author = users.get_user(conn, post_row["user_id"])
    if author is None or author["domain"] is None:
        return []
    return [author["shared_inbox_url"] or author["inbox_url"]]


def _post_uri(config, row) -> str:
    return row["uri"] or federation.post_uri(config, row["id"])


def _author_uri(config, conn, row) -> str:
    author = users.get_user(conn, row["user_id"])
    return author["actor_uri"] if author["domain"] else federation.actor_uri(config, author["username"])


def send_post(post_id: int) -> None:
    """Create: a member's new public post (or reply) to their followers (and a replied-to remote author)."""
    conn, config = _conn_config()
    post = posts.get(conn, post_id, None)
    if post is None or post["domain"] or post["moderation"] is not None:
        return  # held for review: sent when approved (not yet), never while held
    inboxes = fed_model.follower_inboxes(conn, post["user_id"])
    reply_uri, cc = None, []
    if post["reply_to"]:
        parent = posts.get_row(conn, post["reply_to"])
        if parent is not None:
            reply_uri = _post_uri(config, parent)
            inboxes += _author_inbox(conn, parent)
            if parent["uri"]:
                cc.append(_author_uri(config, conn, parent))
    activity = activities.create(config, post, reply_uri, cc)
    if reply_uri and reply_uri in activity["object"]["cc"]:
        activity["object"]["cc"].remove(reply_uri)
    enqueue(current_app, conn, post["user_id"], activity, inboxes)


def _after_share(args) -> None:
    post_id = posts.post_for_generation(get_db(), args["generation_id"])
    if post_id:
        send_post(post_id)


def _after_reply(args) -> None:
    row = get_db().execute(
        "SELECT max(id) FROM posts WHERE user_id = ? AND reply_to = ?", (current_user.id, args["post_id"])).fetchone()
    if row and row[0]:
        send_post(row[0])


def _send_delete(conn, config, row) -> None:
    """Delete(Note) of a local post, from its author, to their followers (and a replied-to remote author)."""
    author = users.get_user(conn, row["user_id"])
    if author is None or author["domain"]:
        return  # another server's post: not ours to withdraw from the fediverse
    inboxes = fed_model.follower_inboxes(conn, author["id"])
    if row["reply_to"]:
        parent = posts.get_row(conn, row["reply_to"])
        if parent is not None:
            inboxes += _author_inbox(conn, parent)
    enqueue(current_app, conn, author["id"], activities.delete(config, author["username"], row["id"]), inboxes)


def _after_delete(args) -> None:
    conn, config = _conn_config()
    row = posts.get_row(conn, args["post_id"])
    if row is None or not row["deleted_at"] or row["user_id"] != current_user.id:
        return
    _send_delete(conn, config, row)


def _withdraw_hidden(post_id: int | None) -> None:
    """A moderator hid a post: the servers that received it are asked to delete their copy."""
    conn, config = _conn_config()
    row = posts.get_row(conn, post_id) if post_id else None
    if row is not None and row["moderation"] == "hidden" and not row["deleted_at"]:
        _send_delete(conn, config, row)


def _after_like(args, undo: bool = False) -> None:
    conn, config = _conn_config()
    row = posts.get_row(conn, args["post_id"])
    if row is None or not row["uri"]:
        return  # a like of a local post stays here, as on Mastodon
    activity = activities.like(config, current_user.username, row["uri"])
    if undo:
        activity = activities.undo(config, current_user.username, activity)
    enqueue(current_app, conn, current_user.id, activity, _author_inbox(conn, row))


def _after_repost(args, undo: bool = False) -> None:
    conn, config = _conn_config()
    row = posts.get_row(conn, args["post_id"])
    if row is None:
        return
    activity = activities.announce(config, current_user.username, _post_uri(config, row),
                                   _author_uri(config, conn, row))
    if undo:
        activity = activities.undo(config, current_user.username, activity)
    inboxes = fed_model.follower_inboxes(conn, current_user.id) + _author_inbox(conn, row)
    enqueue(current_app, conn, current_user.id, activity, inboxes)


def _after_settings(args) -> None:
    from views.federation import person_doc

    conn, config = _conn_config()
    member = users.get_user(conn, current_user.id)
    inboxes = fed_model.follower_inboxes(conn, member["id"])
    if inboxes:
        enqueue(current_app, conn, member["id"], activities.update_person(config, person_doc(member)), inboxes)


def _after_post_action(args) -> None:
    """A moderator's verdict on a post reaches other servers: an approved held post (or an unhidden
    one) goes out as it would have when shared; a hidden one is withdrawn with a Delete."""
    if args.get("verb") in ("approve", "unhide"):
        send_post(args["post_id"])
    elif args.get("verb") == "hide":
        _withdraw_hidden(args["post_id"])


def _after_report(args) -> None:
    """Resolving a report by hiding its post withdraws the post like hiding it directly."""
    if args.get("action") == "hide":
        report = reports.get(get_db(), args["report_id"])
        _withdraw_hidden(report["post_id"] if report is not None else None)


def _before_request():
    """Deleting an account ends its follows and follow requests in the same transaction: note first
    which servers know of them (followers, followees, requests either way)."""
    if request.method == "POST" and request.endpoint == "account.delete" and current_user.is_authenticated:
        conn = get_db()
        if federation.enabled(current_app.config, conn):
            g.federation_leaving = (current_user.id, current_user.username,
                                    fed_model.related_inboxes(conn, current_user.id))


def _after_account_delete(leaving) -> None:
    user_id, username, inboxes = leaving
    conn = get_db()
    row = users.get_user(conn, user_id)
    if row is not None and row["status"] == "deleted" and inboxes:
        enqueue(current_app, conn, user_id, activities.delete_actor(current_app.config, username), inboxes)


HOOKS = {
    "admin_moderation.post_action": _after_post_action,
    "admin_moderation.resolve": _after_report,
    "generations.share": _after_share,
    "social.reply": _after_reply,
    "social.delete": _after_delete,
    "social.like": _after_like,
    "social.unlike": lambda args: _after_like(args, undo=True),
    "social.repost": _after_repost,
    "social.unrepost": lambda args: _after_repost(args, undo=True),
    "settings.settings": _after_settings,
    "follow_requests.privacy": _after_settings,  # manuallyApprovesFollowers changed
}


def _after_request(response):
    leaving = g.pop("federation_leaving", None)
    if leaving is not None and response.status_code < 400:
        try:
            _after_account_delete(leaving)
        except Exception:
            log.exception("federation: queueing the account's Delete failed")
    hook = HOOKS.get(request.endpoint or "")
    if hook is None or request.method != "POST" or response.status_code >= 400:
        return response
    if not current_user.is_authenticated:
        return response
    conn = get_db()
    if not federation.enabled(current_app.config, conn):
        return response
    try:
        hook(request.view_args or {})
    except Exception:  # the member's action is done; a federation bug must not turn it into an error page
        log.exception("federation: queueing after %s failed", request.endpoint)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_before_request)
    app.after_request(_after_request)
