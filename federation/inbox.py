"""Receiving: what each incoming (already verified) activity does.

Follow is accepted at once (an Accept goes back), or held as a request for a member who approves new
followers; Accept and Reject answer our own follows; Undo takes back a Follow (or a pending request), Like
or Announce;
Like and Announce of our posts count like local ones; a Create stores a Note that replies to one
of our posts, or comes from someone a member follows; Delete and Update change what we stored.
Anything else is accepted and ignored.
"""

from __future__ import annotations

import logging
import sqlite3

from federation import PUBLIC, activities, local_post_id, local_username
from federation.actors import ActorError, html_to_text, parse_actor
from federation.delivery import enqueue
from models import federation as fed_model
from models import follow_requests, social, users

log = logging.getLogger("easel.inbox")
CAPTION_MAX = 5000
IMAGE_TYPES = ("Image", "Document")


def _id(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _local_member(config, conn: sqlite3.Connection, uri) -> sqlite3.Row | None:
    name = local_username(config, _id(uri) or "")
    member = users.get_local_user(conn, name) if name else None
    return member if member is not None and member["status"] == "active" else None


def _local_post(config, conn: sqlite3.Connection, uri) -> int | None:
    """Our post's id for a URI of ours, or a stored remote post's id for its URI."""
    uri = _id(uri)
    if not uri:
        return None
    post_id = local_post_id(config, uri)
    if post_id is not None:
        return post_id
    row = fed_model.post_by_uri(conn, uri)
    return row["id"] if row else None


def handle(app, conn: sqlite3.Connection, actor: sqlite3.Row, activity: dict, silenced: bool = False) -> str:
    """Apply one activity from `actor` (its signature already checked); returns what was done."""
    config = app.config
    kind = activity.get("type")
    obj = activity.get("object")
    if kind == "Follow":
        member = _local_member(config, conn, obj)
        if member is None:
            return "ignored"
        try:
            outcome = follow_requests.follow_or_request(conn, actor["id"], member["id"], _id(activity))
        except social.Blocked:
            if actor["inbox_url"]:  # say no, so their server does not show the follow as pending for ever
                enqueue(app, conn, member["id"], activities.reject(config, member["username"], activity),
                        [actor["inbox_url"]])
            return "blocked"
        if outcome == follow_requests.REQUESTED:
            return "requested"  # a locked member decides; the Accept or Reject goes out then
        enqueue(app, conn, member["id"], activities.accept(config, member["username"], activity),
                [actor["inbox_url"]])
        return "followed"
    if kind == "Undo" and isinstance(obj, dict):
        inner = obj.get("type")
        if _id(obj.get("actor")) not in (None, actor["actor_uri"]):
            return "ignored"
        if inner == "Follow":
            member = _local_member(config, conn, obj.get("object"))
            if member is not None:
                if follow_requests.cancel(conn, actor["id"], member["id"]):
                    return "request_withdrawn"
                social.unfollow(conn, actor["id"], member["id"])
                return "unfollowed"
        elif inner in ("Like", "Announce"):
            post_id = _local_post(config, conn, obj.get("object"))
            if post_id is not None:
                (social.unlike if inner == "Like" else social.unrepost)(conn, actor["id"], post_id)
                return "undone"
        return "ignored"
    if kind in ("Accept", "Reject"):
        return _answer_to_follow(config, conn, actor, kind, obj)
    if kind in ("Like", "Announce"):
        post_id = _local_post(config, conn, obj)
        if post_id is None:
            return "ignored"
        try:
            (social.like if kind == "Like" else social.repost)(conn, actor["id"], post_id)
        except (social.NoSuchPost, social.Blocked):
            return "ignored"
        return kind.lower()
    if kind == "Create" and isinstance(obj, dict):
        return _create(config, conn, actor, obj, silenced)
    if kind == "Delete":
        uri = _id(obj)
        if uri == actor["actor_uri"]:
            fed_model.remove_remote_actor_content(conn, actor["id"])
            return "actor_deleted"
        if uri and fed_model.delete_remote_post(conn, actor["id"], uri):
            return "deleted"
        return "ignored"
    if kind == "Update" and isinstance(obj, dict):
        if obj.get("id") == actor["actor_uri"]:
            try:
                uri, fields = parse_actor(obj)
            except ActorError:
                return "ignored"
            if fields["public_key_id"] == actor["public_key_id"]:  # a key change comes by refetching, never inline
                fed_model.upsert_remote(conn, uri, fields)
                return "updated"
            return "ignored"
        if obj.get("type") == "Note" and _id(obj.get("attributedTo")) == actor["actor_uri"] and obj.get("id"):
            if fed_model.update_remote_post(conn, actor["id"], obj["id"], _caption(obj)):
                return "updated"
        return "ignored"
    return "ignored"


def _answer_to_follow(config, conn: sqlite3.Connection, actor: sqlite3.Row, kind: str, obj) -> str:
    """Their server accepted or refused one of our follows. The object is the Follow itself, or only its id
    (Pixelfed and older servers)."""
    member_id = None
    if isinstance(obj, dict):
        if obj.get("type") not in (None, "Follow"):
            return "ignored"
        if obj.get("object") is not None and _id(obj.get("object")) != actor["actor_uri"]:
            return "ignored"  # only the one followed may answer
        member = _local_member(config, conn, obj.get("actor"))
        member_id = member["id"] if member is not None else None
    activity_id = _id(obj)
    if member_id is None and activity_id is None:
        return "ignored"
    if kind == "Accept":
        return "accepted" if follow_requests.accepted_by_remote(conn, actor["id"], member_id, activity_id) \
            else "ignored"
    member_id = follow_requests.rejected_by_remote(conn, actor["id"], member_id, activity_id)
    if member_id is not None:
        social.unfollow(conn, member_id, actor["id"])  # a Reject after an Accept ends the follow
    return "rejected"


def _caption(note: dict) -> str:
    return html_to_text(note.get("content"))[:CAPTION_MAX]


def _images(note: dict) -> list[dict]:
    attachments = note.get("attachment") or []
    if isinstance(attachments, dict):
        attachments = [attachments]
    images = []
    for item in attachments:
        if not isinstance(item, dict) or item.get("type") not in IMAGE_TYPES:
            continue
        url = item.get("url")
        if isinstance(url, list):
            url = url[0] if url else None
        if isinstance(url, dict):
            url = url.get("href")
        kind = str(item.get("mediaType") or "image/")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or not kind.startswith("image/"):
            continue
        size = [item.get("width"), item.get("height")]
        width, height = (int(v) if isinstance(v, int) and 0 < v < 100_000 else 0 for v in size)
        alt = item.get("name") if isinstance(item.get("name"), str) else ""
        images.append({"url": url, "width": width, "height": height, "alt": alt[:1500]})
    return images


def _create(config, conn: sqlite3.Connection, actor: sqlite3.Row, note: dict, silenced: bool) -> str:
    if note.get("type") not in ("Note", "Article", "Image", "Page") or not isinstance(note.get("id"), str):
        return "ignored"
    if _id(note.get("attributedTo")) != actor["actor_uri"]:
        return "ignored"  # only an author may create their own Note
    audience = [*(_list(note.get("to"))), *(_list(note.get("cc")))]
    if PUBLIC not in audience and "as:Public" not in audience and "Public" not in audience:
        return "ignored"  # followers-only and direct messages are not shown (yet)
    reply_to = _local_post(config, conn, note.get("inReplyTo")) if note.get("inReplyTo") else None
    if note.get("inReplyTo") and reply_to is None:
        return "ignored"  # a reply in a conversation we do not have: not a post of its own on home
    followed = conn.execute(
        """SELECT EXISTS (SELECT 1 FROM follows f JOIN users u ON u.id = f.follower_id
                          WHERE f.followee_id = ? AND u.domain IS NULL)""", (actor["id"],)).fetchone()[0]
    if reply_to is None and not followed:
        return "ignored"  # nobody here asked for it
    if silenced and not followed:
        return "ignored"  # a silenced server reaches only the members who follow its people
    post_id = fed_model.store_remote_post(conn, actor["id"], note["id"], _caption(note), reply_to, _images(note))
    return "created" if post_id else "duplicate"


def _list(value) -> list:
    if isinstance(value, list):
        return [_id(v) for v in value]
    return [_id(value)] if value else []
