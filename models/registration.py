"""Who is joining and who runs the place: the sign-up waiting list, the staff list, all local accounts.

(Suspending, unsuspending and role changes live in models/accounts.py.)
"""

from __future__ import annotations

import sqlite3

from models import audit
from models.db import transaction

# The command line as an actor for models/accounts.py: it may do anything, and audit.record writes
# it as actor_id NULL, "(command line)", exactly as for actor None.
COMMAND_LINE = {"id": None, "username": "(command line)", "role": "admin"}


class NotPending(Exception):
    """The sign-up was already accepted or rejected (by another moderator, or in another tab)."""


def waiting_list(conn: sqlite3.Connection, limit: int = 200) -> list[sqlite3.Row]:
    """Sign-ups waiting for a moderator, oldest first (first come, first served)."""
    return conn.execute(
        "SELECT id, username, signup_note, created_at FROM users"
        " WHERE status = 'pending' AND status != 'active' AND domain IS NULL ORDER BY id LIMIT ?",
        (limit,),
    ).fetchall()


# `status != 'active'` repeats the partial index's own condition: SQLite uses a partial index only
# when the query states its WHERE, and without it scanned every member (~3 ms a moderator's page at 10k).
WAITING_COUNT_SQL = "SELECT count(*) FROM users WHERE status = 'pending' AND status != 'active' AND domain IS NULL"


def waiting_count(conn: sqlite3.Connection) -> int:
    """How many sign-ups wait (the partial index users_status covers it)."""
    return conn.execute(WAITING_COUNT_SQL).fetchone()[0]


def decide_signup(conn: sqlite3.Connection, actor, user_id: int, accept: bool, reason: str = "") -> sqlite3.Row:
    """Accept (status active) or reject a pending sign-up, audited; raises NotPending if it is not waiting."""
    with transaction(conn):
        member = conn.execute(
            "SELECT id, username FROM users WHERE id = ? AND status = 'pending' AND domain IS NULL", (user_id,)
        ).fetchone()
        if member is None:
            raise NotPending(user_id)
        conn.execute("UPDATE users SET status = ? WHERE id = ?", ("active" if accept else "rejected", user_id))
        audit.record(conn, actor, "approve_signup" if accept else "reject_signup", target=member, reason=reason)
    return member


def local_members(conn: sqlite3.Connection, limit: int = 10_000) -> list[sqlite3.Row]:
    """Every local account, oldest first (for `users list`)."""
    return conn.execute(
        "SELECT id, username, role, status, created_at FROM users WHERE domain IS NULL ORDER BY id LIMIT ?",
        (limit,),
    ).fetchall()


# Named so a test can keep their plans on the indexes of migration 16 (without ANALYZE SQLite would
# rather walk every active member than the handful of staff).
STAFF_SQL = """SELECT id, username, role, display_name FROM users INDEXED BY users_staff
               WHERE domain IS NULL AND status = 'active' AND role IN ('admin', 'moderator')
               ORDER BY role = 'moderator', id"""
ACTIVE_COUNT_SQL = "SELECT count(*) FROM users WHERE domain IS NULL AND status = 'active'"


def staff(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Active admins, then moderators, as /about lists them."""
    return conn.execute(STAFF_SQL).fetchall()


def active_count(conn: sqlite3.Connection) -> int:
    """Local members who can sign in (not waiting, rejected, suspended or deleted)."""
    return conn.execute(ACTIVE_COUNT_SQL).fetchone()[0]
