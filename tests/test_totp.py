"""Two-factor sign-in: set up with a confirmed code, sign in in two steps, recovery codes once, turn off."""

import re
import time

import pyotp
import pytest

from tests.conftest import AuthActions, limited_app

PASSWORD = "correct horse"


def signed_in(client) -> bool:
    return client.get("/settings").status_code == 200


def enable(auth) -> tuple[str, list[str], str]:
    """Turn two-factor on for the signed-in member; returns (secret, recovery codes, the code used)."""
    page = auth.client.get("/settings/two-factor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret mono">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    code = pyotp.TOTP(secret).now()
    response = auth.post("/settings/two-factor", {"code": code})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    return secret, codes, code


def code_step(client, code, **headers):
    return client.post("/login/code", data={"code": code, "csrf_token": AuthActions(client).token()},
                       headers=headers)


@pytest.fixture
def ana(auth):
    auth.signup("ana", PASSWORD)
    return auth


def test_setup_shows_secret_and_qr_and_stores_nothing_until_confirmed(client, ana, db):
    page = client.get("/settings/two-factor").get_data(as_text=True)
    assert "<svg" in page and "Scan this QR code" in page and "totp-secret" in page
    assert "<script>" not in page  # inline SVG, no inline script (CSP)
    # The same secret until it is confirmed (a reload does not invalidate what the phone scanned).
    assert re.search(r'totp-secret mono">([^<]+)<', page).group(1) in client.get("/settings/two-factor").get_data(
        as_text=True)
    wrong = ana.post("/settings/two-factor", {"code": "000000"})
    assert wrong.status_code == 422 and "does not match" in wrong.get_data(as_text=True)
    assert db.execute("SELECT totp_secret FROM users").fetchone()[0] is None
    assert db.execute("SELECT count(*) FROM recovery_codes").fetchone()[0] == 0


def test_enable_gives_ten_recovery_codes_shown_once_stored_hashed(client, ana, db):
    secret, codes, _code = enable(ana)
    assert len(codes) == len(set(codes)) == 10
    assert db.execute("SELECT totp_secret FROM users").fetchone()[0] == secret
    stored = [row[0] for row in db.execute("SELECT code_hash FROM recovery_codes")]
    assert len(stored) == 10 and not set(codes) & set(stored)
    page = client.get("/settings/account").get_data(as_text=True)
    assert "10 unused recovery codes" in page and codes[0] not in page
    # Already on: the setup page sends the member back to the account page.
    assert client.get("/settings/two-factor").status_code == 303


def test_sign_in_asks_for_the_code_after_the_password(app, client, ana):
    secret, _codes, used = enable(ana)
    ana.logout()
    response = ana.login("ana", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/login/code"
    assert not signed_in(client)  # not signed in between the two steps
    assert "Enter your code" in client.get("/login/code").get_data(as_text=True)
    wrong = code_step(client, "123456")
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    # The code that confirmed the setup has been used: it cannot sign in again.
    assert code_step(client, used).status_code == 422
    fresh = pyotp.TOTP(secret).at(time.time() + 30)
    response = code_step(client, fresh)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in(client)
    # A copied code cannot be replayed within its window, on another browser.
    other = app.test_client()
    AuthActions(other).login("ana", PASSWORD)
    assert code_step(other, fresh).status_code == 422
    assert not signed_in(other)


def test_the_next_page_survives_the_code_step(client, ana):
    secret, _codes, _used = enable(ana)
    ana.logout()
    client.post("/login", data={"username": "ana", "password": PASSWORD, "next": "/studio",
                                "csrf_token": ana.token()})
    response = code_step(client, pyotp.TOTP(secret).at(time.time() + 30))
    assert response.headers["Location"] == "/studio"


def test_recovery_code_works_once(app, client, ana, db):
    _secret, codes, _used = enable(ana)
    ana.logout()
    ana.login("ana", PASSWORD)
    assert code_step(client, codes[3].upper().replace("-", " ")).status_code == 303  # typed loosely
    assert signed_in(client)
    other = app.test_client()
    AuthActions(other).login("ana", PASSWORD)
    assert code_step(other, codes[3]).status_code == 422
    assert db.execute("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL").fetchone()[0] == 9


def test_remember_me_is_kept_through_the_code_step(client, ana):
    secret, _codes, _used = enable(ana)
    ana.logout()
    client.post("/login", data={"username": "ana", "password": PASSWORD, "remember": "1", "csrf_token": ana.token()})
    assert client.get_cookie("remember_token") is None
    code_step(client, pyotp.TOTP(secret).at(time.time() + 30))
    assert client.get_cookie("remember_token") is not None


def test_json_sign_in_says_a_code_is_needed(client, ana):
    secret, _codes, _used = enable(ana)
    ana.logout()
    response = ana.client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": ana.token()},
                               headers={"Accept": "application/json"})
    assert response.status_code == 202 and response.get_json() == {"ok": False, "two_factor": True,
                                                                   "url": "/login/code"}
    wrong = code_step(client, "000000", Accept="application/json")
    assert wrong.status_code == 422 and "code" in wrong.get_json()["errors"]
    ok = code_step(client, pyotp.TOTP(secret).at(time.time() + 30), Accept="application/json")
    assert ok.get_json() == {"ok": True, "username": "ana"}


def test_the_pending_sign_in_lasts_five_minutes(client, ana):
    secret, _codes, _used = enable(ana)
    ana.logout()
    ana.login("ana", PASSWORD)
    with client.session_transaction() as session:
        pending = session["pending_login"]
        session["pending_login"] = {**pending, "at": pending["at"] - 301}
    response = code_step(client, pyotp.TOTP(secret).at(time.time() + 30))
    assert response.status_code == 401 and "timed out" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert client.get("/login/code").status_code == 401  # and it is gone


def test_code_step_without_a_password_first(client):
    assert client.get("/login/code").status_code == 401
    assert code_step(client, "123456").status_code == 401


def test_wrong_codes_count_against_the_per_account_limit(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_ACCOUNT_RATE_LIMIT="3 per 5 minutes", LOGIN_RATE_LIMIT="100 per minute")
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup("ana", PASSWORD)
    secret, _codes, _used = enable(auth)
    auth.logout()
    assert auth.login("ana", PASSWORD).status_code == 303  # 1
    assert code_step(client, "000000").status_code == 422  # 2
    assert code_step(client, "111111").status_code == 422  # 3
    response = code_step(client, pyotp.TOTP(secret).at(time.time() + 30))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert not signed_in(client)
    # The limit is the account's, from any address.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert AuthActions(other).login("ana", PASSWORD).status_code == 429


def test_disable_asks_for_password_and_code(client, ana, db):
    secret, codes, _used = enable(ana)
    wrong_password = ana.post("/settings/two-factor/disable", {"password": "wrong password", "code": codes[0]})
    assert wrong_password.status_code == 422 and "not your current password" in wrong_password.get_data(as_text=True)
    wrong_code = ana.post("/settings/two-factor/disable", {"password": PASSWORD, "code": "000000"}, json=True)
    assert wrong_code.status_code == 422 and "code" in wrong_code.get_json()["errors"]
    assert db.execute("SELECT totp_secret FROM users").fetchone()[0] == secret
    response = ana.post("/settings/two-factor/disable", {"password": PASSWORD,
                                                         "code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert response.status_code == 303
    assert "Two-factor sign-in is off" in client.get("/settings/account").get_data(as_text=True)
    assert db.execute("SELECT totp_secret FROM users").fetchone()[0] is None
    assert db.execute("SELECT count(*) FROM recovery_codes").fetchone()[0] == 0
    ana.logout()
    assert ana.login("ana", PASSWORD).headers["Location"] == "/"  # one step again


def test_new_recovery_codes_replace_the_old_ones(client, ana, db):
    _secret, old, _used = enable(ana)
    wrong = ana.post("/settings/two-factor/codes", {"password": "wrong password"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    response = ana.post("/settings/two-factor/codes", {"password": PASSWORD})
    assert response.status_code == 200 and "the old ones no longer work" in response.get_data(as_text=True)
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    ana.logout()
    ana.login("ana", PASSWORD)
    assert code_step(client, old[0]).status_code == 422
    assert code_step(client, new[0]).status_code == 303
