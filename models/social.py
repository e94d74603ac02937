"""The social verbs: follow, like, repost, bookmark. Counters change in the same transaction as
the row they count, and unique keys make every verb idempotent (a double click never flips twice)."""

from __future__ import annotations

import sqlite3

from models.db import now, transaction
from models.notifications import notify, withdraw


class Blocked(Exception):
    """The other member blocks you (or you block them): the action is not allowed."""


def blocked_between(conn: sqlite3.Connection, a: int, b: int) -> bool:
    return conn.execute(
        """SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?)
               OR EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?)""",
        (a, b, b, a),
    ).fetchone()[0] == 1


def _author(conn: sqlite3.Connection, post_id: int, viewer_id: int | None = None) -> int | None:
    """The author of a post the viewer can see (not deleted, not held or hidden by moderators unless
    their own, not by a suspended member), else None."""
    row = conn.execute(
        """SELECT p.user_id FROM posts p JOIN users u ON u.id = p.user_id
           WHERE p.id = ? AND p.deleted_at IS NULL AND p.repost_of IS NULL AND u.status = 'active'
             AND (p.moderation IS NULL OR p.user_id = ?)""",
        (post_id, viewer_id or 0),
    ).fetchone()
    return row[0] if row else None


class NoSuchPost(Exception):
    pass


def _check(conn: sqlite3.Connection, user_id: int, post_id: int) -> int:
    author = _author(conn, post_id, user_id)
    if author is None:
        raise NoSuchPost(post_id)
    if blocked_between(conn, user_id, author):
        raise Blocked(author)
    return author


def like(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    """Like a post; False when it was already liked."""
    with transaction(conn):
        author = _check(conn, user_id, post_id)
        added = conn.execute(
            "INSERT OR IGNORE INTO likes (user_id, post_id, created_at) VALUES (?, ?, ?)", (user_id, post_id, now())
        ).rowcount
        if added:
            conn.execute("UPDATE posts SET like_count = like_count + 1 WHERE id = ?", (post_id,))
            notify(conn, author, user_id, "like", post_id)
        return bool(added)


def unlike(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    with transaction(conn):
        removed = conn.execute("DELETE FROM likes WHERE user_id = ? AND post_id = ?", (user_id, post_id)).rowcount
        if removed:
            conn.execute("UPDATE posts SET like_count = like_count - 1 WHERE id = ?", (post_id,))
            author = conn.execute("SELECT user_id FROM posts WHERE id = ?", (post_id,)).fetchone()
            if author:
                withdraw(conn, author[0], user_id, "like", post_id)
        return bool(removed)


def repost(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    """Repost (a post row with repost_of); False when already reposted."""
    with transaction(conn):
        author = _check(conn, user_id, post_id)
        added = conn.execute(
            "INSERT OR IGNORE INTO posts (user_id, repost_of, created_at) VALUES (?, ?, ?)", (user_id, post_id, now())
        ).rowcount
        if added:
            conn.execute("UPDATE posts SET repost_count = repost_count + 1 WHERE id = ?", (post_id,))
            notify(conn, author, user_id, "repost", post_id)
        return bool(added)


def unrepost(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    with transaction(conn):
        removed = conn.execute("DELETE FROM posts WHERE user_id = ? AND repost_of = ?", (user_id, post_id)).rowcount
        if removed:
            conn.execute("UPDATE posts SET repost_count = repost_count - 1 WHERE id = ?", (post_id,))
            author = conn.execute("SELECT user_id FROM posts WHERE id = ?", (post_id,)).fetchone()
            if author:
                withdraw(conn, author[0], user_id, "repost", post_id)
        return bool(removed)


def bookmark(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    with transaction(conn):
        if _author(conn, post_id, user_id) is None:
            raise NoSuchPost(post_id)
        return conn.execute(
            "INSERT OR IGNORE INTO bookmarks (user_id, post_id, created_at) VALUES (?, ?, ?)", (user_id, post_id, now())
        ).rowcount == 1


def unbookmark(conn: sqlite3.Connection, user_id: int, post_id: int) -> bool:
    with transaction(conn):
        return conn.execute("DELETE FROM bookmarks WHERE user_id = ? AND post_id = ?", (user_id, post_id)).rowcount == 1


def follow(conn: sqlite3.Connection, follower_id: int, followee_id: int) -> bool:
    with transaction(conn):
        return add_follow(conn, follower_id, followee_id)


def add_follow(conn: sqlite3.Connection, follower_id: int, followee_id: int) -> bool:
    """The follow row and its notification, inside the caller's transaction; False when already following."""
    if follower_id == followee_id:
        return False
    if blocked_between(conn, follower_id, followee_id):
        raise Blocked(followee_id)
    added = conn.execute(
        "INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
        (follower_id, followee_id, now()),
    ).rowcount
    if added:
        notify(conn, followee_id, follower_id, "follow")
    return bool(added)


def unfollow(conn: sqlite3.Connection, follower_id: int, followee_id: int) -> bool:
    with transaction(conn):
        removed = conn.execute(
            "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id)
        ).rowcount
        if removed:
            withdraw(conn, followee_id, follower_id, "follow")
        return bool(removed)


def is_following(conn: sqlite3.Connection, follower_id: int, followee_id: int) -> bool:
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?)", (follower_id, followee_id)
    ).fetchone()[0] == 1


def block(conn: sqlite3.Connection, blocker_id: int, blocked_id: int) -> bool:
    """Block a member: follows both ways end, and they can no longer interact with you."""
    with transaction(conn):
        if blocker_id == blocked_id:
            return False
        added = conn.execute(
            "INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)",
            (blocker_id, blocked_id, now()),
        ).rowcount
        conn.execute(
            "DELETE FROM follows WHERE (follower_id = ? AND followee_id = ?) OR (follower_id = ? AND followee_id = ?)",
            (blocker_id, blocked_id, blocked_id, blocker_id),
        )
        conn.execute(
            """DELETE FROM follow_requests WHERE (requester_id = ? AND target_id = ?)
                                              OR (requester_id = ? AND target_id = ?)""",
            (blocker_id, blocked_id, blocked_id, blocker_id),
        )
        return bool(added)


def unblock(conn: sqlite3.Connection, blocker_id: int, blocked_id: int) -> bool:
    with transaction(conn):
        return conn.execute(
            "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", (blocker_id, blocked_id)
        ).rowcount == 1


def mute(conn: sqlite3.Connection, muter_id: int, muted_id: int) -> bool:
    with transaction(conn):
        if muter_id == muted_id:
            return False
        return conn.execute(
            "INSERT OR IGNORE INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?)", (muter_id, muted_id, now())
        ).rowcount == 1


def unmute(conn: sqlite3.Connection, muter_id: int, muted_id: int) -> bool:
    with transaction(conn):
        return conn.execute("DELETE FROM mutes WHERE muter_id = ? AND muted_id = ?", (muter_id, muted_id)).rowcount == 1


def relationship(conn: sqlite3.Connection, viewer_id: int, other_id: int) -> dict:
    """What the profile page needs to draw its buttons, in one query."""
    row = conn.execute(
        """SELECT
             EXISTS (SELECT 1 FROM follows WHERE follower_id = :v AND followee_id = :o) AS following,
             EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = :v AND target_id = :o) AS requested,
             EXISTS (SELECT 1 FROM follows WHERE follower_id = :o AND followee_id = :v) AS follows_you,
             EXISTS (SELECT 1 FROM blocks WHERE blocker_id = :v AND blocked_id = :o) AS blocking,
             EXISTS (SELECT 1 FROM blocks WHERE blocker_id = :o AND blocked_id = :v) AS blocked_by,
             EXISTS (SELECT 1 FROM mutes WHERE muter_id = :v AND muted_id = :o) AS muting""",
        {"v": viewer_id, "o": other_id},
    ).fetchone()
    return {key: bool(row[key]) for key in row.keys()}
