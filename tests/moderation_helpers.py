"""Helpers for the moderation tests: members with roles, each signed in on their own client."""

from __future__ import annotations

from models.db import connect
from tests.conftest import AuthActions

JSON = {"Accept": "application/json"}
HTMX = {"HX-Request": "true"}


def sign_up(app, username: str, role: str | None = None) -> AuthActions:
    """A member signed in on a fresh client (the instance's first sign-up is its admin)."""
    actions = AuthActions(app.test_client())
    response = actions.signup(username)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    if role:
        set_role(app, username, role)
    return actions


def set_role(app, username: str, role: str) -> None:
    conn = connect(app.config["DATABASE"])
    conn.execute("UPDATE users SET role = ? WHERE username = ?", (role, username))
    conn.close()


def user(db, username: str):
    return db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()


def audit_rows(db, action: str | None = None) -> list:
    if action:
        return db.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY id", (action,)).fetchall()
    return db.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
