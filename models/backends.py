"""Settings of the remote generation servers (one row per kind) and their health."""

from __future__ import annotations

import sqlite3

from models.db import now, transaction

FIELDS = ("enabled", "url", "secret", "model", "timeout", "steps", "sizes", "workflow", "fallback")


def all_settings(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    return {row["kind"]: row for row in conn.execute("SELECT * FROM backend_settings ORDER BY kind")}


def get(conn: sqlite3.Connection, kind: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM backend_settings WHERE kind = ?", (kind,)).fetchone()


def enabled(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM backend_settings WHERE enabled = 1 ORDER BY kind").fetchall()


def default_kind(conn: sqlite3.Connection) -> str | None:
    """The enabled server the composer picks first; None means the builtin."""
    row = conn.execute("SELECT kind FROM backend_settings WHERE enabled = 1 AND is_default = 1").fetchone()
    return row["kind"] if row else None


def save(conn: sqlite3.Connection, kind: str, values: dict) -> None:
    """Insert or update a kind's settings; a missing 'secret' key keeps the stored one."""
    values = {key: values[key] for key in FIELDS if key in values}
    with transaction(conn):
        if get(conn, kind) is None:
            conn.execute("INSERT INTO backend_settings (kind, updated_at) VALUES (?, ?)", (kind, now()))
        sets = ", ".join(f"{key} = :{key}" for key in values)
        conn.execute(
            f"UPDATE backend_settings SET {sets + ', ' if sets else ''}updated_at = :t, health = '', health_detail = ''"
            " WHERE kind = :kind",
            {**values, "t": now(), "kind": kind},
        )


def set_default(conn: sqlite3.Connection, kind: str | None) -> None:
    """Make one enabled kind the default (None: the builtin)."""
    with transaction(conn):
        conn.execute("UPDATE backend_settings SET is_default = (kind = ?)", (kind or "",))


def falls_back(conn: sqlite3.Connection, kind: str) -> bool:
    """Whether the admin lets this server's jobs go to the builtin while it is down."""
    row = conn.execute("SELECT fallback FROM backend_settings WHERE kind = ?", (kind,)).fetchone()
    return bool(row and row["fallback"])


def set_health(conn: sqlite3.Connection, kind: str, up: bool, detail: str) -> None:
    conn.execute(
        "UPDATE backend_settings SET health = ?, health_detail = ?, checked_at = ? WHERE kind = ?",
        ("up" if up else "down", detail[:300], now(), kind),
    )


def recent_failures(conn: sqlite3.Connection, limit: int = 10) -> list[sqlite3.Row]:
    """The last failed jobs of remote servers, with their technical detail (admin page)."""
    return conn.execute(
        """SELECT g.id, g.backend, g.error, g.error_detail, g.finished_at, u.username FROM generations g
           JOIN users u ON u.id = g.user_id
           WHERE g.status = 'failed' AND g.backend != 'builtin' ORDER BY g.id DESC LIMIT ?""",
        (limit,),
    ).fetchall()


def as_config(row: sqlite3.Row) -> dict:
    """The settings row as a backend's config dict."""
    return {"url": row["url"], "secret": row["secret"], "model": row["model"], "timeout": row["timeout"],
            "steps": row["steps"], "sizes": [s for s in row["sizes"].split(",") if s],
            "workflow": row["workflow"]}
