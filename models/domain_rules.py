"""Admins' rules for other servers (issue 10): suspend (nothing in or out), silence (their posts stay
off public feeds; follows still work), allow (the allow-list of limited-federation mode)."""

from __future__ import annotations

import re
import sqlite3

from models import audit
from models.db import now, transaction

ACTIONS = ("suspend", "silence", "allow")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_RE = re.compile(rf"^(?=.{{1,253}}$)({_LABEL}\.)*{_LABEL}(:\d{{1,5}})?$")


def normalise(domain: str) -> str | None:
    """A lower-case host name (optionally with a port), or None when it is not one."""
    domain = (domain or "").strip().lower().rstrip(".")
    return domain if DOMAIN_RE.match(domain) else None


def all_rules(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM domain_rules ORDER BY action, domain").fetchall()


def rule_for(conn: sqlite3.Connection, domain: str) -> str | None:
    """The rule on a domain or the nearest parent domain with one (a block on example.com covers a.example.com)."""
    domain = (domain or "").lower()
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts))]
    rows = {row["domain"].lower(): row["action"] for row in conn.execute(
        f"SELECT domain, action FROM domain_rules WHERE domain IN ({','.join('?' * len(candidates))})", candidates)}
    for candidate in candidates:
        if candidate in rows:
            return rows[candidate]
    return None


def allowed(conn: sqlite3.Connection, domain: str, limited: bool) -> bool:
    """May this server talk to us? Not when suspended; in limited mode only when allow-listed."""
    rule = rule_for(conn, domain)
    if rule == "suspend":
        return False
    return rule == "allow" if limited else True


def set_rule(conn: sqlite3.Connection, actor, domain: str, action: str, note: str = "") -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO domain_rules (domain, action, note, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (domain) DO UPDATE SET action = excluded.action, note = excluded.note",
            (domain, action, note, now()))
        if action == "suspend":  # a suspended server's people stop following and being followed here
            conn.execute(
                """DELETE FROM follows WHERE follower_id IN (SELECT id FROM users WHERE domain = :d OR domain LIKE :sub)
                   OR followee_id IN (SELECT id FROM users WHERE domain = :d OR domain LIKE :sub)""",
                {"d": domain, "sub": "%." + domain})
            conn.execute(
                """DELETE FROM follow_requests
                   WHERE requester_id IN (SELECT id FROM users WHERE domain = :d OR domain LIKE :sub)
                      OR target_id IN (SELECT id FROM users WHERE domain = :d OR domain LIKE :sub)""",
                {"d": domain, "sub": "%." + domain})
        audit.record(conn, actor, "domain_rule", detail=f"{domain}: {action}")


def remove_rule(conn: sqlite3.Connection, actor, domain: str) -> bool:
    with transaction(conn):
        removed = conn.execute("DELETE FROM domain_rules WHERE domain = ?", (domain,)).rowcount == 1
        if removed:
            audit.record(conn, actor, "domain_rule", detail=f"{domain}: removed")
    return removed
