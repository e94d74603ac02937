"""Locked accounts (issue 10): a member who approves new followers gets follow requests, not follows.

A request is one row (requester, target). It comes from a local member's Follow button, or from a
remote Follow (which keeps its activity id: the Accept or Reject we send must name it). Our own
follows of remote people wait here as well, until their server sends Accept(Follow), as on Mastodon.
"""

from __future__ import annotations

import sqlite3

from models.db import now, transaction
from models.notifications import notify, withdraw
from models.social import Blocked, add_follow, blocked_between

# what follow_or_request() did
FOLLOWING, REQUESTED = "following", "requested"


def is_locked(conn: sqlite3.Connection, user_id: int) -> bool:
    row = conn.execute("SELECT locked FROM users WHERE id = ?", (user_id,)).fetchone()
    return bool(row and row[0])


def is_pending(conn: sqlite3.Connection, requester_id: int, target_id: int) -> bool:
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = ? AND target_id = ?)",
        (requester_id, target_id),
    ).fetchone()[0] == 1


def _insert(conn: sqlite3.Connection, requester_id: int, target_id: int, activity_id: str | None) -> bool:
    added = conn.execute(
        """INSERT INTO follow_requests (requester_id, target_id, activity_id, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (requester_id, target_id) DO UPDATE SET activity_id = coalesce(excluded.activity_id,
                                                                                     activity_id)""",
        (requester_id, target_id, activity_id, now()),
    ).rowcount
    return bool(added)


def follow_or_request(conn: sqlite3.Connection, follower_id: int, target_id: int,
                      activity_id: str | None = None) -> str:
    """Follow an unlocked member, or ask a locked one (idempotent: a second click changes nothing).

    Returns FOLLOWING or REQUESTED; raises Blocked when either blocks the other.
    """
    with transaction(conn):
        if blocked_between(conn, follower_id, target_id):
            raise Blocked(target_id)
        if conn.execute("SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
                        (follower_id, target_id)).fetchone():
            return FOLLOWING
        if follower_id != target_id and is_locked(conn, target_id):
            if not is_pending(conn, follower_id, target_id):
                notify(conn, target_id, follower_id, "follow_request")
            _insert(conn, follower_id, target_id, activity_id)
            return REQUESTED
        add_follow(conn, follower_id, target_id)
        return FOLLOWING


def request_remote(conn: sqlite3.Connection, member_id: int, remote_id: int, activity_id: str) -> bool:
    """Our member asked to follow a remote account: pending until its server accepts. False if already asked
    (or already following)."""
    with transaction(conn):
        if blocked_between(conn, member_id, remote_id):
            raise Blocked(remote_id)
        if conn.execute("SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
                        (member_id, remote_id)).fetchone():
            return False
        if is_pending(conn, member_id, remote_id):
            return False
        return _insert(conn, member_id, remote_id, activity_id)


def cancel(conn: sqlite3.Connection, requester_id: int, target_id: int) -> bool:
    """The requester changed their mind (or a remote one sent Undo(Follow)); its notification goes too."""
    with transaction(conn):
        removed = conn.execute("DELETE FROM follow_requests WHERE requester_id = ? AND target_id = ?",
                               (requester_id, target_id)).rowcount
        if removed:
            withdraw(conn, target_id, requester_id, "follow_request")
        return bool(removed)


def get(conn: sqlite3.Connection, request_id: int) -> sqlite3.Row | None:
    """One request with what the Accept/Reject needs about its requester."""
    return conn.execute(
        """SELECT r.*, u.username, u.domain, u.actor_uri, u.inbox_url, u.shared_inbox_url, u.status
           FROM follow_requests r JOIN users u ON u.id = r.requester_id WHERE r.id = ?""",
        (request_id,),
    ).fetchone()


def _decide(conn: sqlite3.Connection, row: sqlite3.Row, approve: bool) -> None:
    conn.execute("DELETE FROM follow_requests WHERE id = ?", (row["id"],))
    withdraw(conn, row["target_id"], row["requester_id"], "follow_request")
    if approve:
        try:
            add_follow(conn, row["requester_id"], row["target_id"])
        except Blocked:
            pass  # a block since the request: the request simply ends


def approve(conn: sqlite3.Connection, target_id: int, request_id: int) -> sqlite3.Row | None:
    """The target lets the requester follow (the follow notifies as usual). None when no such request is theirs."""
    with transaction(conn):
        row = get(conn, request_id)
        if row is None or row["target_id"] != target_id:
            return None
        _decide(conn, row, approve=True)
        return row


def reject(conn: sqlite3.Connection, target_id: int, request_id: int) -> sqlite3.Row | None:
    """The target says no: the request goes, the requester is not told (a remote one gets Reject)."""
    with transaction(conn):
        row = get(conn, request_id)
        if row is None or row["target_id"] != target_id:
            return None
        _decide(conn, row, approve=False)
        return row


def set_locked(conn: sqlite3.Connection, user_id: int, locked: bool) -> list[sqlite3.Row]:
    """Turn follower approval on or off. Turning it off approves every pending request (as Mastodon
    does); returns the requests approved so, for their Accepts."""
    with transaction(conn):
        conn.execute("UPDATE users SET locked = ? WHERE id = ?", (1 if locked else 0, user_id))
        if locked:
            return []
        rows = conn.execute(
            """SELECT r.*, u.username, u.domain, u.actor_uri, u.inbox_url, u.shared_inbox_url, u.status
               FROM follow_requests r JOIN users u ON u.id = r.requester_id WHERE r.target_id = ?""",
            (user_id,),
        ).fetchall()
        for row in rows:
            _decide(conn, row, approve=True)
        return rows


def pending_for(conn: sqlite3.Connection, target_id: int, limit: int = 200) -> list[dict]:
    """A member's pending requests, newest first, with who asked."""
    rows = conn.execute(
        """SELECT r.id, r.created_at, u.id AS user_id, u.username, u.domain, u.display_name, u.bio,
                  coalesce(u.profile_url, u.actor_uri) AS profile_url, u.avatar_url AS remote_avatar_url,
                  am.thumb_name AS avatar_name
           FROM follow_requests r INDEXED BY follow_requests_target
           JOIN users u ON u.id = r.requester_id
           LEFT JOIN media am ON am.id = u.avatar_media_id
           WHERE r.target_id = ? AND u.status = 'active'
           ORDER BY r.id DESC LIMIT ?""",
        (target_id, limit),
    ).fetchall()
    return [dict(row) for row in rows]


def pending_count(conn: sqlite3.Connection, target_id: int) -> int:
    return conn.execute(
        """SELECT count(*) FROM follow_requests r JOIN users u ON u.id = r.requester_id
           WHERE r.target_id = ? AND u.status = 'active'""", (target_id,)).fetchone()[0]


def accepted_by_remote(conn: sqlite3.Connection, remote_id: int, member_id: int | None,
                       activity_id: str | None) -> bool:
    """A remote server accepted one of our follows (found by our member, or by the Follow's id)."""
    with transaction(conn):
        row = _outgoing(conn, remote_id, member_id, activity_id)
        if row is None:
            return False
        _decide(conn, row, approve=True)
        return True


def rejected_by_remote(conn: sqlite3.Connection, remote_id: int, member_id: int | None,
                       activity_id: str | None) -> int | None:
    """A remote server refused one of our follows: the request goes. Returns our member's id, if found."""
    with transaction(conn):
        row = _outgoing(conn, remote_id, member_id, activity_id)
        if row is None:
            return member_id
        conn.execute("DELETE FROM follow_requests WHERE id = ?", (row["id"],))
        return row["requester_id"]


def between(conn: sqlite3.Connection, requester_id: int, target_id: int) -> sqlite3.Row | None:
    """The request one account has made of another, if it is waiting."""
    return conn.execute("SELECT * FROM follow_requests WHERE requester_id = ? AND target_id = ?",
                        (requester_id, target_id)).fetchone()


def _outgoing(conn: sqlite3.Connection, remote_id: int, member_id: int | None, activity_id: str | None):
    if member_id is not None:
        return between(conn, member_id, remote_id)
    if activity_id:
        return conn.execute("SELECT * FROM follow_requests WHERE activity_id = ? AND target_id = ?",
                            (activity_id, remote_id)).fetchone()
    return None
