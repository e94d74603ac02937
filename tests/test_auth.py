"""Sign up, log in, log out: the happy path, every bad input, and what gets stored."""

import pytest

from models import users


def count_users(db):
    return db.execute("SELECT count(*) FROM users").fetchone()[0]


def test_first_signup_becomes_admin_and_is_told(client, auth, db):
    page = client.get("/signup").get_data(as_text=True)
    assert "becomes the instance admin" in page
    response = auth.signup("ana", "correct horse")
    assert response.status_code == 303
    assert response.headers["Location"] == "/studio"
    assert [tuple(r) for r in db.execute("SELECT username, role FROM users")] == [("ana", "admin")]
    auth.logout()
    assert "becomes the instance admin" not in client.get("/signup").get_data(as_text=True)
    auth.signup("budi", "correct horse")
    assert db.execute("SELECT role FROM users WHERE username = 'budi'").fetchone()[0] == "member"


def test_password_is_hashed(auth, db):
    auth.signup("ana", "correct horse")
    stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("a", "correct horse", "username", "2–30 characters"),
        ("ana!", "correct horse", "username", "2–30 characters"),
        ("x" * 31, "correct horse", "username", "2–30 characters"),
        ("", "correct horse", "username", "2–30 characters"),
        ("ana", "short", "password", "at least 8 characters"),
        ("ana", "", "password", "at least 8 characters"),
    ],
)
def test_bad_signup_is_422_with_message_and_stores_nothing(client, auth, db, username, password, field, message):
    response = auth.signup(username, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="e-{field}"' in page and message in page
    assert count_users(db) == 0


def test_username_is_case_insensitive_unique(client, auth, db):
    auth.signup("ana", "correct horse")
    auth.logout()
    response = auth.signup("ANA", "another pass")
    assert response.status_code == 422
    assert "That username is taken" in response.get_data(as_text=True)
    assert count_users(db) == 1


def test_uppercase_username_is_stored_lowercase(auth, db):
    assert auth.signup("Ana_99", "correct horse").status_code == 303
    assert db.execute("SELECT username FROM users").fetchone()[0] == "ana_99"


def test_login_logout(client, auth):
    auth.signup()
    auth.logout()
    assert client.get("/studio").status_code == 302
    response = auth.login("ANA", "correct horse")
    assert response.status_code == 303
    assert client.get("/studio").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/studio").status_code == 302


@pytest.mark.parametrize(("username", "password"), [("ana", "wrong password"), ("nobody", "correct horse")])
def test_wrong_login_is_422_with_message(client, auth, username, password):
    auth.signup()
    auth.logout()
    response = auth.login(username, password)
    assert response.status_code == 422
    assert "That username and password do not match" in response.get_data(as_text=True)
    assert client.get("/studio").status_code == 302


def test_logout_is_post_only(client, auth):
    auth.signup()
    assert client.get("/logout").status_code == 405
    assert client.get("/studio").status_code == 200


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/studio", "/studio"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_goes_to_local_paths(client, auth, target, expected):
    auth.signup()
    auth.logout()
    response = client.post(
        "/login", data={"username": "ana", "password": "correct horse", "next": target, "csrf_token": auth.token()}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_signed_out_studio_redirects_to_login_with_next(client):
    response = client.get("/studio")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/studio")


def test_login_rate_limit_answers_429_with_retry_after(tmp_path):
    from tests.conftest import AuthActions, make_app
    from views.limits import limiter

    app = make_app(tmp_path / "rl", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    auth = AuthActions(app.test_client())
    codes = [auth.login("ana", "wrong password").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    response = auth.login("ana", "wrong password")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    limiter.reset()


def test_user_model_rejects_duplicate(db, app):
    users.create_user(db, "ana", "correct horse")
    with pytest.raises(users.UsernameTaken):
        users.create_user(db, "ANA", "correct horse")
