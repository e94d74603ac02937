"""One request runs Easel's Python at a time; the others wait at this gate instead of on the GIL.

Why: Python runs one thread at a time anyway, and SQLite lets go of the GIL on every row it
steps, so eight request threads running at once hand the GIL back and forth hundreds of times
per page. Measured in-process on the 1M-post benchmark (home page, 8 threads, 2 cores): 8.4 ms
of CPU per request when all run at once, 3.9 ms when they take turns, so taking turns serves
twice the pages with half the waiting. The server keeps its eight threads (slow clients and
uploads are waitress's business and never reach the app before they are read).

A request that waits on something slow that is not Python -- another server over the network,
a password hash in C -- opens the gate around that wait (`with gate.opened():`) so the rest of
the site goes on meanwhile. It never does so inside a write transaction: another request would
then wait for SQLite's lock while holding the gate.

With one slot, only the holder touches the database, so the requests behind the gate share one
SQLite connection (models/db.py `get_db`): one page cache instead of one per thread, which the
requests' own writes do not throw away (SQLite empties a connection's cache whenever another
connection has written), and ~10 MB less memory at a million posts. A request that opens the
gate uses its thread's own connection until it is back inside.

Only the server (`python app.py`) wraps the app in the gate; tests that call the app directly,
the CLI and the worker threads never hold it, and `opened()` is then a no-op.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

_local = threading.local()

# Files and the health check cost little Python and mostly wait on the disk or SQLite: taking
# turns would only serialise those waits (/healthz at 8 connections: 560 -> 340 requests/s), so
# they skip the gate. Pages, feeds and actions take turns.
BYPASS = ("/static/", "/media/", "/healthz")


class Gate:
    def __init__(self, size: int = 1):
        self.size = size
        # A plain lock for one slot (a semaphore is Python code around a condition variable).
        self._slots = threading.Lock() if size == 1 else threading.BoundedSemaphore(size)
        # database path -> the connection every holder of a one-slot gate uses (models/db.py)
        self.connections: dict | None = {} if size == 1 else None

    def wrap(self, app: Callable, bypass: tuple[str, ...] = BYPASS) -> Callable:
        """The WSGI app behind the gate: held while the app builds its response (not while
        waitress sends it: a file being streamed does not hold anyone up). Paths in `bypass`
        skip it."""
        def gated(environ, start_response):
            if environ.get("PATH_INFO", "").startswith(bypass):
                return app(environ, start_response)
            with self.held():
                return app(environ, start_response)
        return gated

    @contextmanager
    def held(self) -> Iterator[None]:
        self._slots.acquire()
        _local.gate = self
        try:
            yield
        finally:
            _local.gate = None
            self._slots.release()

    def _reopen(self) -> None:
        self._slots.release()

    def _reclose(self) -> None:
        self._slots.acquire()


@contextmanager
def opened() -> Iterator[None]:
    """Around a slow wait outside Python: let other requests run until it is over."""
    gate = getattr(_local, "gate", None)
    if gate is None or _in_transaction():
        yield
        return
    _local.gate = None
    gate._reopen()
    try:
        yield
    finally:
        gate._reclose()
        _local.gate = gate


def held_connections() -> dict | None:
    """The shared connections of the one-slot gate this thread holds now; None when it holds none
    (outside the gate, inside `opened()`, or behind a gate of several slots)."""
    gate = getattr(_local, "gate", None)
    return None if gate is None else gate.connections


def _in_transaction() -> bool:
    from models.db import thread_in_transaction

    return thread_in_transaction()
