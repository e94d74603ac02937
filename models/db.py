"""Connections (the gate's shared one, or one per thread), transactions and numbered migrations."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g

import gate
from models.schema import MIGRATIONS

# The gate's shared connection serves every page, so it gets a bigger page cache than the default
# 2 MB (at 1M posts and 200 members: ~90 page reads from the OS per home page -> ~35).
SHARED_CACHE_KIB = 8192


def connect(path: str, shared: bool = False) -> sqlite3.Connection:
    """Open a connection with Easel's pragmas; autocommit, transactions are explicit.

    `shared`: the connection of a one-slot gate (gate.py), used by one request thread at a time
    but not always the same one."""
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=not shared)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    if shared:
        conn.execute(f"PRAGMA cache_size=-{SHARED_CACHE_KIB}")
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
    """The connection to the app's database for this request, kept open between requests.

    Opening a connection (and parsing the schema) costs about half a millisecond, so connections
    live as long as their thread: behind the server's one-slot gate, the one connection all
    requests share (gate.py); anywhere else (tests, the CLI, workers, files and the health check,
    a request waiting outside the gate), the thread's own.
    """
    path = current_app.config["DATABASE"]
    shared = gate.held_connections()
    connections = _own_connections() if shared is None else shared
    conn = connections.get(path)
    if conn is None:
        conn = connections[path] = connect(path, shared=shared is not None)
    g.db = conn
    return conn


def _own_connections() -> dict[str, sqlite3.Connection]:
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    return connections


def _connections_in_use() -> list[sqlite3.Connection]:
    """This thread's own connections, and the gate's shared ones while it holds the gate."""
    return [*_own_connections().values(), *(gate.held_connections() or {}).values()]


def thread_in_transaction() -> bool:
    """Whether this thread holds a transaction open on any connection it uses (gate.py asks)."""
    return any(conn.in_transaction for conn in _connections_in_use())


def close_db(_exc: BaseException | None = None) -> None:
    """End of a request: never leave a transaction open, on the shared connection or the thread's."""
    g.pop("db", None)
    for conn in _connections_in_use():
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def close_thread_connections() -> None:
    """Close this thread's own connections (tests and shutdown; the gate's shared one is left)."""
    for conn in _own_connections().values():
        conn.close()
    _local.connections = {}


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
