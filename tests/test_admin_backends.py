"""The admin page for generation servers: who may see it, saving, secrets, test connection, default."""

from __future__ import annotations

import logging

import pytest

from models import backends
from tests.conftest import AuthActions
from tests.fake_servers import FakeA1111

FORM = {"enabled": "1", "url": "", "secret": "", "model": "dreamy-v1", "timeout": "60", "steps": "20",
        "sizes": ["512x512", "768x512"]}


@pytest.fixture
def admin(client):
    actions = AuthActions(client)
    actions.signup("ana")  # the first account is the admin
    return actions


@pytest.fixture
def fake():
    server = FakeA1111(auth="easel:s3cret-pass")
    yield server
    server.close()


def test_signed_out_visitors_go_to_login_and_members_are_refused(app):
    client = app.test_client()
    response = client.get("/admin/backends")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    AuthActions(client).signup("ana")
    AuthActions(client).logout()
    member = AuthActions(client)
    member.signup("bob")
    assert client.get("/admin/backends").status_code == 403
    assert member.post("/admin/backends/automatic1111", {**FORM, "url": "http://127.0.0.1:1"}).status_code == 403
    assert member.post("/admin/backends/automatic1111/test", FORM).status_code == 403
    assert member.post("/admin/backends/default", {"kind": "builtin"}).status_code == 403


def test_admin_saves_a_server_and_the_secret_is_never_shown_back(admin, client, db, fake, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.get("/admin/backends").get_data(as_text=True)
    for label in ("AUTOMATIC1111", "ComfyUI", "OpenAI-compatible", "AI Horde", "Test connection"):
        assert label in page
    response = admin.post("/admin/backends/automatic1111", {**FORM, "url": fake.url, "secret": "easel:s3cret-pass"})
    assert response.status_code == 303
    row = backends.get(db, "automatic1111")
    assert (row["enabled"], row["url"], row["secret"], row["model"], row["sizes"]) == (
        1, fake.url, "easel:s3cret-pass", "dreamy-v1", "512x512,768x512")
    page = client.get("/admin/backends").get_data(as_text=True)
    assert "s3cret" not in page and "••••pass" in page
    # A blank secret keeps the stored one; the checkbox clears it.
    admin.post("/admin/backends/automatic1111", {**FORM, "url": fake.url})
    assert backends.get(db, "automatic1111")["secret"] == "easel:s3cret-pass"
    admin.post("/admin/backends/automatic1111", {**FORM, "url": fake.url, "clear_secret": "1"})
    assert backends.get(db, "automatic1111")["secret"] == ""
    assert "s3cret" not in caplog.text


@pytest.mark.parametrize("field, value, words", [
    ("url", "ftp://example.com/", "http:// or https://"),
    ("url", "file:///etc/passwd", "http:// or https://"),
    ("url", "http://user:pw@example.com", "credentials field"),
    ("timeout", "0", "seconds"),
    ("steps", "abc", "Steps"),
    ("sizes", [], "at least one"),
    ("url", "http://example.com/" + "a" * 2000, "under 2000 characters"),
    ("secret", "k" * 4097, "under 4096 characters"),
])
def test_bad_settings_are_refused_and_nothing_changes(admin, db, field, value, words):
    response = admin.post("/admin/backends/automatic1111", {**FORM, "url": "http://127.0.0.1:7860", field: value},
                         htmx=True)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert backends.get(db, "automatic1111") is None


def test_a_bad_comfyui_workflow_is_explained(admin, db):
    response = admin.post("/admin/backends/comfyui", {**FORM, "url": "http://127.0.0.1:8188", "workflow": "{nope"},
                          htmx=True)
    assert response.status_code == 422 and "not valid JSON" in response.get_data(as_text=True)


def test_unknown_kind_is_404(admin):
    assert admin.post("/admin/backends/dalle9", FORM).status_code == 404


def test_test_connection_makes_a_real_call_and_shows_the_result(admin, db, fake):
    response = admin.post("/admin/backends/automatic1111/test",
                          {**FORM, "url": fake.url, "secret": "easel:s3cret-pass"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-test-result="ok"' in body
    assert "Connected: 1 model(s): dreamy-v1.safetensors [abc123]" in body
    assert fake.seen("/sdapi/v1/sd-models")[0].headers["authorization"].startswith("Basic ")
    assert backends.get(db, "automatic1111")["health"] == "up"
    response = admin.post("/admin/backends/automatic1111/test", {**FORM, "url": fake.url, "secret": "easel:bad"},
                          htmx=True)
    body = response.get_data(as_text=True)
    assert 'data-test-result="failed"' in body and "credentials" in body
    assert backends.get(db, "automatic1111")["health"] == "down"


def test_default_server_must_be_enabled(admin, db):
    admin.post("/admin/backends/automatic1111", {**FORM, "url": "http://127.0.0.1:7860"})
    assert admin.post("/admin/backends/default", {"kind": "comfyui"}).status_code == 422
    assert admin.post("/admin/backends/default", {"kind": "automatic1111"}).status_code == 303
    assert backends.default_kind(db) == "automatic1111"
    admin.post("/admin/backends/default", {"kind": "builtin"})
    assert backends.default_kind(db) is None


def test_servers_can_be_set_by_environment(tmp_path, monkeypatch):
    from tests.conftest import make_app

    monkeypatch.setenv("EASEL_BACKENDS", '{"horde": {"secret": "horde-key-1234", "default": true},'
                                         ' "automatic1111": {"url": "http://gpu.lan:7860", "enabled": false}}')
    app = make_app(tmp_path / "data")
    from models.db import connect

    conn = connect(app.config["DATABASE"])
    try:
        horde = backends.get(conn, "horde")
        assert (horde["enabled"], horde["url"], horde["secret"]) == (1, "https://aihorde.net", "horde-key-1234")
        assert backends.get(conn, "automatic1111")["enabled"] == 0
        assert backends.default_kind(conn) == "horde"
    finally:
        conn.close()
        app.extensions["easel_worker"].stop()


def test_wrong_environment_settings_stop_the_start(tmp_path, monkeypatch):
    from tests.conftest import make_app

    monkeypatch.setenv("EASEL_BACKENDS", '{"automatic1111": {"url": "gopher://x"}}')
    with pytest.raises(ValueError, match="automatic1111"):
        make_app(tmp_path / "data")
