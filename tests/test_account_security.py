"""Account security: revocable sessions, remember me, password change, long passwords, 413, field
lengths, account deletion."""

import pytest

from models import users
from models.db import connect
from tests.conftest import AuthActions, make_app

JSON = {"Accept": "application/json"}
PASSWORD = "correct horse"


def signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def copy_cookie(source, target, name="session"):
    """What a thief does with a cookie: the same value in another browser."""
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value)


def second_browser(app, auth, name="ana"):
    """The same member signed in on another device (its own, separate sign-in)."""
    other = AuthActions(app.test_client())
    assert other.login(name, PASSWORD).status_code == 303
    return other


@pytest.fixture
def ana(auth):
    assert auth.signup("ana", PASSWORD).status_code == 303
    return auth


def test_copied_session_cookie_refused_after_logout(app, client, ana):
    thief = app.test_client()
    copy_cookie(client, thief)
    assert signed_in(thief)
    ana.logout()
    assert not signed_in(client)
    assert not signed_in(thief)


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, ana, db):
    thief = app.test_client()
    copy_cookie(client, thief)
    laptop = second_browser(app, ana)
    response = ana.post("/settings/password", {"current_password": PASSWORD, "new_password": "a new battery staple",
                                               "confirm_password": "a new battery staple"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings/account"
    assert "Every other session has been signed out" in client.get("/settings/account").get_data(as_text=True)
    assert signed_in(client)
    assert not signed_in(thief) and not signed_in(laptop.client)
    assert AuthActions(app.test_client()).login("ana", PASSWORD).status_code == 422
    assert AuthActions(app.test_client()).login("ana", "a new battery staple").status_code == 303


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"current_password": "wrong password"}, "current_password", "not your current password"),
    ({"current_password": ""}, "current_password", "Enter your current password"),
    ({"new_password": "short", "confirm_password": "short"}, "new_password", "at least 8"),
    ({"new_password": "x" * 257, "confirm_password": "x" * 257}, "new_password", "at most 256"),
    ({"confirm_password": "something else"}, "confirm_password", "not the same"),
])
def test_bad_password_change_is_422_and_changes_nothing(app, client, ana, db, fields, field, message):
    before = db.execute("SELECT password_hash, session_version FROM users WHERE username = 'ana'").fetchone()
    form = {"current_password": PASSWORD, "new_password": "a new battery staple",
            "confirm_password": "a new battery staple", **fields}
    response = ana.post("/settings/password", form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Your password was not changed" in page
    assert ana.post("/settings/password", form, json=True).get_json()["errors"][field].find(message) >= 0
    after = db.execute("SELECT password_hash, session_version FROM users WHERE username = 'ana'").fetchone()
    assert tuple(after) == tuple(before)
    assert signed_in(client)


def test_sign_out_everywhere_ends_every_session_this_one_too(app, client, ana):
    laptop = second_browser(app, ana)
    thief = app.test_client()
    copy_cookie(laptop.client, thief)
    assert signed_in(thief)
    response = ana.post("/settings/sign-out-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "signed out everywhere" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client) and not signed_in(laptop.client) and not signed_in(thief)
    assert second_browser(app, ana)  # and signing in again works


def test_remember_me_is_optional_httponly_and_revoked_by_sign_out_everywhere(app, ana):
    ana.logout()
    plain = app.test_client()
    AuthActions(plain).login("ana", PASSWORD)
    assert plain.get_cookie("remember_token") is None  # off unless asked for

    phone = app.test_client()
    response = phone.post("/login", data={"username": "ana", "password": PASSWORD, "remember": "1",
                                          "csrf_token": AuthActions(phone).token()})
    assert response.status_code == 303
    header = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header

    # The browser restarts: only the remember cookie is left, and it signs the member back in.
    restarted = app.test_client()
    copy_cookie(phone, restarted, "remember_token")
    assert signed_in(restarted)

    kept = app.test_client()
    copy_cookie(phone, kept, "remember_token")
    laptop = second_browser(app, ana)
    laptop.post("/settings/sign-out-everywhere")
    assert not signed_in(kept)
    assert not signed_in(phone)


def test_logout_clears_the_remember_cookie(app):
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup("ana")
    auth.logout()
    client.post("/login", data={"username": "ana", "password": PASSWORD, "remember": "1", "csrf_token": auth.token()})
    assert client.get_cookie("remember_token") is not None
    response = auth.logout()
    cleared = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "remember_token=;" in cleared and "Expires=Thu, 01 Jan 1970" in cleared
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_is_secure_behind_https(tmp_path):
    app = make_app(tmp_path / "d", PUBLIC_URL="https://easel.example")
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup("ana")
    auth.logout()
    response = client.post("/login", data={"username": "ana", "password": PASSWORD, "remember": "1",
                                           "csrf_token": auth.token()}, base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"})  # Flask-WTF checks it on https
    header = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "Secure" in header and "HttpOnly" in header


@pytest.fixture
def hashes(monkeypatch):
    """Count every password hash made or checked."""
    calls = []
    real_check, real_make = users.check_password_hash, users.generate_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda *a: calls.append("check") or real_check(*a))
    monkeypatch.setattr(users, "generate_password_hash", lambda *a: calls.append("make") or real_make(*a))
    return calls


def test_passwords_over_256_are_refused_before_any_hashing(client, ana, hashes, db):
    long = "x" * 257
    ana.logout()
    hashes.clear()
    response = ana.login("ana", long)
    assert response.status_code == 422 and "do not match" in response.get_data(as_text=True)
    response = ana.signup("budi", long)
    assert response.status_code == 422 and "too long" in response.get_data(as_text=True)
    assert ana.login("ana", "y" * 1_000_000).status_code == 422
    assert hashes == []
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    # 256 is fine.
    assert ana.signup("budi", "z" * 256).status_code == 303
    ana.logout()
    assert ana.login("budi", "z" * 256).status_code == 303


def test_login_errors_do_not_tell_whether_a_name_exists(client, ana, hashes):
    ana.logout()
    users._dummy_hash()  # made once per process, then cached
    hashes.clear()
    unknown = ana.login("nobody", PASSWORD)
    wrong = ana.login("ana", "wrong password")
    assert unknown.status_code == wrong.status_code == 422
    message = "That username and password do not match."
    assert message in unknown.get_data(as_text=True) and message in wrong.get_data(as_text=True)
    assert hashes == ["check", "check"]  # the same work either way


def test_suspended_member_told_only_after_the_right_password(app, client, ana, db):
    ana.logout()
    with db:
        db.execute("UPDATE users SET status = 'suspended' WHERE username = 'ana'")
    wrong = ana.login("ana", "wrong password")
    assert wrong.status_code == 422 and "suspended" not in wrong.get_data(as_text=True)
    right = ana.login("ana", PASSWORD)
    assert right.status_code == 403 and "suspended" in right.get_data(as_text=True)
    assert not signed_in(client)


def test_request_too_large_answers_a_friendly_413(client, ana):
    big = {"text": "x" * (10 * 1024 * 1024)}
    response = ana.post("/p/1/reply", big)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too large" in page and "9 MB" in page and 'class="topbar"' in page
    assert ana.post("/p/1/reply", big, json=True).get_json()["error"].startswith("That was more than 9 MB")
    notice = ana.post("/p/1/reply", big, htmx=True)
    assert notice.status_code == 413 and notice.headers["HX-Retarget"] == "#notices"


def test_account_page_has_every_section(client, ana):
    page = client.get("/settings/account").get_data(as_text=True)
    for text in ("Change password", "Two-factor sign-in", "Sign out everywhere", "Delete your account"):
        assert text in page
    assert page.count('name="csrf_token"') >= 3
    # The only admin cannot delete their account (nobody would be left to run the instance).
    assert "You are the only admin" in page
    assert 'href="/settings/account"' in client.get("/settings").get_data(as_text=True)


def test_account_pages_need_sign_in(client):
    for path in ("/settings/account", "/settings/two-factor"):
        assert client.get(path).status_code == 302
    for path in ("/settings/password", "/settings/sign-out-everywhere", "/settings/delete"):
        response = client.post(path, data={"csrf_token": AuthActions(client).token()})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def finished_generation(app, username, prompt="a quiet lake"):
    """A finished generation row (no worker needed to test the forms); returns its id."""
    import time

    conn = connect(app.config["DATABASE"])
    user_id = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()[0]
    with conn:
        generation_id = conn.execute(
            "INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, created_at)"
            " VALUES (?, ?, 1, 512, 512, 'flat', 'builtin', 'done', ?)", (user_id, prompt, time.time())).lastrowid
    conn.close()
    return generation_id


def stored_counts(db) -> tuple:
    return tuple(db.execute(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM generations), (SELECT count(*) FROM users),"
        " (SELECT group_concat(display_name || '|' || bio) FROM users)").fetchone())


@pytest.mark.parametrize(("path", "data", "field"), [
    ("/p/{post}/reply", {"text": "x" * 501}, "text"),
    ("/p/{post}/quote", {"text": "x" * 501}, "text"),
    ("/generations/{generation}/share", {"caption": "x" * 501}, "caption"),
    ("/generations/{generation}/share", {"alt": "x" * 1501}, "alt"),
    ("/settings", {"display_name": "x" * 51}, "display_name"),
    ("/settings", {"bio": "x" * 301}, "bio"),
    ("/generations", {"prompt": "x" * 1001}, "prompt"),
    ("/generations", {"prompt": "a cat", "negative_prompt": "x" * 1001}, "negative_prompt"),
    ("/settings/password", {"current_password": PASSWORD, "new_password": "x" * 257,
                            "confirm_password": "x" * 257}, "new_password"),
    ("/settings/password", {"current_password": "x" * 257}, "current_password"),
    ("/settings/two-factor", {"code": "1" * 65}, "code"),
    ("/settings/delete", {"password": "x" * 257}, "password"),
])
def test_every_form_refuses_over_long_fields_with_422_and_stores_nothing(app, client, ana, db, path, data, field):
    from models import posts

    generation_id = finished_generation(app, "ana")
    post_id = posts.share(db, db.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone(),
                          caption="hi", alt="", remix_policy="anyone", show_prompt=True)
    generation_id = finished_generation(app, "ana")
    url = path.format(post=post_id, generation=generation_id)
    before = stored_counts(db)
    response = ana.post(url, data)
    assert response.status_code == 422
    assert 'name="csrf_token"' in response.get_data(as_text=True)  # the form again, with its message
    response = ana.post(url, data, json=True)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert stored_counts(db) == before


@pytest.mark.parametrize(("username", "password"), [("a" * 31, PASSWORD), ("ana", "x" * 257), ("a" * 65, PASSWORD)])
def test_signup_and_login_refuse_over_long_fields(client, auth, db, username, password):
    assert auth.signup(username, password).status_code == 422
    assert auth.login(username, password).status_code == 422
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


# --- deleting one's account ---------------------------------------------------------------------

@pytest.fixture
def community(app, client, worker):
    """ana (admin) and budi, each with a shared picture; budi likes, reposts and replies to ana's,
    and they follow each other; ana likes budi's. Returns (ana's post, budi's post, budi's client)."""
    from tests.conftest import wait_for_status

    def share(auth, prompt):
        generation_id = auth.generate(prompt)
        wait_for_status(auth.client, generation_id)
        return auth.post(f"/generations/{generation_id}/share", {"caption": prompt}, json=True).get_json()["post_id"]

    ana = AuthActions(client)
    ana.signup("ana")
    ana_post = share(ana, "a red kite")
    budi = AuthActions(app.test_client())
    budi.signup("budi")
    budi_post = share(budi, "a green boat")
    for verb in ("like", "repost"):
        budi.post(f"/p/{ana_post}/{verb}", json=True)
    budi.post(f"/p/{ana_post}/reply", {"text": "lovely"}, json=True)
    budi.post("/u/ana/follow", json=True)
    ana.post("/u/budi/follow", json=True)
    ana.post(f"/p/{budi_post}/like", json=True)
    return ana_post, budi_post, budi


def test_delete_account_asks_for_the_password(app, db, community):
    ana_post, _budi_post, budi = community
    before = db.execute("SELECT like_count, reply_count, repost_count FROM posts WHERE id = ?", (ana_post,)).fetchone()
    response = budi.post("/settings/delete", {"password": "wrong password"})
    assert response.status_code == 422 and "not your current password" in response.get_data(as_text=True)
    assert budi.post("/settings/delete", {}, json=True).get_json()["errors"]["password"]
    assert db.execute("SELECT status FROM users WHERE username = 'budi'").fetchone()[0] == "active"
    after = db.execute("SELECT like_count, reply_count, repost_count FROM posts WHERE id = ?", (ana_post,)).fetchone()
    assert tuple(before) == tuple(after) == (1, 1, 1)


def test_delete_account_removes_content_and_keeps_counters_exact(app, db, community):
    from pathlib import Path

    ana_post, budi_post, budi = community
    budi_id = db.execute("SELECT id FROM users WHERE username = 'budi'").fetchone()[0]
    files = [row[0] for row in db.execute("SELECT name FROM media WHERE user_id = ?", (budi_id,))]
    media = Path(app.config["MEDIA_DIR"])
    assert files and all((media / name).exists() for name in files)
    thief = app.test_client()
    copy_cookie(budi.client, thief)

    response = budi.post("/settings/delete", {"password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "have been deleted" in budi.client.get("/").get_data(as_text=True)
    assert not signed_in(budi.client) and not signed_in(thief)

    counts = db.execute("SELECT like_count, reply_count, repost_count FROM posts WHERE id = ?", (ana_post,)).fetchone()
    assert tuple(counts) == (0, 0, 0)
    assert db.execute("SELECT status FROM users WHERE id = ?", (budi_id,)).fetchone()[0] == "deleted"
    assert db.execute("SELECT count(*) FROM posts WHERE user_id = ? AND deleted_at IS NULL",
                      (budi_id,)).fetchone()[0] == 0
    assert db.execute("SELECT deleted_at FROM posts WHERE id = ?", (budi_post,)).fetchone()[0] is not None
    for table, column in (("generations", "user_id"), ("media", "user_id"), ("likes", "user_id"),
                          ("follows", "follower_id"), ("follows", "followee_id")):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (budi_id,)).fetchone()[0] == 0
    assert not any((media / name).exists() for name in files)
    # budi's reply on ana's thread is a "deleted" placeholder; the name cannot sign in.
    assert db.execute("SELECT count(*) FROM posts WHERE reply_to = ? AND deleted_at IS NOT NULL",
                      (ana_post,)).fetchone()[0] == 1
    response = AuthActions(app.test_client()).login("budi", PASSWORD)
    assert response.status_code == 422 and "do not match" in response.get_data(as_text=True)
