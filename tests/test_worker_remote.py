"""The worker picks each job's backend from its row and drives a real (fake) server end to end."""

from __future__ import annotations

import pytest

from models import backends, generations
from tests.conftest import wait_for_status
from tests.fake_servers import FakeA1111


@pytest.fixture
def a1111():
    server = FakeA1111(steps=3, step_time=0.05)
    yield server
    server.close()


def enable(db, kind, url, **values):
    backends.save(db, kind, {"enabled": 1, "url": url, "model": "dreamy-v1", "timeout": 30, "steps": 5, **values})


@pytest.fixture
def queue(db, worker):
    def add(backend, seed=42):
        generation_id = generations.enqueue(db, 1, prompt="a lighthouse", negative_prompt="", seed=seed, width=512,
                                            height=512, style="ink", count=1, backend=backend, queue_cap=5,
                                            per_hour=30)
        worker.notify()
        return generation_id

    return add


def test_a_job_naming_a_server_runs_there_and_records_it(client, auth, queue, db, a1111):
    auth.signup()
    enable(db, "automatic1111", a1111.url)
    body = wait_for_status(client, queue("automatic1111"))
    assert len(body["images"]) == 1
    job = generations.get(db, body["id"])
    assert job["generator_version"] == "automatic1111:dreamy-v1"
    assert generations.info(job) == {"backend": "automatic1111", "model": "dreamy-v1", "seed_sent": 42,
                                     "seed_reported": 42, "seeds_reported": [42]}
    assert backends.get(db, "automatic1111")["health"] == "up"
    # A builtin job still runs on the builtin next to it.
    assert wait_for_status(client, queue("builtin"))["images"]
    assert len(a1111.seen("/sdapi/v1/txt2img")) == 1


def test_credentials_refused_fail_at_once_with_the_detail_kept(client, auth, queue, db):
    auth.signup()
    with FakeA1111(auth="easel:right") as fake:
        enable(db, "automatic1111", fake.url, secret="easel:wrong")
        body = wait_for_status(client, queue("automatic1111"), statuses=("failed",))
        assert len(fake.seen("/sdapi/v1/txt2img")) == 1
    job = generations.get(db, body["id"])
    assert job["attempts"] == 1
    assert body["error"] == "The image server refused Easel's credentials; an admin needs to check them."
    assert "HTTP 401" in job["error_detail"] and "wrong" not in job["error_detail"]
    assert [row["id"] for row in backends.recent_failures(db)] == [body["id"]]


def test_a_busy_server_is_retried_with_backoff(client, auth, queue, db, a1111):
    auth.signup()
    enable(db, "automatic1111", a1111.url)
    a1111.fail_with("/sdapi/v1/txt2img", 503, {"error": "busy"})
    body = wait_for_status(client, queue("automatic1111"), statuses=("failed",))
    assert generations.get(db, body["id"])["attempts"] == 3 and len(a1111.seen("/sdapi/v1/txt2img")) == 3
    assert body["error"] == "The image server had an internal error."


def test_a_server_that_is_down_is_marked_down(client, auth, queue, db):
    auth.signup()
    with FakeA1111() as fake:
        url = fake.url
    enable(db, "automatic1111", url)
    wait_for_status(client, queue("automatic1111"), statuses=("failed",))
    row = backends.get(db, "automatic1111")
    assert row["health"] == "down" and "connection refused" in row["health_detail"]


def test_a_server_switched_off_fails_its_waiting_jobs_readably(client, auth, queue, db, a1111):
    auth.signup()
    enable(db, "automatic1111", a1111.url)
    backends.save(db, "automatic1111", {"enabled": 0})
    body = wait_for_status(client, queue("automatic1111"), statuses=("failed",))
    assert body["error"] == "This image server has been switched off by an admin."


def test_settings_saved_again_rebuild_the_backend(client, auth, queue, db, a1111):
    auth.signup()
    enable(db, "automatic1111", a1111.url)
    wait_for_status(client, queue("automatic1111"))
    backends.save(db, "automatic1111", {"model": "other-model"})
    wait_for_status(client, queue("automatic1111", seed=43))
    models = [r.body.get("override_settings") for r in a1111.seen("/sdapi/v1/txt2img")]
    assert models == [{"sd_model_checkpoint": "dreamy-v1"}, {"sd_model_checkpoint": "other-model"}]


def test_a_broken_image_stores_nothing(client, auth, queue, db, app, a1111):
    import os

    auth.signup()
    enable(db, "automatic1111", a1111.url)
    a1111.send_raw("/sdapi/v1/txt2img", b'{"images": ["aGVsbG8gd29ybGQ="], "info": ""}')  # "hello world"
    body = wait_for_status(client, queue("automatic1111"), statuses=("failed",))
    assert body["error"] == "The image server sent something that is not a picture."
    assert generations.get(db, body["id"])["attempts"] == 1
    assert db.execute("SELECT count(*) FROM media").fetchone()[0] == 0
    assert os.listdir(app.config["MEDIA_DIR"]) == []
