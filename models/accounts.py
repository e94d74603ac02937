"""A member's account as moderators and admins change it: suspend, unsuspend, change role, delete.

Each change and its audit row are one transaction. Deleting keeps the users row as a tombstone
(status 'deleted'): the name stays reserved and the threads the member took part in keep their
shape, with their posts as "deleted" placeholders.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models import audit
from models.db import now, transaction
from models.posts import delete_in_transaction

ROLES = ("member", "moderator", "admin")


class LastAdmin(Exception):
    """The change would leave the instance without an active admin."""


class NotAllowed(Exception):
    """The actor may not do this to this member (carries a reason code, see may_act)."""


def may_act(actor: dict | sqlite3.Row, target: dict | sqlite3.Row) -> str | None:
    """Why `actor` may not suspend or delete `target` (None when they may).

    Nobody acts on themselves here (self-deletion lives in /settings); moderators never act on admins;
    a deleted account is past acting on.
    """
    if actor["id"] == target["id"]:
        return "self"
    if target["role"] == "admin" and actor["role"] != "admin":
        return "admin"
    if target["status"] == "deleted":
        return "deleted"
    return None


def _check(actor, target) -> None:
    reason = may_act(actor, target)
    if reason:
        raise NotAllowed(reason)


def _other_active_admins(conn: sqlite3.Connection, user_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' AND domain IS NULL AND id != ?",
        (user_id,),
    ).fetchone()[0]


def _fresh(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotAllowed("missing")
    return row


def suspend(conn: sqlite3.Connection, actor, user_id: int, reason: str, report_id: int | None = None) -> bool:
    """Suspend an active member: their sessions end (session_version bumps) and their posts vanish.

    False when they were not active (already suspended, pending, deleted).
    """
    with transaction(conn):
        return suspend_in_transaction(conn, actor, user_id, reason, report_id)


def suspend_in_transaction(conn: sqlite3.Connection, actor, user_id: int, reason: str,
                           report_id: int | None = None) -> bool:
    target = _fresh(conn, user_id)
    _check(actor, target)
    if target["status"] != "active":
        return False
    if target["role"] == "admin" and not _other_active_admins(conn, user_id):
        raise LastAdmin(user_id)
    conn.execute(
        """UPDATE users SET status = 'suspended', suspended_at = ?, session_version = session_version + 1
           WHERE id = ?""",
        (now(), user_id),
    )
    audit.record(conn, actor, "suspend", target=target, report_id=report_id, reason=reason)
    return True


def unsuspend(conn: sqlite3.Connection, actor, user_id: int, reason: str) -> bool:
    """Let a suspended member back in (they sign in again; old sessions stay ended)."""
    with transaction(conn):
        target = _fresh(conn, user_id)
        _check(actor, target)
        if target["status"] != "suspended":
            return False
        conn.execute("UPDATE users SET status = 'active', suspended_at = NULL WHERE id = ?", (user_id,))
        audit.record(conn, actor, "unsuspend", target=target, reason=reason)
        return True


def set_role(conn: sqlite3.Connection, actor, user_id: int, role: str, reason: str) -> bool:
    """Change a member's role (admins only; the caller checks). Never leaves the instance without an admin."""
    if role not in ROLES:
        raise ValueError(role)
    with transaction(conn):
        target = _fresh(conn, user_id)
        if target["status"] == "deleted":
            raise NotAllowed("deleted")
        if target["role"] == role:
            return False
        if target["role"] == "admin" and not _other_active_admins(conn, user_id):
            raise LastAdmin(user_id)
        conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))
        audit.record(conn, actor, "set_role", target=target, reason=reason, detail=f"{target['role']} → {role}")
        return True


def delete_account(conn: sqlite3.Connection, user_id: int, media_dir: str | Path, *,
                   actor=None, reason: str = "") -> list[str]:
    """Delete a member and their content; returns the media file names removed from `media_dir`.

    Their posts, replies and quotes become deleted placeholders (posts.delete semantics: parents'
    reply and remix counts drop, reposts of them go); their images, generations, likes and reposts
    (counts drop exactly), bookmarks, follows both ways, notifications to and from them, blocks,
    mutes, invites, mentions and recovery codes go. The users row stays as a tombstone.

    `actor` (a moderator or admin) writes a delete_member audit row in the same transaction; None is
    the member deleting themselves. Raises LastAdmin for the only active admin, NotAllowed when the
    actor may not (see may_act). Files are removed after the commit.
    """
    with transaction(conn):
        target = _fresh(conn, user_id)
        if actor is not None:
            _check(actor, target)
        if target["status"] == "deleted":
            return []
        if target["role"] == "admin" and not _other_active_admins(conn, user_id):
            raise LastAdmin(user_id)
        u = {"u": user_id}
        # Their reposts and likes: the counts on other posts drop by exactly one each (unique keys).
        conn.execute(
            """UPDATE posts SET repost_count = repost_count - 1
               WHERE id IN (SELECT repost_of FROM posts WHERE user_id = :u AND repost_of IS NOT NULL)""", u)
        conn.execute("DELETE FROM posts WHERE user_id = :u AND repost_of IS NOT NULL", u)
        conn.execute(
            "UPDATE posts SET like_count = like_count - 1 WHERE id IN (SELECT post_id FROM likes WHERE user_id = :u)",
            u)
        conn.execute("DELETE FROM likes WHERE user_id = :u", u)
        # Their posts, replies and quotes: placeholders, as when they delete one themselves.
        for (post_id,) in conn.execute(
                "SELECT id FROM posts WHERE user_id = :u AND deleted_at IS NULL AND repost_of IS NULL", u).fetchall():
            delete_in_transaction(conn, post_id)
        conn.execute("UPDATE posts SET moderation = NULL, moderated_at = NULL WHERE user_id = :u", u)
        for sql in (
            "DELETE FROM bookmarks WHERE user_id = :u",
            "DELETE FROM follows WHERE follower_id = :u OR followee_id = :u",
            "DELETE FROM follow_requests WHERE requester_id = :u OR target_id = :u",
            "DELETE FROM notifications WHERE user_id = :u OR actor_id = :u",
            "DELETE FROM blocks WHERE blocker_id = :u OR blocked_id = :u",
            "DELETE FROM mutes WHERE muter_id = :u OR muted_id = :u",
            "DELETE FROM mentions WHERE user_id = :u",
            "DELETE FROM invites WHERE created_by = :u",
            "DELETE FROM recovery_codes WHERE user_id = :u",
        ):
            conn.execute(sql, u)
        names = {name for row in conn.execute("SELECT name, thumb_name FROM media WHERE user_id = :u", u)
                 for name in row if name}
        conn.execute("UPDATE users SET avatar_media_id = NULL WHERE id = :u", u)
        conn.execute("DELETE FROM media WHERE user_id = :u", u)
        conn.execute("DELETE FROM generations WHERE user_id = :u", u)
        conn.execute(
            """UPDATE users SET status = 'deleted', role = 'member', password_hash = NULL, display_name = '',
                   bio = '', avatar_media_id = NULL, totp_secret = NULL, session_version = session_version + 1,
                   suspended_at = NULL
               WHERE id = :u""", u)
        if actor is not None:
            audit.record(conn, actor, "delete_member", target=target, reason=reason)
        # Images are content-addressed: another member's identical picture keeps the file.
        orphans = sorted(name for name in names if not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM media WHERE name = ? OR thumb_name = ?)", (name, name)).fetchone()[0])
    for name in orphans:
        (Path(media_dir) / name).unlink(missing_ok=True)
    return orphans
