"""Instance settings an admin edits at /admin/settings: stored as key/value rows, read with defaults.

Values are strings in the table; `SETTINGS` says each key's type and default. A key that was never
saved falls back to the default given by the caller (the app config) or the one here.
"""

from __future__ import annotations

import sqlite3

from models import audit
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
    # robots.txt (issue 8): known AI crawlers are turned away unless an admin says otherwise;
    # hiding from search engines is off by default.
    "block_ai_crawlers": (bool, True),
    "hide_from_search": (bool, False),
    # Languages (issue 9): what a visitor whose browser asks for no language we have is served in.
    "default_locale": (str, "en"),
    # Federation (issue 10): on whenever a public URL is set, unless an admin turns it off.
    "federation_enabled": (bool, True),
    # Limited federation: only domains on the allow-list at /admin/federation may talk to us.
    "federation_limited": (bool, False),
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
    with transaction(conn):
        _store(conn, values)


def _store(conn: sqlite3.Connection, values: dict) -> None:
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    conn.executemany(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [(key, _encode(value), now()) for key, value in values.items()],
    )


# The admin form's limits: text lengths, and the range of each number.
LIMITS = {"name": 60, "description": 300, "rules": 10_000, "contact": 200}
RANGES = {"generations_per_hour": (1, 10_000), "queue_cap": (1, 100)}


def validate(form: dict, locales: tuple[str, ...] = ("en",)) -> tuple[dict, dict[str, str]]:
    """Read the settings form (strings) into typed values; returns (values, error codes by field).

    `locales` are the languages the instance has catalogues for. Codes: required, too_long, control,
    mode, locale, number, range.
    """
    values: dict = {}
    errors: dict[str, str] = {}
    for key, limit in LIMITS.items():
        text = (form.get(key) or "").replace("\r\n", "\n").strip()
        values[key] = text
        if key == "name" and not text:
            errors[key] = "required"
        elif len(text) > limit:
            errors[key] = "too_long"
        elif key in ("name", "contact") and any(ord(c) < 32 for c in text):
            errors[key] = "control"  # one-line fields: no newlines or tabs
    values["registration_mode"] = form.get("registration_mode") or ""
    if values["registration_mode"] not in REGISTRATION_MODES:
        errors["registration_mode"] = "mode"
    values["default_locale"] = form.get("default_locale") or "en"
    if values["default_locale"] not in locales:
        errors["default_locale"] = "locale"
    for key in ("members_can_invite", "block_ai_crawlers", "hide_from_search"):  # checkboxes: absent = off
        values[key] = form.get(key) in ("1", "on", "true", "yes", True)
    if "federation_form" in form:  # the form's federation section (scripts that leave it out keep the value)
        values["federation_enabled"] = form.get("federation_enabled") in ("1", "on", "true", "yes", True)
    for key, (low, high) in RANGES.items():
        raw = str(form.get(key) or "").strip()
        values[key] = raw
        if not raw.isdigit() or len(raw) > 6:
            errors[key] = "number"
        elif not low <= int(raw) <= high:
            errors[key] = "range"
        else:
            values[key] = int(raw)
    return values, errors


def update(conn: sqlite3.Connection, actor, values: dict, defaults: dict | None = None) -> list[str]:
    """Store validated settings and audit the change (`update_settings`) in one transaction.

    Returns the keys whose value changed (nothing is written or audited when none did).
    """
    with transaction(conn):
        before = all_settings(conn, defaults)
        changed = [key for key, value in values.items() if before.get(key) != value]
        if changed:
            _store(conn, values)
            detail = "; ".join(
                f"{key}: {before[key]} -> {values[key]}" if key in ("registration_mode", "members_can_invite",
                                                                     "generations_per_hour", "queue_cap",
                                                                     "block_ai_crawlers", "hide_from_search",
                                                                     "default_locale", "federation_enabled")
                else key
                for key in changed
            )
            audit.record(conn, actor, "update_settings", detail=detail)
    return changed
