"""Which language a page is in: the member's setting, the switcher's cookie, Accept-Language, the instance
default; the switcher and the settings form; relative times and counts in each language."""

from __future__ import annotations

import re
import time

import pytest

from models import instance
from tests.conftest import AuthActions, csrf_token
from tests.registration_helpers import community as make_community


@pytest.fixture
def env(tmp_path):
    with make_community(tmp_path, "open") as env:
        yield env


def lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("header, expected", [
    ("id-ID,id;q=0.9,en;q=0.8", "id"),
    ("id", "id"),
    ("en-GB,en;q=0.9", "en"),
    ("fr-FR,fr;q=0.9,id;q=0.5", "id"),
    ("de-DE", "en"),
    ("", "en"),
])
def test_accept_language_picks_the_language(env, header, expected):
    response = env.visitor().client.get("/about", headers={"Accept-Language": header} if header else {})
    assert lang(response) == expected


def test_indonesian_pages_speak_indonesian(env):
    page = env.visitor().client.get("/login", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Nama pengguna" in page and "Kata sandi" in page and ">Masuk<" in page
    assert "Username" not in page


def test_instance_default_for_browsers_asking_for_nothing_we_speak(env):
    instance.save(env.db, {"default_locale": "id"})
    visitor = env.visitor().client
    assert lang(visitor.get("/about", headers={"Accept-Language": "de-DE"})) == "id"
    assert lang(visitor.get("/about", headers={"Accept-Language": "en"})) == "en"


def test_switcher_sets_a_cookie_and_goes_back(env):
    visitor = env.visitor()
    page = visitor.client.get("/explore", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'action="/language"' in page and 'value="id"' in page and "Bahasa Indonesia" in page
    response = visitor.client.post("/language", data={"locale": "id", "csrf_token": visitor.token()},
                                   headers={"Referer": "http://localhost/explore"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/explore")
    assert "locale=id" in response.headers["Set-Cookie"]
    assert lang(visitor.client.get("/explore", headers={"Accept-Language": "en"})) == "id"


def test_switcher_never_sends_people_elsewhere(env):
    visitor = env.visitor()
    response = visitor.client.post("/language", data={"locale": "id", "csrf_token": visitor.token()},
                                   headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == "/"


def test_switcher_ignores_languages_we_do_not_have(env):
    visitor = env.visitor()
    visitor.client.post("/language", data={"locale": "id", "csrf_token": visitor.token()})
    response = visitor.client.post("/language", data={"locale": "xx", "csrf_token": visitor.token()})
    assert response.status_code == 303
    assert lang(visitor.client.get("/about", headers={"Accept-Language": "en"})) == "en"  # back to the browser's


def test_switcher_needs_csrf(env):
    assert env.visitor().client.post("/language", data={"locale": "id"}).status_code == 400


def test_member_setting_wins_and_is_stored(env):
    ana = env.member("ana")
    assert lang(ana.client.get("/", headers={"Accept-Language": "en"})) == "en"
    page = ana.client.get("/settings").get_data(as_text=True)
    assert 'name="locale"' in page and "Same as my browser" in page
    assert ana.post("/language", {"locale": "id"}).status_code == 303
    assert env.user("ana")["locale"] == "id"
    other_device = AuthActions(env.app.test_client())
    other_device.login("ana", "correct horse")
    assert lang(other_device.client.get("/", headers={"Accept-Language": "en"})) == "id"
    assert ana.post("/language", {"locale": ""}).status_code == 303  # follow the browser again
    assert env.user("ana")["locale"] is None
    assert lang(other_device.client.get("/", headers={"Accept-Language": "en"})) == "en"


def test_signed_in_footer_has_no_switcher(env):
    ana = env.member("ana")
    assert 'action="/language"' not in ana.client.get("/explore").get_data(as_text=True)


def test_admin_sets_the_default_language(env):
    page = env.admin.client.get("/admin/settings").get_data(as_text=True)
    assert 'name="default_locale"' in page
    form = {"name": "Easel", "registration_mode": "open", "generations_per_hour": "30", "queue_cap": "5",
            "default_locale": "id"}
    assert env.admin.post("/admin/settings", form).status_code == 303
    assert instance.get(env.db, "default_locale") == "id"
    response = env.admin.post("/admin/settings", {**form, "default_locale": "xx"})
    # The admin's browser asks for no language: the page is now in the default, Indonesian.
    assert response.status_code == 422 and "Pilih salah satu bahasa yang tersedia." in response.get_data(as_text=True)
    assert instance.get(env.db, "default_locale") == "id"


def test_cards_are_cached_per_language(env):
    from tests.sharing_helpers import picture_post

    picture_post(env.app, env.db, "root", caption="Senja")
    visitor = env.visitor().client
    english = visitor.get("/latest", headers={"Accept-Language": "en"}).get_data(as_text=True)
    indonesian = visitor.get("/latest", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Repost" in english and "Posting ulang" in indonesian and "Repost" not in indonesian


def test_flash_and_form_errors_in_indonesian(env):
    visitor = env.visitor()
    response = visitor.client.post("/login", data={"username": "root", "password": "wrong password",
                                                   "csrf_token": csrf_token(visitor.client)},
                                   headers={"Accept-Language": "id"})
    assert "Nama pengguna dan kata sandi itu tidak cocok." in response.get_data(as_text=True)


def test_error_pages_in_indonesian(env):
    page = env.visitor().client.get("/p/999999", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Tidak ditemukan" in page


@pytest.mark.parametrize("age, english, indonesian", [
    (5, "now", "baru saja"),
    (5 * 60 + 3, "5m", "5 menit lalu"),
    (3 * 3600 + 9, "3h", "3 jam lalu"),
    (2 * 86400 + 9, "2d", "2 hari lalu"),
])
def test_relative_times(env, age, english, indonesian):
    from views.helpers import reltime

    for accept, expected in (("en", english), ("id", indonesian)):
        with env.app.test_request_context("/", headers={"Accept-Language": accept}):
            assert reltime(time.time() - age) == expected


def test_old_dates_use_the_language_month_names(env):
    import datetime as dt

    from views.helpers import reltime

    august = dt.datetime(2025, 8, 6, 12, tzinfo=dt.timezone.utc).timestamp()
    for accept, expected in (("en", "06 Aug 2025"), ("id", "06 Agu 2025")):
        with env.app.test_request_context("/", headers={"Accept-Language": accept}):
            assert reltime(august) == expected


@pytest.mark.parametrize("n, english, indonesian", [
    (7, "7", "7"), (999, "999", "999"), (1000, "1K", "1 rb"), (1234, "1.2K", "1,2 rb"),
    (123_456, "123.5K", "123,5 rb"), (2_500_000, "2.5M", "2,5 jt"),
])
def test_counts(env, n, english, indonesian):
    from views.helpers import format_count

    for accept, expected in (("en", english), ("id", indonesian)):
        with env.app.test_request_context("/", headers={"Accept-Language": accept}):
            assert format_count(n).replace("\xa0", " ") == expected


def test_the_worker_and_cli_speak_the_default(env):
    """Outside a request (the worker, CLI commands) there is no reader: English, and no crash."""
    from flask_babel import gettext

    with env.app.app_context():
        assert gettext("Likes") == "Likes"


@pytest.mark.parametrize("n, english, indonesian", [
    (300, "1 KB", "1 KB"), (380_000, "371 KB", "371 KB"), (1_572_864, "1.5 MB", "1,5 MB"),
    (5 * 1024 ** 3, "5.00 GB", "5,00 GB"),
])
def test_file_sizes(env, n, english, indonesian):
    from views.i18n import file_size

    for accept, expected in (("en", english), ("id", indonesian)):
        with env.app.test_request_context("/", headers={"Accept-Language": accept}):
            assert file_size(n) == expected


def test_full_dates(env):
    import datetime as dt

    from views.i18n import when

    moment = dt.datetime(2026, 8, 17, 14, 5, tzinfo=dt.timezone.utc).timestamp()
    for accept, expected in (("en", "Aug 17, 2026 2:05\u202fPM UTC"), ("id", "17 Agu 2026 14.05 UTC")):
        with env.app.test_request_context("/", headers={"Accept-Language": accept}):
            assert when(moment).replace("\xa0", " ") == expected.replace("\xa0", " ")


def test_generation_server_form_errors_in_indonesian(env):
    response = env.admin.post("/admin/backends/automatic1111", {"url": "ftp://gpu.lan", "steps": "999"},
                              headers={"Accept-Language": "id"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Gunakan alamat http:// atau https://" in page and "Langkah adalah bilangan bulat dari 1 sampai 150." in page


def test_pages_tell_caches_they_vary_by_language(env):
    response = env.visitor().client.get("/explore")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
