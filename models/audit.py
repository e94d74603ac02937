"""The audit log: every moderator and admin action (who, what, when, why), shown to admins."""

from __future__ import annotations

import sqlite3

from models.db import now

# action -> what the log page says (English; views translate by key)
ACTIONS = (
    "suspend", "unsuspend", "delete_member", "set_role", "approve_signup", "reject_signup",
    "hide_post", "unhide_post", "approve_post", "reject_post", "dismiss_report", "resolve_report",
    "cancel_generation", "create_invite", "revoke_invite", "update_settings", "add_prompt_rule",
    "remove_prompt_rule", "domain_rule",
)


def record(conn: sqlite3.Connection, actor: sqlite3.Row | dict | None, action: str, *,
           target: sqlite3.Row | dict | None = None, post_id: int | None = None, report_id: int | None = None,
           reason: str = "", detail: str = "") -> int:
    """Append one entry; call it inside the transaction that makes the change it records.

    `actor` None means the command line (`flask --app app users ...`).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return conn.execute(
        """INSERT INTO audit_log (actor_id, actor_name, action, target_user_id, target_name, post_id, report_id,
                                  reason, detail, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (actor["id"] if actor else None, actor["username"] if actor else "(command line)", action,
         target["id"] if target else None, target["username"] if target else "", post_id, report_id,
         reason, detail, now()),
    ).lastrowid


def entries(conn: sqlite3.Connection, before: int | None = None, limit: int = 50) -> list[sqlite3.Row]:
    """Newest first, keyset-paged by id."""
    return conn.execute(
        "SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?", (before or 2**62, limit)
    ).fetchall()
