"""The admin dashboard's figures: a few aggregate queries, and the disk the instance uses."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from pathlib import Path

from models.db import now

QUEUE_LIST = 10


def start_of_day(at: float | None = None) -> float:
    """Midnight UTC of the day `at` falls in."""
    day = dt.datetime.fromtimestamp(now() if at is None else at, dt.timezone.utc).date()
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


def _first_id_since(conn: sqlite3.Connection, table: str, since: float) -> int | None:
    """The id of the first row created at or after `since`, by bisecting ids (ids grow with
    created_at): a few primary-key look-ups instead of reading the whole table."""
    def first_from(x: int) -> sqlite3.Row:
        return conn.execute(f"SELECT id, created_at FROM {table} WHERE id >= ? ORDER BY id LIMIT 1", (x,)).fetchone()

    lo, hi = conn.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    if hi is None or first_from(hi)["created_at"] < since:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if first_from(mid)["created_at"] >= since:
            hi = mid
        else:
            lo = mid + 1
    return first_from(lo)["id"]


def counts(conn: sqlite3.Connection, at: float | None = None) -> dict:
    """Members by status, live top-level posts, generations requested today (UTC)."""
    members = {"active": 0, "pending": 0, "suspended": 0, "deleted": 0, "rejected": 0}
    for status, n in conn.execute("SELECT status, count(*) FROM users WHERE domain IS NULL GROUP BY status"):
        members[status] = n
    # Live top-level posts (quotes included, replies not), read from the small partial index explore
    # uses rather than the whole table: a few times faster on a big instance.
    posts = conn.execute(
        "SELECT count(*) FROM posts INDEXED BY posts_explore"
        " WHERE reply_to IS NULL AND repost_of IS NULL AND deleted_at IS NULL").fetchone()[0]
    first = _first_id_since(conn, "generations", start_of_day(at))
    today = 0 if first is None else conn.execute(
        "SELECT count(*) FROM generations WHERE id >= ?", (first,)).fetchone()[0]
    return {"members": members, "posts": posts, "generations_today": today}


QUEUE_COLUMNS = """g.id, g.user_id, g.prompt, g.status, g.progress, g.progress_note, g.backend, g.error,
    g.error_detail, g.attempts, g.created_at, g.started_at, g.finished_at, u.username"""


def queue(conn: sqlite3.Connection, limit: int = QUEUE_LIST) -> dict:
    """Running jobs, the oldest waiting ones (and how many wait), and the latest failures."""
    def rows(status: str, order: str) -> list[sqlite3.Row]:
        return conn.execute(
            f"""SELECT {QUEUE_COLUMNS} FROM generations g JOIN users u ON u.id = g.user_id
                WHERE g.status = ? ORDER BY g.id {order} LIMIT ?""", (status, limit)).fetchall()

    return {
        "running": rows("running", "ASC"),
        "waiting": rows("queued", "ASC"),
        "waiting_count": conn.execute("SELECT count(*) FROM generations WHERE status = 'queued'").fetchone()[0],
        "failed": rows("failed", "DESC"),
    }


def database_bytes(path: str | Path) -> int:
    """The database file and its write-ahead log."""
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(f"{path}{suffix}")
        except OSError:
            pass
    return total


def folder_bytes(path: str | Path) -> tuple[int, int]:
    """(bytes, files) under a folder."""
    total = files = 0
    stack = [str(path)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
            except OSError:
                continue
    return total, files


class FolderSize:
    """The media folder's size, walked at most once per `ttl` seconds (it can hold many thousand files)."""

    def __init__(self, ttl: float = 60.0, clock=time.monotonic):
        self.ttl, self.clock = ttl, clock
        self.lock = threading.Lock()
        self.cached: dict[str, tuple[float, tuple[int, int]]] = {}

    def get(self, path: str | Path) -> tuple[int, int]:
        key = str(path)
        with self.lock:
            hit = self.cached.get(key)
            if hit is not None and self.clock() - hit[0] < self.ttl:
                return hit[1]
            value = folder_bytes(key)
            self.cached[key] = (self.clock(), value)
            return value
