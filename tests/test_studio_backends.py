"""Members choose among the enabled servers in the studio; the job runs there, end to end to a post."""

from __future__ import annotations

import time

import pytest

from models import backends, generations
from tests.conftest import AuthActions, wait_for_status
from tests.fake_servers import FakeA1111, FakeHorde, FakeOpenAI


@pytest.fixture
def a1111():
    server = FakeA1111(auth="easel:s3cret-pass", steps=4, step_time=0.3)
    yield server
    server.close()


def enable(db, kind, url, **values):
    backends.save(db, kind, {"enabled": 1, "url": url, "model": "dreamy-v1", "secret": "easel:s3cret-pass",
                             "timeout": 30, "steps": 5, **values})


@pytest.fixture
def member(client):
    AuthActions(client).signup("ana")  # admin
    AuthActions(client).logout()
    actions = AuthActions(client)
    actions.signup("bob")
    return actions


def test_no_choice_is_shown_while_only_the_builtin_exists(member, client):
    page = client.get("/studio").get_data(as_text=True)
    assert 'name="backend"' not in page


def test_enabled_servers_are_offered_with_their_state_and_nothing_secret(member, client, db, a1111):
    enable(db, "automatic1111", a1111.url)
    enable(db, "openai", "http://127.0.0.1:9", model="sd-turbo")
    backends.set_health(db, "openai", False, "connection refused")
    page = client.get("/studio").get_data(as_text=True)
    assert 'name="backend"' in page
    assert "AUTOMATIC1111 · dreamy-v1" in page and "OpenAI-compatible · sd-turbo · down" in page
    assert a1111.url not in page and "s3cret" not in page and "127.0.0.1:9" not in page


def test_the_admins_default_is_preselected(member, client, db, a1111):
    enable(db, "automatic1111", a1111.url)
    backends.set_default(db, "automatic1111")
    page = client.get("/studio").get_data(as_text=True)
    assert '<option value="automatic1111" selected>' in page


@pytest.mark.parametrize("choice, size, field", [
    ("dalle9", "512x512", "backend"),
    ("comfyui", "512x512", "backend"),  # not enabled
    ("automatic1111", "512x768", "size"),  # not allowed on that server
])
def test_the_server_checks_the_choice(member, db, a1111, choice, size, field):
    enable(db, "automatic1111", a1111.url, sizes="512x512,768x512")
    response = member.post("/generations", {"prompt": "a lighthouse", "backend": choice, "size": size}, json=True)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.execute("SELECT count(*) FROM generations").fetchone()[0] == 0


def test_studio_to_server_to_stored_image_to_shared_post(member, client, db, worker, a1111):
    enable(db, "automatic1111", a1111.url)
    generation_id = member.generate("a lighthouse at dusk", backend="automatic1111", seed="77", count="2")
    seen = []
    while True:
        body = client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).get_json()
        seen.append(body["progress"])
        if body["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert body["status"] == "done" and len(body["images"]) == 2
    assert any(0 < p < 1 for p in seen)
    sent = a1111.seen("/sdapi/v1/txt2img")[0].body
    assert (sent["prompt"], sent["seed"], sent["batch_size"]) == ("a lighthouse at dusk", 77, 2)
    job = generations.get(db, generation_id)
    assert job["backend"] == "automatic1111" and generations.info(job)["seed_reported"] == 77
    card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "automatic1111 · dreamy-v1" in card
    image = client.get(body["images"][0])
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    post_id = member.post(f"/generations/{generation_id}/share", {"caption": "from the GPU box"},
                          json=True).get_json()["post_id"]
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "automatic1111" in page and "dreamy-v1" in page


def test_openai_jobs_show_an_indeterminate_bar_with_elapsed_time(member, client, db, worker):
    with FakeOpenAI(delay=1.5) as fake:
        enable(db, "openai", fake.url, secret="")
        generation_id = member.generate("a lighthouse", backend="openai")
        wait_for_status(client, generation_id, statuses=("running",))
        card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "s so far" in card and '<progress aria-label="Progress"></progress>' in card
        assert wait_for_status(client, generation_id)["images"]


def test_a_horde_job_shows_its_place_in_the_horde_queue(member, client, db, worker, monkeypatch):
    from imagegen.horde import HordeBackend

    monkeypatch.setattr(HordeBackend, "default_poll", 0.05)
    with FakeHorde(checks_needed=10_000) as fake:
        fake.fail_with("/api/v2/generate/check/", 200, {"done": False, "faulted": False, "processing": 0,
                                                         "waiting": 1, "queue_position": 4, "wait_time": 30,
                                                         "is_possible": True})
        enable(db, "horde", fake.url, secret="")
        generation_id = member.generate("a lighthouse", backend="horde")
        deadline = time.monotonic() + 10
        while "Number 4 in the AI Horde queue, about 30 s" not in (card := client.get(
                f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)):
            assert time.monotonic() < deadline, card
            time.sleep(0.05)
        member.post(f"/generations/{generation_id}/cancel", json=True)
        assert fake.deleted.wait(5)
