"""Account exports: a member asks, the worker makes a zip, the member downloads it for a while.

The `account_exports` table is the queue (status queued -> running -> done | failed, then expired
once the file is gone). Everything the zip holds is read by the functions at the end of this module;
the worker (imagegen/account_export.py) writes the files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from models.db import now, transaction

ACTIVE = ("queued", "running")
KEEP_SECONDS = 7 * 86400  # a finished export can be downloaded for 7 days


class ExportBusy(Exception):
    """The member already has an export queued or running."""


class TooManyExports(Exception):
    """The member asked for too many exports lately; `retry_after` says when the next is allowed."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def request(conn: sqlite3.Connection, user_id: int, base_url: str, per_day: int) -> int:
    """Queue an export for the member; one active at a time and at most `per_day` a day."""
    with transaction(conn):
        if conn.execute(
            "SELECT 1 FROM account_exports WHERE user_id = ? AND status IN ('queued', 'running')", (user_id,)
        ).fetchone():
            raise ExportBusy()
        since = now() - 86400
        recent = conn.execute(
            "SELECT created_at FROM account_exports WHERE user_id = ? AND created_at > ? ORDER BY created_at",
            (user_id, since),
        ).fetchall()
        if len(recent) >= per_day:
            raise TooManyExports(max(1, int(recent[len(recent) - per_day]["created_at"] + 86400 - now())))
        return conn.execute(
            "INSERT INTO account_exports (user_id, base_url, created_at) VALUES (?, ?, ?)",
            (user_id, base_url, now()),
        ).lastrowid


def get(conn: sqlite3.Connection, export_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM account_exports WHERE id = ?", (export_id,)).fetchone()


def for_user(conn: sqlite3.Connection, user_id: int, limit: int = 5) -> list[sqlite3.Row]:
    """The member's latest exports, newest first."""
    return conn.execute(
        "SELECT * FROM account_exports WHERE user_id = ? ORDER BY id DESC LIMIT ?", (user_id, limit)
    ).fetchall()


def requeue_abandoned(conn: sqlite3.Connection) -> int:
    """Start-up: an export left running by a crash starts again from the beginning."""
    with transaction(conn):
        return conn.execute(
            "UPDATE account_exports SET status = 'queued', progress = 0, started_at = NULL WHERE status = 'running'"
        ).rowcount


def claim_next(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """Take the oldest queued export (atomically: two threads never take the same one)."""
    with transaction(conn):
        return conn.execute(
            """UPDATE account_exports SET status = 'running', progress = 0, started_at = ?
               WHERE id = (SELECT id FROM account_exports WHERE status = 'queued' ORDER BY id LIMIT 1)
               RETURNING *""",
            (now(),),
        ).fetchone()


def release(conn: sqlite3.Connection, export_id: int) -> None:
    """The worker is stopping: put a running export back in the queue."""
    with transaction(conn):
        conn.execute(
            "UPDATE account_exports SET status = 'queued', progress = 0, started_at = NULL WHERE id = ?",
            (export_id,),
        )


def set_progress(conn: sqlite3.Connection, export_id: int, progress: float) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE account_exports SET progress = ? WHERE id = ? AND status = 'running'",
            (max(0.0, min(1.0, progress)), export_id),
        )


def finish(conn: sqlite3.Connection, export_id: int, file_name: str, size: int, keep: float = KEEP_SECONDS) -> None:
    finished = now()
    with transaction(conn):
        conn.execute(
            """UPDATE account_exports SET status = 'done', progress = 1, file_name = ?, size_bytes = ?,
                   finished_at = ?, expires_at = ?, error = '' WHERE id = ?""",
            (file_name, size, finished, finished + keep, export_id),
        )


def fail(conn: sqlite3.Connection, export_id: int, error: str) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE account_exports SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
            (error, now(), export_id),
        )


def expire_due(conn: sqlite3.Connection, exports_dir: str | Path, at: float | None = None) -> int:
    """Delete the files of exports past their date (or of deleted accounts) and mark them expired."""
    with transaction(conn):
        rows = conn.execute(
            """UPDATE account_exports SET status = 'expired'
               WHERE status = 'done'
                 AND (expires_at <= ? OR user_id IN (SELECT id FROM users WHERE status = 'deleted'))
               RETURNING file_name""",
            (at if at is not None else now(),),
        ).fetchall()
    for row in rows:
        if row["file_name"]:
            try:
                os.unlink(Path(exports_dir) / row["file_name"])
            except FileNotFoundError:
                pass
    return len(rows)


# What the zip holds. Each reads all of one member's rows; the worker writes them out.


def member(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    return conn.execute(
        """SELECT id, username, status, display_name, bio, created_at, training_consent, training_attribution
           FROM users WHERE id = ?""",
        (user_id,),
    ).fetchone()


def posts(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    """Every post the member made (replies, quotes and reposts too; deleted ones are left out)."""
    return conn.execute(
        """SELECT p.id, p.caption, p.reply_to, p.quote_of, p.remix_of, p.repost_of, p.remix_policy, p.show_prompt,
                  p.like_count, p.reply_count, p.repost_count, p.remix_count, p.created_at, p.moderation,
                  p.training_consent AS post_consent, u.training_consent AS member_consent, p.generation_id,
                  g.prompt, g.negative_prompt, g.seed, g.width, g.height, g.style, g.backend, g.generator_version
           FROM posts p JOIN users u ON u.id = p.user_id LEFT JOIN generations g ON g.id = p.generation_id
           WHERE p.user_id = ? AND p.deleted_at IS NULL ORDER BY p.id""",
        (user_id,),
    ).fetchall()


def post_images(conn: sqlite3.Connection, post_ids: list[int]) -> dict[int, list[sqlite3.Row]]:
    """{post_id: [media rows (name, width, height, alt)]} for the member's posts."""
    found: dict[int, list[sqlite3.Row]] = {}
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        rows = conn.execute(
            f"""SELECT pm.post_id, pm.alt, m.name, m.width, m.height FROM post_media pm
                JOIN media m ON m.id = pm.media_id
                WHERE pm.post_id IN ({",".join("?" * len(chunk))}) AND m.name IS NOT NULL
                ORDER BY pm.post_id, pm.position""",
            chunk,
        ).fetchall()
        for row in rows:
            found.setdefault(row["post_id"], []).append(row)
    return found


def generations(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    """Every generation the member asked for, shared or not."""
    return conn.execute(
        """SELECT g.*, (SELECT p.id FROM posts p WHERE p.generation_id = g.id AND p.deleted_at IS NULL) AS post_id
           FROM generations g WHERE g.user_id = ? ORDER BY g.id""",
        (user_id,),
    ).fetchall()


def generation_images(conn: sqlite3.Connection, user_id: int) -> dict[int, list[sqlite3.Row]]:
    """{generation_id: [media rows]} for all of the member's generations."""
    found: dict[int, list[sqlite3.Row]] = {}
    rows = conn.execute(
        """SELECT generation_id, position, seed, name, width, height FROM media
           WHERE user_id = ? AND generation_id IS NOT NULL AND name IS NOT NULL ORDER BY generation_id, position""",
        (user_id,),
    ).fetchall()
    for row in rows:
        found.setdefault(row["generation_id"], []).append(row)
    return found


def _accounts(conn: sqlite3.Connection, sql: str, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(sql, (user_id,)).fetchall()


def following(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return _accounts(
        conn,
        """SELECT u.username, u.domain FROM follows f JOIN users u ON u.id = f.followee_id
           WHERE f.follower_id = ? ORDER BY f.created_at""",
        user_id,
    )


def blocks(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return _accounts(
        conn,
        """SELECT u.username, u.domain FROM blocks b JOIN users u ON u.id = b.blocked_id
           WHERE b.blocker_id = ? ORDER BY b.created_at""",
        user_id,
    )


def mutes(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return _accounts(
        conn,
        """SELECT u.username, u.domain FROM mutes m JOIN users u ON u.id = m.muted_id
           WHERE m.muter_id = ? ORDER BY m.created_at""",
        user_id,
    )


def _marked(conn: sqlite3.Connection, table: str, user_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT t.post_id, t.created_at, u.username, u.domain FROM {table} t
            JOIN posts p ON p.id = t.post_id JOIN users u ON u.id = p.user_id
            WHERE t.user_id = ? ORDER BY t.id""",
        (user_id,),
    ).fetchall()


def likes(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return _marked(conn, "likes", user_id)


def bookmarks(conn: sqlite3.Connection, user_id: int) -> list[sqlite3.Row]:
    return _marked(conn, "bookmarks", user_id)
