"""Instance settings an admin edits at /admin/settings: stored as key/value rows, read with defaults.

Values are strings in the table; `SETTINGS` says each key's type and default. A key that was never
saved falls back to the default given by the caller (the app config) or the one here.
"""

from __future__ import annotations

import sqlite3

from models.db import now, transaction

REGISTRATION_MODES = ("open", "approval", "invite", "closed")

# key -> (type, default)
SETTINGS: dict[str, tuple[type, object]] = {
    "name": (str, "Easel"),
    "description": (str, ""),
    "rules": (str, ""),  # Markdown, rendered safely
    "contact": (str, ""),
    "registration_mode": (str, "approval"),
    "members_can_invite": (bool, False),
    "generations_per_hour": (int, 30),
    "queue_cap": (int, 5),
}


def _decode(kind: type, raw: str):
    if kind is bool:
        return raw in ("1", "true", "yes", "on")
    if kind is int:
        return int(raw)
    return raw


def _encode(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def all_settings(conn: sqlite3.Connection, defaults: dict | None = None) -> dict:
    """Every setting: the stored value, else `defaults[key]`, else the built-in default."""
    stored = {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM instance_settings")}
    values = {}
    for key, (kind, default) in SETTINGS.items():
        if key in stored:
            try:
                values[key] = _decode(kind, stored[key])
                continue
            except ValueError:
                pass
        values[key] = (defaults or {}).get(key, default)
    return values


def get(conn: sqlite3.Connection, key: str, defaults: dict | None = None):
    return all_settings(conn, defaults)[key]


def save(conn: sqlite3.Connection, values: dict) -> None:
    """Store the given keys (unknown keys are a programming error)."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    with transaction(conn):
        conn.executemany(
            "INSERT INTO instance_settings (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [(key, _encode(value), now()) for key, value in values.items()],
        )
