"""gate.py: requests take turns running Python, open the gate while they wait on the network,
never inside a write transaction, and files and the health check skip it."""

import http.server
import threading
import time

import pytest

import gate
from federation import fetch
from models.db import get_db, transaction
from tests.conftest import make_app


class Recorder:
    """A WSGI app that notes how many requests are inside it at once."""

    def __init__(self, pause=0.05, inside=None):
        self.pause, self.inside = pause, inside
        self.now = self.most = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            if self.inside is not None:
                self.inside(environ)
            else:
                time.sleep(self.pause)
        finally:
            with self.lock:
                self.now -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(app, path="/"):
    return app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda status, headers: None)


def run_at_once(app, paths):
    threads = [threading.Thread(target=call, args=(app, path)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)


def test_requests_take_turns_behind_the_gate():
    recorder = Recorder()
    run_at_once(recorder, ["/"] * 4)
    assert recorder.most > 1  # without the gate they overlap
    recorder = Recorder()
    run_at_once(gate.Gate(1).wrap(recorder), ["/"] * 4)
    assert recorder.most == 1


def test_files_and_the_health_check_skip_the_gate():
    recorder = Recorder(pause=0.2)
    gated = gate.Gate(1).wrap(recorder)
    run_at_once(gated, ["/", "/static/css/easel.css", "/media/a.webp", "/healthz"])
    assert recorder.most == 4  # the page held the gate; the other three ran beside it


def test_a_request_waiting_on_the_network_lets_others_run():
    """A request that fetches from a slow server (here 0.5 s) opens the gate: a second request
    finishes while the first is still waiting."""
    finished = []

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(0.5)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/actor"

    def inside(environ):
        if environ["PATH_INFO"] == "/fetch":
            fetch.request("GET", url, allow_private=True)
        finished.append(environ["PATH_INFO"])

    gated = gate.Gate(1).wrap(Recorder(inside=inside))
    first = threading.Thread(target=call, args=(gated, "/fetch"))
    first.start()
    time.sleep(0.15)  # the fetch is under way
    started = time.monotonic()
    call(gated, "/page")
    assert time.monotonic() - started < 0.3 and finished == ["/page"]
    first.join(5)
    assert finished == ["/page", "/fetch"]
    server.shutdown()
    server.server_close()


def test_the_gate_stays_shut_inside_a_write_transaction(tmp_path):
    """Opening it there would let another request wait on SQLite's lock while holding the gate."""
    app = make_app(tmp_path)
    the_gate = gate.Gate(1)
    others_ran = threading.Event()

    def other():
        with the_gate.held():
            others_ran.set()

    with app.app_context(), the_gate.held():
        conn = get_db()
        with transaction(conn):
            with gate.opened():
                thread = threading.Thread(target=other)
                thread.start()
                assert not others_ran.wait(0.2)
        with gate.opened():  # outside the transaction it opens
            assert others_ran.wait(2)
        thread.join(2)


@pytest.mark.parametrize("held", [False, True])
def test_opened_without_the_gate_is_harmless(held):
    the_gate = gate.Gate(1)
    if held:
        with the_gate.held(), gate.opened(), gate.opened():  # nested: the inner one is a no-op
            pass
    else:
        with gate.opened():
            pass
    assert the_gate._slots.acquire(timeout=1)  # the slot came back exactly once
    assert not the_gate._slots.acquire(blocking=False)


def _connection_seen(app, the_gate=None, inside_opened=False):
    """The connection get_db() gives a request on a new thread (behind the_gate if given)."""
    seen = []

    def run():
        with app.app_context():
            if the_gate is None:
                seen.append(get_db())
                return
            with the_gate.held():
                if inside_opened:
                    with gate.opened():
                        seen.append(get_db())
                else:
                    seen.append(get_db())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(5)
    return seen[0]


def test_requests_behind_a_one_slot_gate_share_one_connection(tmp_path):
    """One page cache for all request threads; anyone else (no gate, inside opened(), a gate of
    several slots) keeps a connection of its own thread."""
    app = make_app(tmp_path)
    one_slot = gate.Gate(1)
    first, second = _connection_seen(app, one_slot), _connection_seen(app, one_slot)
    assert first is second
    assert first.execute("PRAGMA cache_size").fetchone()[0] < -2000  # the bigger cache
    assert _connection_seen(app) is not first
    assert _connection_seen(app, one_slot, inside_opened=True) is not first
    several = gate.Gate(2)
    assert _connection_seen(app, several) is not _connection_seen(app, several)


def test_a_transaction_left_on_the_shared_connection_ends_with_the_request(tmp_path):
    """Teardown rolls back whatever a request left open, on the shared connection too, even when
    the last connection it asked for was its own (inside opened())."""
    app = make_app(tmp_path)
    one_slot = gate.Gate(1)
    with one_slot.held():
        with app.app_context():
            shared = get_db()
            with gate.opened():
                own = get_db()
            assert own is not shared
            shared.execute("BEGIN")
            shared.execute("INSERT INTO instance_settings (key, value, updated_at) VALUES ('left', 'open', 0)")
        assert not shared.in_transaction
        with app.app_context():
            assert get_db().execute("SELECT count(*) FROM instance_settings WHERE key = 'left'").fetchone()[0] == 0
