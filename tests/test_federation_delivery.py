"""Issue 10, step 4: the durable delivery queue: one row per inbox, signed POSTs, backoff, giving up, restarts."""

from __future__ import annotations

import json
import time

import pytest

from federation import signatures
from federation.delivery import enqueue
from models import deliveries, domain_rules
from models import federation as fed_model
from models.db import connect
from tests.conftest import AuthActions
from tests.federation_helpers import fed_app


@pytest.fixture
def app(tmp_path):
    app = fed_app(tmp_path / "data", ALLOW_PRIVATE_FEDERATION=True, DELIVERY_BACKOFF=0.05)
    yield app
    app.extensions["easel_delivery"].stop()
    app.extensions["easel_worker"].stop()


@pytest.fixture
def conn(app, client):
    AuthActions(client).signup("ana")
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.close()


def _ana(conn):
    return conn.execute("SELECT id FROM users WHERE username = 'ana'").fetchone()[0]


ACTIVITY = {"id": "https://easel.test/u/ana#like-1", "type": "Like", "actor": "https://easel.test/u/ana",
            "object": "https://remote.example/notes/1"}


def _wait(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_one_row_per_distinct_inbox(app, conn):
    with app.app_context():
        added = enqueue(app, conn, _ana(conn), ACTIVITY, ["https://a.example/inbox", "https://a.example/inbox",
                                                          "https://b.example/inbox", ""])
    assert added == 2
    rows = conn.execute("SELECT * FROM deliveries ORDER BY id").fetchall()
    assert [row["inbox_url"] for row in rows] == ["https://a.example/inbox", "https://b.example/inbox"]
    assert json.loads(rows[0]["activity"]) == ACTIVITY
    assert rows[0]["attempts"] == 0 and rows[0]["delivered_at"] is None


def test_suspended_servers_get_nothing(app, conn):
    domain_rules.set_rule(conn, None, "blocked.example", "suspend")
    with app.app_context():
        assert enqueue(app, conn, _ana(conn), ACTIVITY, ["https://sub.blocked.example/inbox"]) == 0


def test_worker_delivers_signed(app, conn, remote):
    with app.app_context():
        enqueue(app, conn, _ana(conn), ACTIVITY, [remote.base + "/inbox"])
    app.extensions["easel_delivery"].start()
    _wait(lambda: remote.received)
    path, headers, body = remote.received[0]
    assert path == "/inbox" and json.loads(body) == ACTIVITY
    assert headers["Content-Type"] == "application/activity+json"
    public = fed_model.public_key(conn, _ana(conn))
    signatures.verify("POST", "/inbox", headers, body, public)
    assert 'keyId="https://easel.test/u/ana#main-key"' in headers["Signature"]
    _wait(lambda: conn.execute("SELECT delivered_at FROM deliveries").fetchone()[0] is not None)


def test_server_error_retries_with_backoff(app, conn, remote):
    remote.post_status["/inbox"] = 503
    with app.app_context():
        enqueue(app, conn, _ana(conn), ACTIVITY, [remote.base + "/inbox"])
    app.extensions["easel_delivery"].start()
    _wait(lambda: len(remote.received) >= 3)
    remote.post_status["/inbox"] = 202
    _wait(lambda: conn.execute("SELECT delivered_at FROM deliveries").fetchone()[0] is not None)
    row = conn.execute("SELECT * FROM deliveries").fetchone()
    assert row["attempts"] >= 4 and row["given_up_at"] is None


def test_backoff_doubles_and_gives_up_after_a_day(conn, app):
    with app.app_context():
        enqueue(app, conn, _ana(conn), ACTIVITY, ["https://a.example/inbox"])
    delays = []
    for _ in range(4):
        row = deliveries.claim_due(conn)[0]
        before = time.time()
        assert deliveries.failed(conn, row, "503", retryable=True, backoff=10.0) == "retry"
        due = conn.execute("SELECT next_attempt_at FROM deliveries").fetchone()[0]
        delays.append(round(due - before))
        conn.execute("UPDATE deliveries SET next_attempt_at = 0")
    assert delays == [10, 20, 40, 80]
    conn.execute("UPDATE deliveries SET created_at = created_at - 86400")
    row = deliveries.claim_due(conn)[0]
    assert deliveries.failed(conn, row, "503", retryable=True, backoff=10.0) == "given_up"
    assert deliveries.claim_due(conn) == []
    assert deliveries.counts(conn) == {"waiting": 0, "delivered": 0, "given_up": 1}


def test_client_error_gives_up_at_once(app, conn, remote):
    remote.post_status["/inbox"] = 410
    with app.app_context():
        enqueue(app, conn, _ana(conn), ACTIVITY, [remote.base + "/inbox"])
    app.extensions["easel_delivery"].start()
    _wait(lambda: conn.execute("SELECT given_up_at FROM deliveries").fetchone()[0] is not None)
    assert "410" in conn.execute("SELECT last_error FROM deliveries").fetchone()[0]


def test_claimed_rows_are_leased(conn, app):
    with app.app_context():
        enqueue(app, conn, _ana(conn), ACTIVITY, ["https://a.example/inbox"])
    assert len(deliveries.claim_due(conn)) == 1
    assert deliveries.claim_due(conn) == []  # a second thread (or process) does not take it too
    conn.execute("UPDATE deliveries SET next_attempt_at = 0")  # the lease ran out (the first thread died)
    assert len(deliveries.claim_due(conn)) == 1


def test_restart_resumes_the_queue(tmp_path, remote):
    first = fed_app(tmp_path / "data", ALLOW_PRIVATE_FEDERATION=True)
    client = first.test_client()
    AuthActions(client).signup("ana")
    conn = connect(first.config["DATABASE"])
    with first.app_context():
        enqueue(first, conn, _ana(conn), ACTIVITY, [remote.base + "/inbox", remote.base + "/users/x/inbox"])
    assert remote.received == []  # the delivery thread never ran in this process
    second = fed_app(tmp_path / "data", ALLOW_PRIVATE_FEDERATION=True)
    second.extensions["easel_delivery"].start()
    try:
        _wait(lambda: len(remote.received) == 2)
        _wait(lambda: deliveries.counts(conn)["delivered"] == 2)
    finally:
        second.extensions["easel_delivery"].stop()
        conn.close()
