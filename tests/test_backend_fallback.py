"""An admin may let a server that is down hand its jobs to Easel's own illustrator."""

from __future__ import annotations

import pytest

from models import backends, generations
from tests.conftest import AuthActions, wait_for_status
from tests.fake_servers import FakeA1111


@pytest.fixture
def dead_url():
    with FakeA1111() as fake:
        url = fake.url
    return url  # nothing listens there any more: connection refused


@pytest.fixture
def member(client):
    actions = AuthActions(client)
    actions.signup("ana")
    return actions


def enable(db, url, fallback):
    backends.save(db, "automatic1111", {"enabled": 1, "url": url, "model": "dreamy-v1", "fallback": fallback})


def test_a_down_server_falls_back_to_the_builtin_when_allowed(member, client, db, worker, dead_url):
    enable(db, dead_url, 1)
    generation_id = member.generate("a lighthouse", backend="automatic1111", seed="5")
    body = wait_for_status(client, generation_id)
    assert body["backend"] == "builtin" and len(body["images"]) == 1
    job = generations.get(db, generation_id)
    info = generations.info(job)
    assert info["fallback_from"] == "automatic1111" and "connection refused" in info["fallback_reason"]
    assert job["attempts"] == 1
    card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "was not answering" in card
    assert backends.get(db, "automatic1111")["health"] == "down"


def test_without_fallback_the_job_fails_after_its_retries(member, client, db, worker, dead_url):
    enable(db, dead_url, 0)
    generation_id = member.generate("a lighthouse", backend="automatic1111")
    body = wait_for_status(client, generation_id, statuses=("failed",))
    assert body["error"] == "The image server is not answering (connection refused)."
    assert generations.get(db, generation_id)["attempts"] == 3


def test_credentials_refused_never_fall_back(member, client, db, worker):
    with FakeA1111(auth="easel:right") as fake:
        backends.save(db, "automatic1111", {"enabled": 1, "url": fake.url, "secret": "easel:wrong", "fallback": 1})
        body = wait_for_status(client, member.generate("a lighthouse", backend="automatic1111"), statuses=("failed",))
    assert "credentials" in body["error"]


def test_the_admin_page_sets_fallback(member, db):
    form = {"enabled": "1", "url": "http://127.0.0.1:7860", "timeout": "60", "steps": "20",
            "sizes": ["512x512"], "fallback": "1"}
    assert member.post("/admin/backends/automatic1111", form).status_code == 303
    assert backends.get(db, "automatic1111")["fallback"] == 1
    form.pop("fallback")
    member.post("/admin/backends/automatic1111", form)
    assert backends.get(db, "automatic1111")["fallback"] == 0
