"""Notifications: written in the same transaction as the action they tell about; grouped when read."""

from __future__ import annotations

import sqlite3

from models.db import now, transaction


def notify(conn: sqlite3.Connection, recipient_id: int, actor_id: int, kind: str, post_id: int | None = None) -> None:
    """Record one notification (never to yourself, never from someone you block or mute)."""
    if recipient_id == actor_id:
        return
    silenced = conn.execute(
        """SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = :r AND blocked_id = :a)
               OR EXISTS (SELECT 1 FROM mutes WHERE muter_id = :r AND muted_id = :a)""",
        {"r": recipient_id, "a": actor_id},
    ).fetchone()[0]
    if silenced:
        return
    conn.execute(
        "INSERT OR IGNORE INTO notifications (user_id, actor_id, kind, post_id, created_at) VALUES (?, ?, ?, ?, ?)",
        (recipient_id, actor_id, kind, post_id, now()),
    )


# Notices from the moderators about a report, a held post or a hidden post: they reach the member
# whatever they mute, and a newer one about the same thing replaces the older.
MODERATION_KINDS = ("report_resolved", "post_approved", "post_rejected", "post_hidden")


def notify_moderation(conn: sqlite3.Connection, recipient_id: int, moderator_id: int, kind: str,
                      post_id: int | None = None, detail: str = "") -> None:
    """Tell a member what moderators did (`detail`: the outcome, e.g. 'post_hidden')."""
    if kind not in MODERATION_KINDS:
        raise ValueError(kind)
    conn.execute(
        """INSERT OR REPLACE INTO notifications (user_id, actor_id, kind, post_id, detail, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (recipient_id, moderator_id, kind, post_id, detail, now()),
    )


def withdraw(conn: sqlite3.Connection, recipient_id: int, actor_id: int, kind: str, post_id: int | None = None) -> None:
    """An undone action (unlike, unfollow, unrepost) takes its notification back."""
    conn.execute(
        "DELETE FROM notifications WHERE user_id = ? AND actor_id = ? AND kind = ? AND coalesce(post_id, 0) = ?",
        (recipient_id, actor_id, kind, post_id or 0),
    )


UNREAD_CAP = 100  # the badge says "99+" past that, so counting further is wasted work on every page


def unread_count(conn: sqlite3.Connection, user_id: int) -> int:
    """Unread notifications (from members not muted or blocked; moderation news always), up to UNREAD_CAP."""
    return conn.execute(
        """SELECT count(*) FROM (SELECT 1 FROM notifications n INDEXED BY notifications_unread
           WHERE n.user_id = :u AND n.read_at IS NULL
             AND (n.kind IN ('report_resolved', 'post_approved', 'post_rejected', 'post_hidden') OR (
                  n.actor_id NOT IN (SELECT muted_id FROM mutes WHERE muter_id = :u)
                  AND n.actor_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = :u)))
           LIMIT :cap)""",
        {"u": user_id, "cap": UNREAD_CAP},
    ).fetchone()[0]


def mark_read(conn: sqlite3.Connection, user_id: int) -> int:
    with transaction(conn):
        return conn.execute(
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", (now(), user_id)
        ).rowcount


def grouped(conn: sqlite3.Connection, user_id: int, limit: int = 300) -> list[dict]:
    """Recent notifications grouped by (kind, post): "ana and 3 others liked your post".

    Follows group together regardless of post; mentions, replies and quotes stay one per post.
    """
    rows = conn.execute(
        """SELECT n.*, u.username AS actor_username, u.display_name AS actor_display_name,
                  u.domain AS actor_domain, coalesce(u.profile_url, u.actor_uri) AS actor_url,
                  p.caption AS post_caption, p.reply_to AS post_reply_to
           FROM notifications n
           JOIN users u ON u.id = n.actor_id
           LEFT JOIN posts p ON p.id = n.post_id
           WHERE n.user_id = ?
             AND (n.kind IN ('report_resolved', 'post_approved', 'post_rejected', 'post_hidden') OR (
                  n.actor_id NOT IN (SELECT muted_id FROM mutes WHERE muter_id = n.user_id)
                  AND n.actor_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = n.user_id)))
           ORDER BY n.id DESC LIMIT ?""",
        (user_id, limit),
    ).fetchall()
    groups: dict[tuple, dict] = {}
    order: list[tuple] = []
    for row in rows:
        groupable = row["kind"] in ("like", "repost", "follow", "follow_request", "remix")
        key = (row["kind"], row["post_id"]) if groupable else (row["kind"], row["id"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "kind": row["kind"], "post_id": row["post_id"], "post_caption": row["post_caption"],
                "detail": row["detail"],
                "created_at": row["created_at"], "unread": False, "actors": [], "id": row["id"],
            }
            order.append(key)
        group["actors"].append({"username": row["actor_username"], "display_name": row["actor_display_name"],
                                "domain": row["actor_domain"], "profile_url": row["actor_url"]})
        group["unread"] = group["unread"] or row["read_at"] is None
    return [groups[key] for key in order]
