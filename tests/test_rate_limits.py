"""Rate limits: at the limit allowed, past it 429 with Retry-After, after the window allowed again.

Time is the `limit_clock` fixture (tests/conftest.py): the limiter's clock, moved by hand.
"""

import time

import pytest
from flask_login import login_required

from tests.conftest import AuthActions, limited_app
from views.limits import report_limit

JSON = {"Accept": "application/json"}


def client_at(app, address="127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, username, password="wrong password", **headers):
    auth = AuthActions(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": auth.token()},
                       headers=headers)


def assert_limited(response, window):
    assert response.status_code == 429
    assert window - 1 <= int(response.headers["Retry-After"]) <= window + 1


@pytest.fixture
def member_app(tmp_path, limit_clock):
    """An app with two members, ana and budi, and the given limits on (via the `limits` marker)."""
    def build(**limits):
        app = limited_app(tmp_path / "data", SIGNUP_RATE_LIMIT="100 per minute", **limits)
        for name in ("ana", "budi"):
            AuthActions(app.test_client()).signup(name)
        return app
    return build


def test_login_per_ip_at_over_and_after_the_window(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_RATE_LIMIT="3 per 5 minutes", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    client = client_at(app)
    # Different names from one address: the per-IP limit counts them all.
    assert [login(client, name).status_code for name in ("ana", "budi", "cleo")] == [422, 422, 422]
    response = login(client, "dara")
    assert_limited(response, 300)
    page = response.get_data(as_text=True)
    assert "Slow down" in page and "5 minutes" in page and 'name="csrf-token"' in page  # the site's own page
    assert login(client_at(app, "10.0.0.9"), "dara").status_code == 422  # another address is not held back
    limit_clock.advance(299)
    assert login(client, "dara").status_code == 429
    limit_clock.advance(2)
    assert login(client, "dara").status_code == 422


def test_login_per_account_name_from_any_address(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per 5 minutes")
    AuthActions(client_at(app, "10.0.0.1")).signup("ana")
    assert login(client_at(app, "10.0.0.2"), "ana").status_code == 422
    assert login(client_at(app, "10.0.0.3"), " ANA ").status_code == 422  # the same name, however it is typed
    # Over the limit even the right password waits: guessing cannot continue from new addresses.
    assert_limited(login(client_at(app, "10.0.0.4"), "ana", "correct horse"), 300)
    assert login(client_at(app, "10.0.0.4"), "budi").status_code == 422  # other names are not held back
    limit_clock.advance(301)
    assert login(client_at(app, "10.0.0.4"), "ana", "correct horse").status_code == 303


def test_login_limit_answers_json_to_scripts(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_RATE_LIMIT="1 per minute")
    client = client_at(app)
    assert login(client, "ana", **JSON).status_code == 422
    response = login(client, "ana", **JSON)
    assert_limited(response, 60)
    assert "too often" in response.get_json()["error"]


def test_signup_per_ip(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", SIGNUP_RATE_LIMIT="2 per hour")
    codes = [AuthActions(client_at(app)).signup(name).status_code for name in ("ana", "budi")]
    assert codes == [303, 303]
    response = AuthActions(client_at(app)).signup("cleo")
    assert_limited(response, 3600)
    limit_clock.advance(3601)
    assert AuthActions(client_at(app)).signup("cleo").status_code == 303


def test_loopback_is_not_exempt(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_RATE_LIMIT="1 per minute")
    for address in ("127.0.0.1", "::1"):
        client = client_at(app, address)
        assert login(client, "ana").status_code == 422
        assert login(client, "ana").status_code == 429


def done_generation(app, username, prompt="a quiet lake"):
    """A finished generation (no worker: the limits are what is tested); returns its id."""
    from models.db import connect

    conn = connect(app.config["DATABASE"])
    user_id = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()[0]
    with conn:
        generation_id = conn.execute(
            "INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, created_at)"
            " VALUES (?, ?, 1, 512, 512, 'flat', 'builtin', 'done', ?)", (user_id, prompt, time.time())).lastrowid
    conn.close()
    return generation_id


def a_post(app):
    """A post by budi, to reply to and quote."""
    from models import posts
    from models.db import connect

    generation_id = done_generation(app, "budi")
    conn = connect(app.config["DATABASE"])
    generation = conn.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    post_id = posts.share(conn, generation, caption="hello", alt="", remix_policy="anyone", show_prompt=True)
    conn.close()
    return post_id


def test_sharing_replies_and_quotes_share_one_per_member_limit(member_app, limit_clock):
    app = member_app(POST_RATE_LIMIT="3 per 10 minutes")
    post_id = a_post(app)
    generation_id = done_generation(app, "ana")
    ana = AuthActions(app.test_client())
    ana.login("ana", "correct horse")
    assert ana.post(f"/generations/{generation_id}/share", {"caption": "mine"}, json=True).status_code == 201
    assert ana.post(f"/p/{post_id}/reply", {"text": "one"}, json=True).status_code == 201
    assert ana.post(f"/p/{post_id}/quote", {"text": "two"}, json=True).status_code == 201
    response = ana.post(f"/p/{post_id}/reply", {"text": "four"}, json=True)
    assert_limited(response, 600)
    assert "too often" in response.get_json()["error"]
    # Counted per member, not per address: budi, on the same address, still posts.
    budi = AuthActions(app.test_client())
    budi.login("budi", "correct horse")
    assert budi.post(f"/p/{post_id}/reply", {"text": "mine"}, json=True).status_code == 201
    limit_clock.advance(601)
    assert ana.post(f"/p/{post_id}/reply", {"text": "four"}, json=True).status_code == 201


def test_refused_reply_stores_nothing_and_htmx_gets_a_notice(member_app, limit_clock):
    app = member_app(POST_RATE_LIMIT="1 per minute")
    post_id = a_post(app)
    ana = AuthActions(app.test_client())
    ana.login("ana", "correct horse")
    assert ana.post(f"/p/{post_id}/reply", {"text": "one"}, htmx=True).status_code == 201
    response = ana.post(f"/p/{post_id}/reply", {"text": "two"}, htmx=True)
    assert response.status_code == 429 and response.headers["Retry-After"]
    # The form stays as it was; the notice goes to the page's notice area.
    assert response.headers["HX-Retarget"] == "#notices"
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and "<html" not in body and "Please wait" in body
    from models.db import connect

    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM posts WHERE reply_to = ?", (post_id,)).fetchone()[0] == 1
    assert conn.execute("SELECT reply_count FROM posts WHERE id = ?", (post_id,)).fetchone()[0] == 1
    conn.close()


def test_generation_requests_per_member(member_app, limit_clock):
    app = member_app(GENERATION_RATE_LIMIT="2 per minute", QUEUE_CAP=50, GENERATIONS_PER_HOUR=500)
    ana = AuthActions(app.test_client())
    ana.login("ana", "correct horse")
    for _ in range(2):
        assert ana.post("/generations", {"prompt": "a lighthouse"}, json=True).status_code == 201
    response = ana.post("/generations", {"prompt": "a lighthouse"}, json=True)
    assert_limited(response, 60)
    page = ana.post("/generations", {"prompt": "a lighthouse"})
    assert page.status_code == 429 and "Slow down" in page.get_data(as_text=True)
    from models.db import connect

    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM generations").fetchone()[0] == 2
    conn.close()
    limit_clock.advance(61)
    assert ana.post("/generations", {"prompt": "a lighthouse"}, json=True).status_code == 201
    app.extensions["easel_worker"].stop()


def test_report_limit_is_per_member_and_configurable(tmp_path, limit_clock):
    """REPORT_RATE_LIMIT, as views.limits.report_limit applies it to any route that wears it."""
    app = limited_app(tmp_path / "d", REPORT_RATE_LIMIT="2 per hour")

    @login_required
    @report_limit
    def fake_report():
        return {"ok": True}, 201

    app.add_url_rule("/test-report", "fake_report", fake_report, methods=["POST"])
    ana = AuthActions(app.test_client())
    ana.signup("ana")
    assert [ana.post("/test-report", json=True).status_code for _ in range(2)] == [201, 201]
    assert_limited(ana.post("/test-report", json=True), 3600)
    limit_clock.advance(3601)
    assert ana.post("/test-report", json=True).status_code == 201


def test_limits_come_from_the_environment(tmp_path, monkeypatch, limit_clock):
    from tests.conftest import make_app

    monkeypatch.setenv("EASEL_LOGIN_ACCOUNT_RATE_LIMIT", "1 per 2 minutes")
    app = make_app(tmp_path / "d", RATELIMIT_ENABLED=True)
    assert app.config["LOGIN_ACCOUNT_RATE_LIMIT"] == "1 per 2 minutes"
    assert login(client_at(app), "ana").status_code == 422
    assert_limited(login(client_at(app, "10.1.1.1"), "ana"), 120)
