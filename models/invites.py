"""Invite codes: made by admins (or by members when the instance allows it), used at sign-up.

An invite has an optional number of uses and an optional expiry; revoking it stops it at once.
Using one (`redeem`) happens inside the sign-up's transaction, so a code with one use left can
never let two people in.
"""

from __future__ import annotations

import secrets
import sqlite3

from models import audit
from models.db import now, transaction

CODE_MAX = 64
MAX_USES_LIMIT = 1000
EXPIRY_DAYS_LIMIT = 365


class InviteInvalid(Exception):
    """The code cannot be used; `reason` is one of missing, unknown, revoked, expired, used_up."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def create(conn: sqlite3.Connection, created_by: int, *, max_uses: int | None, expires_in_days: int | None,
           actor: sqlite3.Row | dict | None = None) -> sqlite3.Row:
    """A new invite; with `actor` (an admin acting for the instance) it goes to the audit log."""
    code = secrets.token_urlsafe(9)
    expires_at = now() + expires_in_days * 86400 if expires_in_days else None
    with transaction(conn):
        invite_id = conn.execute(
            "INSERT INTO invites (code, created_by, max_uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
            (code, created_by, max_uses, expires_at, now()),
        ).lastrowid
        if actor is not None:
            audit.record(conn, actor, "create_invite", detail=f"invite {code}: {_describe(max_uses, expires_in_days)}")
    return get(conn, invite_id)


def _describe(max_uses: int | None, expires_in_days: int | None) -> str:
    uses = f"{max_uses} uses" if max_uses else "unlimited uses"
    expiry = f"expires in {expires_in_days} days" if expires_in_days else "never expires"
    return f"{uses}, {expiry}"


def get(conn: sqlite3.Connection, invite_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT invites.*, users.username AS creator FROM invites LEFT JOIN users ON users.id = invites.created_by"
        " WHERE invites.id = ?", (invite_id,)
    ).fetchone()


def listing(conn: sqlite3.Connection, created_by: int | None = None, limit: int = 200) -> list[sqlite3.Row]:
    """Newest first: every invite, or one member's."""
    where, args = ("WHERE invites.created_by = ?", (created_by,)) if created_by is not None else ("", ())
    return conn.execute(
        "SELECT invites.*, users.username AS creator FROM invites LEFT JOIN users ON users.id = invites.created_by"
        f" {where} ORDER BY invites.id DESC LIMIT ?", (*args, limit)
    ).fetchall()


def problem(invite: sqlite3.Row | None, at: float | None = None) -> str | None:
    """Why this invite cannot be used now (a reason code), or None when it can."""
    at = now() if at is None else at
    if invite is None:
        return "unknown"
    if invite["revoked_at"] is not None:
        return "revoked"
    if invite["expires_at"] is not None and invite["expires_at"] <= at:
        return "expired"
    if invite["max_uses"] is not None and invite["uses"] >= invite["max_uses"]:
        return "used_up"
    return None


def check(conn: sqlite3.Connection, code: str) -> str | None:
    """Why `code` cannot be used now, or None (a look-up before the sign-up's password hashing)."""
    code = (code or "").strip()
    if not code:
        return "missing"
    if len(code) > CODE_MAX:
        return "unknown"
    return problem(conn.execute("SELECT * FROM invites WHERE code = ?", (code,)).fetchone())


def redeem(conn: sqlite3.Connection, code: str) -> int:
    """Count one use of `code` and return the invite's id. Call inside the sign-up's transaction.

    Raises InviteInvalid (and changes nothing) when the code cannot be used.
    """
    reason = check(conn, code)
    if reason:
        raise InviteInvalid(reason)
    invite_id = conn.execute(
        """UPDATE invites SET uses = uses + 1
           WHERE code = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                 AND (max_uses IS NULL OR uses < max_uses)
           RETURNING id""",
        (code.strip(), now()),
    ).fetchone()
    if invite_id is None:  # only if the caller forgot the transaction: check() and UPDATE disagree
        raise InviteInvalid("used_up")
    return invite_id[0]


def revoke(conn: sqlite3.Connection, invite_id: int, actor: sqlite3.Row | dict | None = None) -> bool:
    """Stop an invite from working; False when it was already revoked. With `actor`, audited."""
    with transaction(conn):
        changed = conn.execute(
            "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now(), invite_id)
        ).rowcount
        if changed and actor is not None:
            row = conn.execute("SELECT code FROM invites WHERE id = ?", (invite_id,)).fetchone()
            audit.record(conn, actor, "revoke_invite", detail=f"invite {row['code']}")
    return bool(changed)


def joined_with(conn: sqlite3.Connection, invite_id: int) -> list[sqlite3.Row]:
    """The members who signed up with an invite, oldest first."""
    return conn.execute(
        "SELECT id, username FROM users WHERE invite_id = ? ORDER BY id", (invite_id,)
    ).fetchall()


def parse_options(max_uses: str | None, expires_in_days: str | None) -> tuple[dict, dict[str, str]]:
    """The invite form's two choices (blank = unlimited / never); returns (values, error codes by field)."""
    values: dict = {}
    errors: dict[str, str] = {}
    for field, raw, limit in (("max_uses", max_uses, MAX_USES_LIMIT),
                              ("expires_in_days", expires_in_days, EXPIRY_DAYS_LIMIT)):
        raw = (raw or "").strip()
        if raw in ("", "0"):
            values[field] = None
        elif not raw.isdigit() or len(raw) > 6:
            errors[field] = "number"
        elif int(raw) > limit:
            errors[field] = "range"
        else:
            values[field] = int(raw)
    return values, errors
