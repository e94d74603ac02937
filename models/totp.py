"""Two-factor sign-in: a TOTP secret per member (RFC 6238, 30 s steps) and single-use recovery codes."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time

import pyotp

from models.db import now, transaction

RECOVERY_CODES = 10
# One step either side of now, so a phone clock a little off still works.
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def normalise_code(raw: str) -> str:
    return "".join((raw or "").split()).replace("-", "").lower()


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code this is (within the window), or None."""
    code = normalise_code(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    at = time.time() if at is None else at
    step = int(at // totp.interval)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def is_enabled(row) -> bool:
    return bool(row["totp_secret"])


def use_code(conn: sqlite3.Connection, user_id: int, code: str, at: float | None = None) -> bool:
    """Accept a current code once: a code (or an older one) already used cannot sign in again."""
    row = conn.execute("SELECT totp_secret FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None or not row["totp_secret"]:
        return False
    step = matching_step(row["totp_secret"], code, at)
    if step is None:
        return False
    with transaction(conn):
        # Conditional update: of two requests racing with the same code, one wins.
        return conn.execute(
            "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", (step, user_id, step)
        ).rowcount == 1


def _hash(code: str) -> str:
    # Recovery codes are 50 random bits, not passwords a person picks: a plain hash is enough.
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _new_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    raw = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    return [f"{code[:5]}-{code[5:]}" for code in raw]


def enable(conn: sqlite3.Connection, user_id: int, secret: str, confirmed_step: int) -> list[str]:
    """Store a confirmed secret and fresh recovery codes; returns the codes (shown once, stored hashed)."""
    with transaction(conn):
        conn.execute("UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ?",
                     (secret, confirmed_step, user_id))
    return new_recovery_codes(conn, user_id)


def new_recovery_codes(conn: sqlite3.Connection, user_id: int) -> list[str]:
    """Replace every recovery code (used or not) with ten fresh ones; returns them (shown once)."""
    codes = _new_codes()
    with transaction(conn):
        conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
        conn.executemany("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
                         [(user_id, _hash(code)) for code in codes])
    return codes


def disable(conn: sqlite3.Connection, user_id: int) -> None:
    with transaction(conn):
        conn.execute("UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE id = ?", (user_id,))
        conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))


def use_recovery_code(conn: sqlite3.Connection, user_id: int, code: str) -> bool:
    """Spend one unused recovery code; a code works once."""
    if len(normalise_code(code)) != 10:
        return False
    with transaction(conn):
        return conn.execute(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            (now(), user_id, _hash(code)),
        ).rowcount == 1


def codes_left(conn: sqlite3.Connection, user_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", (user_id,)
    ).fetchone()[0]


def verify(conn: sqlite3.Connection, user_id: int, code: str) -> bool:
    """A current authenticator code, or else an unused recovery code."""
    return use_code(conn, user_id, code) or use_recovery_code(conn, user_id, code)
