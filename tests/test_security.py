"""The security baseline: headers, cookies, CSRF, error pages."""

from tests.conftest import make_app


def test_security_headers_on_every_page(client):
    for path in ("/", "/login", "/about", "/p/999"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_no_inline_script_in_pages(client, auth):
    auth.signup()
    for path in ("/", "/studio", "/latest", "/about"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " onclick=" not in page
        assert '<meta name="csrf-token"' in page and "hx-headers" in page


def test_session_cookie_flags(client, auth):
    response = auth.signup()
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session


def test_secure_cookie_behind_https(tmp_path):
    from tests.conftest import AuthActions

    app = make_app(tmp_path / "d", PUBLIC_URL="https://easel.example")
    response = AuthActions(app.test_client()).signup()
    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in session


def test_secret_key_is_generated_once_into_data_folder(tmp_path):
    first = make_app(tmp_path / "d")
    second = make_app(tmp_path / "d")
    other = make_app(tmp_path / "e")
    key_file = tmp_path / "d" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.secret_key == second.secret_key != other.secret_key
    assert len(first.secret_key) >= 32


def test_server_error_page_has_no_traceback(tmp_path):
    app = make_app(tmp_path / "d")
    app.config["TESTING"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "secret internals" not in page and "Traceback" not in page


def test_healthz_and_robots(client):
    assert client.get("/healthz").get_json()["ok"] is True
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain" and "Disallow: /studio" in robots.get_data(as_text=True)


def test_about_names_the_admin(client, auth):
    auth.signup("ana")
    page = client.get("/about").get_data(as_text=True)
    assert "@ana" in page and "1 member" in page


def test_wal_and_schema_version(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
