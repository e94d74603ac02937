"""What /healthz reads from the database: one small query that also proves the database answers."""

from __future__ import annotations

import sqlite3


def queue_length(conn: sqlite3.Connection) -> int:
    """Generations waiting or being drawn (two ranges of the generations_queue index)."""
    return conn.execute("SELECT count(*) FROM generations WHERE status IN ('queued', 'running')").fetchone()[0]
