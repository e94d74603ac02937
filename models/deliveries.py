"""The durable delivery queue (issue 10): one row per (activity, inbox), until delivered or given up.

A row is claimed by moving its next_attempt_at forward (a lease), so a thread that dies mid-delivery
leaves the row to be tried again after the lease; a restart resumes whatever is still waiting.
"""

from __future__ import annotations

import json
import sqlite3

from models.db import now, transaction

LEASE = 120.0  # seconds a claimed row is left alone before another attempt may take it
GIVE_UP_AFTER = 24 * 3600.0


def enqueue(conn: sqlite3.Connection, actor_id: int, activity: dict, inboxes: list[str]) -> int:
    """Queue an activity for each distinct inbox; returns how many rows were added."""
    inboxes = list(dict.fromkeys(inbox for inbox in inboxes if inbox))
    if not inboxes:
        return 0
    body = json.dumps(activity, separators=(",", ":"))
    moment = now()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO deliveries (activity, inbox_url, actor_id, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(body, inbox, actor_id, moment, moment) for inbox in inboxes],
        )
    return len(inboxes)


def claim_due(conn: sqlite3.Connection, limit: int = 10) -> list[sqlite3.Row]:
    """Rows whose time has come, leased to the caller (attempts counted now)."""
    moment = now()
    with transaction(conn):
        return conn.execute(
            """UPDATE deliveries SET next_attempt_at = :lease, attempts = attempts + 1
               WHERE id IN (SELECT id FROM deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL
                            AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT :limit)
               RETURNING *""",
            {"now": moment, "lease": moment + LEASE, "limit": limit},
        ).fetchall()


def delivered(conn: sqlite3.Connection, delivery_id: int) -> None:
    with transaction(conn):
        conn.execute("UPDATE deliveries SET delivered_at = ?, last_error = '' WHERE id = ?", (now(), delivery_id))


def failed(conn: sqlite3.Connection, row: sqlite3.Row, error: str, retryable: bool, backoff: float = 30.0,
           give_up_after: float = GIVE_UP_AFTER) -> str:
    """Record a failed attempt: try again after backoff * 2^(attempts-1), or give up; returns the status."""
    moment = now()
    delay = backoff * (2 ** max(0, row["attempts"] - 1))
    with transaction(conn):
        if not retryable or moment + delay - row["created_at"] > give_up_after:
            conn.execute("UPDATE deliveries SET given_up_at = ?, last_error = ? WHERE id = ?",
                         (moment, error[:500], row["id"]))
            return "given_up"
        conn.execute("UPDATE deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                     (moment + delay, error[:500], row["id"]))
    return "retry"


def next_due(conn: sqlite3.Connection) -> float | None:
    row = conn.execute(
        "SELECT min(next_attempt_at) FROM deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL").fetchone()
    return row[0]


def counts(conn: sqlite3.Connection) -> dict:
    row = conn.execute(
        """SELECT sum(delivered_at IS NULL AND given_up_at IS NULL) AS waiting,
                  sum(delivered_at IS NOT NULL) AS delivered,
                  sum(given_up_at IS NOT NULL) AS given_up FROM deliveries""").fetchone()
    return {key: row[key] or 0 for key in ("waiting", "delivered", "given_up")}


def prune(conn: sqlite3.Connection, older_than: float = 7 * 86400) -> int:
    """Forget delivered and given-up rows after a week."""
    with transaction(conn):
        return conn.execute(
            "DELETE FROM deliveries WHERE coalesce(delivered_at, given_up_at) < ?", (now() - older_than,)).rowcount


def release(conn: sqlite3.Connection, delivery_id: int) -> None:
    """Give a claimed row back untouched (the thread is stopping)."""
    with transaction(conn):
        conn.execute("UPDATE deliveries SET next_attempt_at = ?, attempts = max(0, attempts - 1) WHERE id = ?",
                     (now(), delivery_id))
