"""Connections (one per thread), transactions and numbered migrations."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g

from models.schema import MIGRATIONS


def connect(path: str) -> sqlite3.Connection:
    """Open a connection with Easel's pragmas; autocommit, transactions are explicit."""
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (take the write lock up front, so read-then-write never deadlocks)."""
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


_migrate_lock = threading.Lock()


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations newer than PRAGMA user_version; return the version reached."""
    with _migrate_lock, transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
            version = number
    return version


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def now() -> float:
    return time.time()


_local = threading.local()


def get_db() -> sqlite3.Connection:
    """This thread's connection to the app's database, kept open between requests.

    Opening a connection (and parsing the schema) costs about half a millisecond; the server's
    request threads live as long as the process, so each keeps one connection per database file.
    """
    path = current_app.config["DATABASE"]
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    conn = connections.get(path)
    if conn is None:
        conn = connections[path] = connect(path)
    g.db = conn
    return conn


def thread_in_transaction() -> bool:
    """Whether this thread holds a transaction open on any of its connections (gate.py asks)."""
    return any(conn.in_transaction for conn in getattr(_local, "connections", {}).values())


def close_db(_exc: BaseException | None = None) -> None:
    """End of a request: never leave a transaction open on the thread's connection."""
    conn = g.pop("db", None)
    if conn is not None and conn.in_transaction:
        conn.execute("ROLLBACK")


def close_thread_connections() -> None:
    """Close this thread's connections (tests and shutdown)."""
    for conn in getattr(_local, "connections", {}).values():
        conn.close()
    _local.connections = {}


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
