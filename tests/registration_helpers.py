"""Helpers for the registration, invite and instance-settings tests: an instance in a given mode with
its first account (the admin, "root") made, and clients for more people."""

from __future__ import annotations

from contextlib import contextmanager

from models import instance
from models.db import connect
from tests.conftest import AuthActions, make_app

PASSWORD = "correct horse"


class Community:
    """An instance with its admin signed in: `app`, `admin` (AuthActions), `db` (a separate connection)."""

    def __init__(self, app, admin: AuthActions, db):
        self.app, self.admin, self.db = app, admin, db

    def visitor(self) -> AuthActions:
        return AuthActions(self.app.test_client())

    def set_mode(self, mode: str, **settings) -> None:
        """Save settings as an admin would (a stored setting wins over the app config)."""
        instance.save(self.db, {"registration_mode": mode, **settings})

    def user(self, username: str):
        return self.db.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()

    def audit(self, action: str | None = None) -> list:
        sql = "SELECT * FROM audit_log" + (" WHERE action = ?" if action else "") + " ORDER BY id"
        return self.db.execute(sql, (action,) if action else ()).fetchall()

    def count_users(self) -> int:
        return self.db.execute("SELECT count(*) FROM users").fetchone()[0]

    def member(self, username: str, role: str = "member") -> AuthActions:
        """An active member, signed in on their own client."""
        person = self.visitor()
        saved = self.db.execute("SELECT value FROM instance_settings WHERE key = 'registration_mode'").fetchone()
        instance.save(self.db, {"registration_mode": "open"})
        assert person.signup(username, PASSWORD).status_code == 303
        if saved:
            instance.save(self.db, {"registration_mode": saved[0]})
        else:
            self.db.execute("DELETE FROM instance_settings WHERE key = 'registration_mode'")
        if role != "member":
            self.db.execute("UPDATE users SET role = ? WHERE username = ?", (role, username))
        return person


@contextmanager
def community(tmp_path, mode: str = "approval", **config):
    """A fresh instance whose registration mode comes from the app config, its first account made."""
    app = make_app(tmp_path / "data", REGISTRATION_MODE=mode, **config)
    db = connect(app.config["DATABASE"])
    try:
        admin = AuthActions(app.test_client())
        assert admin.signup("root", PASSWORD).status_code == 303  # the first account, whatever the mode
        yield Community(app, admin, db)
    finally:
        db.close()
        app.extensions["easel_worker"].stop()


def signed_in(client) -> bool:
    """Whether the client's session is a signed-in member (the studio needs one)."""
    return client.get("/studio").status_code == 200
