"""Importing follows, blocks and mutes from a CSV file (Mastodon's formats, or Easel's own export).

Reading the file is all or nothing: a file that is not a list of account addresses changes
nothing. Applying it goes through models/social.py, so counters, notifications and the meaning
of a block stay exactly what the buttons do.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from dataclasses import dataclass, field

from models import follow_requests, social

KINDS = ("following", "blocks", "mutes")
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
# name, or name@host (a leading @ is allowed, as Mastodon writes them in some places)
ADDRESS_RE = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})(?:@([A-Za-z0-9.-]+(?::[0-9]{1,5})?))?")
LOCAL_NAME_RE = re.compile(r"[a-z0-9_]{2,30}")


class BadFile(Exception):
    """The file cannot be read as a list of accounts; `code` says why, `line` where (if known)."""

    def __init__(self, code: str, line: int = 0):
        super().__init__(code)
        self.code = code
        self.line = line


@dataclass
class Address:
    text: str  # as written in the file (without a leading @)
    name: str
    host: str  # '' when the file gave a bare name


@dataclass
class Result:
    kind: str
    done: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # a block stands between you (following only)
    requested: list[str] = field(default_factory=list)  # they approve new followers: a request was sent


def parse(data: bytes) -> list[Address]:
    """The account addresses in a CSV file (first column; a header row is skipped), or BadFile."""
    if not data.strip():
        raise BadFile("empty")
    if len(data) > MAX_BYTES:
        raise BadFile("too_large")
    if b"\x00" in data:
        raise BadFile("not_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile("not_csv") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    except csv.Error:
        raise BadFile("not_csv") from None
    if len(rows) > MAX_ROWS + 1:
        raise BadFile("too_many_rows")
    if rows and not ADDRESS_RE.fullmatch(rows[0][0].strip()):
        rows = rows[1:]  # a header ("Account address,...")
    if len(rows) > MAX_ROWS:
        raise BadFile("too_many_rows")
    if not rows:
        raise BadFile("empty")
    addresses, seen = [], set()
    for number, row in enumerate(rows, start=1):
        match = ADDRESS_RE.fullmatch(row[0].strip())
        if match is None:
            raise BadFile("bad_line", number)
        name, host = match.group(1), (match.group(2) or "").lower()
        key = (name.lower(), host)
        if key not in seen:
            seen.add(key)
            addresses.append(Address(f"{name}@{host}" if host else name, name, host))
    return addresses


def apply(conn: sqlite3.Connection, user_id: int, kind: str, addresses: list[Address],
          local_hosts: set[str]) -> Result:
    """Follow, block or mute each local account the file names; report what happened to each."""
    result = Result(kind)
    for address in addresses:
        if address.host and address.host not in local_hosts:
            result.remote.append(address.text)
            continue
        name = address.name.lower()
        row = None
        if LOCAL_NAME_RE.fullmatch(name):
            row = conn.execute(
                "SELECT id, username, status FROM users WHERE domain IS NULL AND username = ?", (name,)
            ).fetchone()
        allowed = ("active",) if kind == "following" else ("active", "suspended")
        usable = row is not None and row["status"] in allowed
        if not usable:
            result.not_found.append(address.text)
            continue
        if row["id"] == user_id:
            continue
        handle = row["username"]
        if kind == "following":
            was_pending = follow_requests.is_pending(conn, user_id, row["id"])
            already = social.is_following(conn, user_id, row["id"])
            try:
                outcome = follow_requests.follow_or_request(conn, user_id, row["id"])
            except social.Blocked:
                result.refused.append(handle)
                continue
            if outcome == follow_requests.REQUESTED:
                (result.already if was_pending else result.requested).append(handle)
                continue
            changed = not already
        elif kind == "blocks":
            changed = social.block(conn, user_id, row["id"])
        else:
            changed = social.mute(conn, user_id, row["id"])
        (result.done if changed else result.already).append(handle)
    return result
