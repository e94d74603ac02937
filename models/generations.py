"""Generations: each row is a job, and the table is the queue."""

from __future__ import annotations

import json
import sqlite3

from models.db import now, transaction

WAITING = ("queued", "running")


def enqueue(conn: sqlite3.Connection, user_id: int, *, prompt: str, negative_prompt: str, seed: int,
            width: int, height: int, style: str, count: int, backend: str, remix_of: int | None = None,
            reproduce_of: int | None = None, queue_cap: int, per_hour: int) -> int:
    """Queue a job, checking the member's queue cap and hourly quota in the same transaction."""
    with transaction(conn):
        waiting = conn.execute(
            "SELECT count(*) FROM generations WHERE user_id = ? AND status IN ('queued', 'running')",
            (user_id,),
        ).fetchone()[0]
        if waiting >= queue_cap:
            raise QueueFull(waiting)
        recent = conn.execute(
            "SELECT count(*) FROM generations WHERE user_id = ? AND created_at > ?", (user_id, now() - 3600)
        ).fetchone()[0]
        if recent >= per_hour:
            oldest = conn.execute(
                "SELECT min(created_at) FROM generations WHERE user_id = ? AND created_at > ?",
                (user_id, now() - 3600),
            ).fetchone()[0]
            raise QuotaReached(int(oldest + 3600 - now()) + 1)
        return conn.execute(
            """INSERT INTO generations (user_id, prompt, negative_prompt, seed, width, height, style, count,
                   backend, remix_of, reproduce_of, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (user_id, prompt, negative_prompt, seed, width, height, style, count, backend, remix_of,
             reproduce_of, now()),
        ).lastrowid


class QueueFull(Exception):
    pass


class QuotaReached(Exception):
    """Carries the seconds until the member may generate again."""

    @property
    def retry_after(self) -> int:
        return self.args[0]


def get(conn: sqlite3.Connection, generation_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()


HISTORY_FILTERS = {
    "all": "",
    "done": "AND status = 'done'",
    "failed": "AND status = 'failed'",
    "shared": "AND id IN (SELECT generation_id FROM posts WHERE user_id = :user AND deleted_at IS NULL"
              " AND generation_id IS NOT NULL)",
}


def for_user(conn: sqlite3.Connection, user_id: int, before: int | None = None, limit: int = 20,
             show: str = "all") -> list[sqlite3.Row]:
    """The member's generations, newest first, keyset-paged, optionally filtered (HISTORY_FILTERS)."""
    return conn.execute(
        f"""SELECT * FROM generations WHERE user_id = :user AND id < :before AND hidden = 0 {HISTORY_FILTERS[show]}
            ORDER BY id DESC LIMIT :limit""",
        {"user": user_id, "before": before or 2**62, "limit": limit},
    ).fetchall()


def queue_position(conn: sqlite3.Connection, generation: sqlite3.Row) -> int:
    """Where this job stands in the fair (round-robin) queue; 1 = next.

    Ahead of the member's r-th waiting job: their own r-1 earlier jobs, and from every other
    member at most r jobs (round-robin takes one job per member per round).
    """
    if generation["status"] != "queued":
        return 0
    rank = conn.execute(
        "SELECT count(*) FROM generations WHERE user_id = ? AND status = 'queued' AND id <= ?",
        (generation["user_id"], generation["id"]),
    ).fetchone()[0]
    others = conn.execute(
        """SELECT coalesce(sum(min(n, ?)), 0) FROM (
               SELECT count(*) AS n FROM generations WHERE status = 'queued' AND user_id != ? GROUP BY user_id)""",
        (rank, generation["user_id"]),
    ).fetchone()[0]
    return rank + others


def estimate_seconds(conn: sqlite3.Connection, position: int, workers: int) -> int | None:
    """A wait estimate from the median duration of the last 20 finished jobs."""
    durations = [row[0] for row in conn.execute(
        """SELECT finished_at - started_at FROM generations
           WHERE status = 'done' AND started_at IS NOT NULL ORDER BY id DESC LIMIT 20""")]
    if not durations or position <= 0:
        return None
    durations.sort()
    median = durations[len(durations) // 2]
    return max(1, round(median * position / max(1, workers)))


def cancel(conn: sqlite3.Connection, generation_id: int) -> bool:
    """Cancel a queued or running job; a running worker notices at its next step."""
    with transaction(conn):
        return cancel_in_transaction(conn, generation_id)


def cancel_in_transaction(conn: sqlite3.Connection, generation_id: int) -> bool:
    """cancel(), for callers that already hold a transaction (a moderator's cancel and its audit row)."""
    return conn.execute(
        """UPDATE generations SET status = 'cancelled', finished_at = ?, progress = 0
           WHERE id = ? AND status IN ('queued', 'running')""",
        (now(), generation_id),
    ).rowcount == 1


def delete(conn: sqlite3.Connection, generation_id: int) -> list[str]:
    """Remove a finished, failed or cancelled generation from the member's history.

    Returns the media file names no longer used by anything (the caller deletes the files).
    A shared generation stays (its post needs it) but leaves the history.
    """
    with transaction(conn):
        row = conn.execute("SELECT status FROM generations WHERE id = ?", (generation_id,)).fetchone()
        if row is None or row["status"] in WAITING:
            return []
        shared = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM posts WHERE generation_id = ?)", (generation_id,)
        ).fetchone()[0]
        if shared:
            conn.execute("UPDATE generations SET hidden = 1 WHERE id = ?", (generation_id,))
            return []
        names = [name for media in conn.execute(
            "SELECT name, thumb_name FROM media WHERE generation_id = ?", (generation_id,)) for name in media]
        conn.execute("DELETE FROM media WHERE generation_id = ?", (generation_id,))
        conn.execute("DELETE FROM generations WHERE id = ?", (generation_id,))
        # Content-addressed files may be shared by other rows (same prompt and seed): keep those.
        return [name for name in names if not conn.execute(
            "SELECT EXISTS (SELECT 1 FROM media WHERE name = ? OR thumb_name = ?)", (name, name)).fetchone()[0]]


def images(conn: sqlite3.Connection, generation_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM media WHERE generation_id = ? ORDER BY position", (generation_id,)
    ).fetchall()


def images_for(conn: sqlite3.Connection, generation_ids: list[int]) -> dict[int, list[sqlite3.Row]]:
    """Media of many generations in one query, by generation id."""
    found: dict[int, list[sqlite3.Row]] = {gid: [] for gid in generation_ids}
    if not generation_ids:
        return found
    marks = ",".join("?" * len(generation_ids))
    for row in conn.execute(
        f"SELECT * FROM media WHERE generation_id IN ({marks}) ORDER BY generation_id, position", generation_ids
    ):
        found[row["generation_id"]].append(row)
    return found


def info(generation: sqlite3.Row) -> dict:
    try:
        return json.loads(generation["info"] or "{}")
    except ValueError:
        return {}


def retry(conn: sqlite3.Connection, generation_id: int) -> bool:
    """Queue a failed job again from scratch; False when it is not failed."""
    with transaction(conn):
        return conn.execute(
            """UPDATE generations SET status = 'queued', attempts = 0, error = '', progress = 0,
                   run_after = 0, started_at = NULL, finished_at = NULL
               WHERE id = ? AND status = 'failed'""",
            (generation_id,),
        ).rowcount == 1


# --- used by the worker ---------------------------------------------------------------

def requeue_abandoned(conn: sqlite3.Connection) -> int:
    """At start-up: jobs left 'running' by a crash go back to the queue."""
    with transaction(conn):
        return conn.execute(
            "UPDATE generations SET status = 'queued', progress = 0, heartbeat_at = NULL WHERE status = 'running'"
        ).rowcount


# The fair choice: each waiting member's oldest runnable job; among those, the member whose
# last job started longest ago (never = first) goes next. A member with 20 jobs queued takes
# turns with everyone else instead of blocking them.
FAIR_NEXT_SQL = """
    SELECT g.id FROM generations g
    WHERE g.status = 'queued' AND g.run_after <= :now
      AND g.id = (SELECT min(id) FROM generations o
                  WHERE o.user_id = g.user_id AND o.status = 'queued' AND o.run_after <= :now)
    ORDER BY (SELECT max(started_at) FROM generations s WHERE s.user_id = g.user_id) IS NOT NULL,
             (SELECT max(started_at) FROM generations s WHERE s.user_id = g.user_id),
             g.id
    LIMIT 1"""


def claim_next(conn: sqlite3.Connection) -> sqlite3.Row | None:
    """Atomically take the next job of the fair queue (one UPDATE ... RETURNING)."""
    t = now()
    return conn.execute(
        f"""UPDATE generations
               SET status = 'running', attempts = attempts + 1, progress = 0, progress_note = '',
                   started_at = :now, heartbeat_at = :now
             WHERE id = ({FAIR_NEXT_SQL}) AND status = 'queued'
         RETURNING *""",
        {"now": t},
    ).fetchone()


def next_run_after(conn: sqlite3.Connection) -> float | None:
    """When the next queued job becomes runnable (for the worker's sleep)."""
    return conn.execute("SELECT min(run_after) FROM generations WHERE status = 'queued'").fetchone()[0]


def set_progress(conn: sqlite3.Connection, generation_id: int, attempt: int, progress: float, note: str = "") -> bool:
    """Record progress (and what a remote server says about it); False when the job is no longer ours."""
    return conn.execute(
        """UPDATE generations SET progress = ?, progress_note = ?, heartbeat_at = ?
           WHERE id = ? AND status = 'running' AND attempts = ?""",
        (progress, note[:200], now(), generation_id, attempt),
    ).rowcount == 1


def complete(conn: sqlite3.Connection, job: sqlite3.Row, media_rows: list[dict], info: dict, version: str) -> bool:
    """Store the images and mark the job done in one transaction; False if it was not ours."""
    t = now()
    with transaction(conn):
        updated = conn.execute(
            """UPDATE generations SET status = 'done', progress = 1, finished_at = ?, heartbeat_at = ?,
                   info = ?, generator_version = ?, error = ''
               WHERE id = ? AND status = 'running' AND attempts = ?""",
            (t, t, json.dumps(info, sort_keys=True), version, job["id"], job["attempts"]),
        ).rowcount
        if updated != 1:
            return False
        for row in media_rows:
            conn.execute(
                """INSERT INTO media (user_id, generation_id, position, seed, name, thumb_name, width, height,
                       thumb_width, thumb_height, created_at)
                   VALUES (:user_id, :generation_id, :position, :seed, :name, :thumb_name, :width, :height,
                       :thumb_width, :thumb_height, :created_at)""",
                {**row, "user_id": job["user_id"], "generation_id": job["id"], "created_at": t},
            )
    return True


def fail_attempt(conn: sqlite3.Connection, job: sqlite3.Row, error: str, max_attempts: int, backoff: float,
                 *, retryable: bool = True, detail: str = "") -> str:
    """Retry later with exponential backoff, or fail for good (at once when retrying cannot help)."""
    final = job["attempts"] >= max_attempts or not retryable
    status = "failed" if final else "queued"
    delay = 0 if final else backoff * (2 ** (job["attempts"] - 1))
    t = now()
    conn.execute(
        """UPDATE generations SET status = ?, error = ?, error_detail = ?, run_after = ?, progress = 0,
               finished_at = CASE WHEN ? = 'failed' THEN ? END
           WHERE id = ? AND status = 'running' AND attempts = ?""",
        (status, error, detail[:500], t + delay, status, t, job["id"], job["attempts"]),
    )
    return status


def switch_backend(conn: sqlite3.Connection, job: sqlite3.Row, backend: str) -> None:
    """Record that another backend ran this job (a fallback), while it is still ours."""
    conn.execute("UPDATE generations SET backend = ? WHERE id = ? AND status = 'running' AND attempts = ?",
                 (backend, job["id"], job["attempts"]))


def release(conn: sqlite3.Connection, job: sqlite3.Row) -> None:
    """Give a job back to the queue untouched (the worker is stopping)."""
    conn.execute(
        """UPDATE generations SET status = 'queued', attempts = attempts - 1, progress = 0, heartbeat_at = NULL
           WHERE id = ? AND status = 'running' AND attempts = ?""",
        (job["id"], job["attempts"]),
    )
