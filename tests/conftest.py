"""flaskr-style fixtures: an app on a temporary data folder, a client, an auth helper, the worker."""

from __future__ import annotations

import re
import time

import pytest

from app import create_app
from models.db import close_thread_connections, connect


def make_app(data_dir, **overrides):
    config = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "RATELIMIT_ENABLED": False,
        "RETRY_BACKOFF": 0.01,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REGISTRATION_MODE": "open",  # tests of the other modes ask for theirs
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(autouse=True)
def _close_connections():
    """Request threads keep a connection per database; a test's databases go with the test."""
    yield
    close_thread_connections()


@pytest.fixture
def app(request, tmp_path):
    """The app on a fresh data folder. A test module that sets `FEDERATED = True` gets a federating
    instance instead (public URL https://easel.test; fetches to 127.0.0.1 allowed for the fakes)."""
    if getattr(request.module, "FEDERATED", False):
        from tests.federation_helpers import fed_app

        app = fed_app(tmp_path / "data", ALLOW_PRIVATE_FEDERATION=True)
    else:
        app = make_app(tmp_path / "data")
    yield app
    app.extensions["easel_worker"].stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A separate connection to the app's database file, for asserting what was stored."""
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.close()


@pytest.fixture
def remote():
    """A fake fediverse server on 127.0.0.1 (tests/federation_helpers.py) for the federation tests."""
    from tests.federation_helpers import FakeFediverse

    fake = FakeFediverse()
    yield fake
    fake.close()


@pytest.fixture
def worker(app):
    pool = app.extensions["easel_worker"]
    pool.start()
    yield pool
    pool.stop()


def csrf_token(client) -> str:
    page = client.get("/about").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        return csrf_token(self.client)

    def signup(self, username="ana", password="correct horse"):
        return self.client.post(
            "/signup", data={"username": username, "password": password, "csrf_token": self.token()}
        )

    def login(self, username="ana", password="correct horse"):
        return self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": self.token()}
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.token()})

    def post(self, path, data=None, json=False, htmx=False, **kwargs):
        """POST with a valid CSRF token (and optionally asking for JSON or a partial)."""
        headers = kwargs.pop("headers", {})
        if json:
            headers["Accept"] = "application/json"
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data={"csrf_token": self.token(), **(data or {})}, headers=headers, **kwargs)

    def generate(self, prompt="a red sunset over the ocean", **fields):
        response = self.post("/generations", {"prompt": prompt, **fields}, json=True)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["id"]


@pytest.fixture
def auth(client):
    return AuthActions(client)


def wait_for_status(client, generation_id, statuses=("done",), timeout=20.0):
    """Poll the JSON status like a script would, until the job reaches one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).get_json()
        if body["status"] in statuses:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"generation {generation_id} stuck in {body['status']}")
        time.sleep(0.05)


class LimitClock:
    """The clock the rate limiter reads, moved by hand: `limit_clock.advance(301)` instead of sleeping."""

    def __init__(self, start: float):
        self.now = start

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __getattr__(self, name):  # sleep, monotonic, mktime...: the real ones
        return getattr(time, name)


@pytest.fixture
def limit_clock(monkeypatch):
    """Freeze the rate limiter's time (limits' memory storage and strategies, Flask-Limiter, and
    views.limits' Retry-After all call `time.time()` through their module's `time`), and start
    every test with empty counters."""
    import flask_limiter._extension
    import limits.storage.memory
    import limits.strategies

    import views.limits

    clock = LimitClock(time.time())
    for module in (limits.storage.memory, limits.strategies, flask_limiter._extension, views.limits):
        monkeypatch.setattr(module, "time", clock)
    _reset_limits()
    yield clock
    _reset_limits()


def _reset_limits():
    from views.limits import limiter

    if limiter._storage is not None:  # no app made yet in this process: nothing counted
        limiter.reset()


def limited_app(data_dir, **limits):
    """An app with rate limiting on and the given limits (e.g. POST_RATE_LIMIT="2 per minute")."""
    return make_app(data_dir, RATELIMIT_ENABLED=True, **limits)
