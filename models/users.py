"""Members: sign-up, look-up and passwords."""

from __future__ import annotations

import functools
import re
import sqlite3
import threading

from werkzeug.security import check_password_hash, generate_password_hash

import gate
from models import invites
from models.db import now, transaction

USERNAME_RE = re.compile(r"[a-z0-9_]{2,30}")
# A password hash (scrypt) holds ~32 MB while it runs: at most two at once keeps a Pi's memory flat.
_hashing = threading.BoundedSemaphore(2)
PASSWORD_MIN = 8
# Longer passwords are refused before any hashing (a megabyte password must not cost a hash).
PASSWORD_MAX = 256


class UsernameTaken(Exception):
    pass


def normalise_username(raw: str) -> str:
    return (raw or "").strip().lower()


def validate_signup(username: str, password: str) -> dict[str, str]:
    """Field -> message for anything wrong with a sign-up (empty when fine)."""
    errors = {}
    if not USERNAME_RE.fullmatch(username):
        errors["username"] = "username"
    if len(password) < PASSWORD_MIN:
        errors["password"] = "password_short"
    elif len(password) > PASSWORD_MAX:
        errors["password"] = "password_long"
    return errors


SIGNUP_NOTE_MAX = 500  # "why do you want to join", on instances that approve sign-ups


class RegistrationClosed(Exception):
    pass


def create_user(conn: sqlite3.Connection, username: str, password: str, *, mode: str = "open",
                note: str = "", invite_code: str | None = None, role: str | None = None) -> sqlite3.Row:
    """Insert a local member under a registration mode (open, approval, invite, closed).

    The first local account ever is the instance admin and is let in whatever the mode. Otherwise:
    closed raises RegistrationClosed; invite needs a usable `invite_code` (InviteInvalid), whose use
    is counted in this same transaction; approval puts the member on the waiting list (status
    'pending') unless they bring a usable invite. `role` forces a role (the command line).
    """
    with gate.opened(), _hashing:  # a hash runs in C: other requests go on meanwhile
        password_hash = generate_password_hash(password)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE domain IS NULL AND username = ?", (username,)).fetchone():
            raise UsernameTaken(username)
        first = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM users WHERE domain IS NULL)").fetchone()[0]
        status, invite_id = "active", None
        if not first:
            if mode == "closed":
                raise RegistrationClosed()
            if mode == "invite" or (mode == "approval" and invite_code):
                invite_id = invites.redeem(conn, invite_code or "")
            elif mode == "approval":
                status = "pending"
        user_id = conn.execute(
            """INSERT INTO users (username, password_hash, role, status, signup_note, invite_id, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (username, password_hash, role or ("admin" if first else "member"), status, note, invite_id, now()),
        ).lastrowid
    return get_user(conn, user_id)


def get_user(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def get_local_user(conn: sqlite3.Connection, username: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM users WHERE domain IS NULL AND username = ?", (normalise_username(username),)
    ).fetchone()


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> sqlite3.Row | None:
    """The member if the password matches, else None (same work either way).

    The member's status is not looked at: the caller tells a suspended member so only after the
    right password, so that a wrong guess never learns whether a name exists.
    """
    if len(password) > PASSWORD_MAX or len(username) > 64:
        return None  # refused before hashing: no such password or name can be stored
    user = get_local_user(conn, username)
    with gate.opened(), _hashing:  # a hash runs in C: other requests go on meanwhile
        if user is None or not user["password_hash"]:
            # Hash anyway so a missing name takes as long as a wrong password.
            check_password_hash(_dummy_hash(), password)
            return None
        return user if check_password_hash(user["password_hash"], password) else None


def check_password(conn: sqlite3.Connection, user_id: int, password: str) -> bool:
    """Does the password match this member's (for confirming a sensitive change)?"""
    if len(password) > PASSWORD_MAX:
        return False
    row = get_user(conn, user_id)
    if row is None or not row["password_hash"]:
        return False
    with gate.opened(), _hashing:  # a hash runs in C: other requests go on meanwhile
        return check_password_hash(row["password_hash"], password)


def change_password(conn: sqlite3.Connection, user_id: int, password: str) -> sqlite3.Row:
    """Store a new password and end every session (the session version moves on); returns the row."""
    with gate.opened(), _hashing:  # a hash runs in C: other requests go on meanwhile
        password_hash = generate_password_hash(password)
    with transaction(conn):
        conn.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
                     (password_hash, user_id))
    return get_user(conn, user_id)


def end_sessions(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    """Sign the member out everywhere: every session and remember cookie carries the old version."""
    with transaction(conn):
        conn.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", (user_id,))
    return get_user(conn, user_id)


def count_local(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM users WHERE domain IS NULL").fetchone()[0]


def admins(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM users WHERE role = 'admin' AND domain IS NULL ORDER BY id").fetchall()


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not a real password")


def profile_counts(conn: sqlite3.Connection, user_id: int) -> dict:
    row = conn.execute(
        """SELECT (SELECT count(*) FROM follows WHERE followee_id = :u) AS followers,
                  (SELECT count(*) FROM follows WHERE follower_id = :u) AS following,
                  (SELECT count(*) FROM posts WHERE user_id = :u AND deleted_at IS NULL
                       AND reply_to IS NULL AND repost_of IS NULL) AS posts""",
        {"u": user_id},
    ).fetchone()
    return dict(row)
