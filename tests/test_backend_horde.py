"""The AI Horde client: apikey and Client-Agent, check polling, WebP by URL, seeds, cancel, faults."""

from __future__ import annotations

import pytest

from imagegen.base import Cancelled, GenerationError, GenerationRequest
from imagegen.horde import HordeBackend
from tests.fake_servers import FakeHorde


def req(**changes):
    values = dict(prompt="a lighthouse", negative_prompt="fog", seed=11, width=500, height=768, style="ink", count=2)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.fixture
def fake():
    server = FakeHorde()
    yield server
    server.close()


def backend_for(fake, **config):
    return HordeBackend({"url": fake.url, "poll": 0.05, "steps": 12, "model": "Deliberate", **config})


def test_anonymous_job_with_progress_seeds_and_webp_urls(fake):
    reports, notes = [], []
    result = backend_for(fake).generate(req(), lambda f, note="": (reports.append(f), notes.append(note)))
    assert [image.size for image in result.images] == [(64, 64), (64, 64)]
    submit = fake.seen("/api/v2/generate/async")[0]
    assert submit.headers["apikey"] == "0000000000" and submit.headers["client-agent"].startswith("easel:")
    assert submit.body["prompt"] == "a lighthouse ### fog"
    assert submit.body["params"] == {"seed": "11", "width": 512, "height": 768, "steps": 12, "n": 2}
    assert submit.body["models"] == ["Deliberate"]
    assert result.info["seed_reported"] == "11" and result.info["seeds_reported"] == ["11", "12"]
    assert result.info["model"] == "Deliberate" and result.version == "horde:Deliberate"
    assert len(fake.seen("/api/v2/generate/status/")) == 1
    assert reports[-1] == 1.0 and any(0 < r < 1 for r in reports)
    assert notes[1] == "Number 3 in the AI Horde queue, about 2 s"
    assert "A Horde worker is drawing it, about 1 s" in notes


def test_an_admins_key_is_sent(fake):
    backend_for(fake, secret="horde-key-1234").generate(req(count=1), lambda f, note='': None)
    assert fake.seen("/api/v2/generate/async")[0].headers["apikey"] == "horde-key-1234"


def test_an_invalid_key_fails_at_once(fake):
    with pytest.raises(GenerationError) as exc:
        backend_for(fake, secret="nope").generate(req(count=1), lambda f, note='': None)
    assert not exc.value.retryable and "InvalidAPIKey" not in str(exc.value)
    assert "No user matching" in exc.value.detail


def test_base64_webp_answers_work_too(fake):
    fake.as_url = False
    assert backend_for(fake).generate(req(count=1), lambda f, note='': None).images[0].size == (64, 64)


def test_cancel_deletes_the_request(fake):
    fake.checks_needed = 1000

    def progress(fraction, note=""):
        if fraction > 0:
            raise Cancelled()

    with pytest.raises(Cancelled):
        backend_for(fake).generate(req(count=1), progress)
    assert fake.deleted.is_set()


def test_too_many_prompts_is_retryable(fake):
    fake.fail_with("/api/v2/generate/async", 429, {"message": "Parallel requests exceeded", "rc": "TooManyPrompts"})
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f, note='': None)
    assert exc.value.retryable and "busy" in str(exc.value)


def test_impossible_request_is_not_retried_and_is_deleted(fake):
    fake.fail_with("/api/v2/generate/check/", 200, {"done": False, "faulted": False, "is_possible": False})
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f, note='': None)
    assert not exc.value.retryable and fake.deleted.is_set()


def test_an_oversized_download_is_refused(fake, monkeypatch):
    from imagegen import horde

    fake.fail_with("/r2/", 200, b"x" * 2048)
    original = horde.fetch_image
    monkeypatch.setattr(horde, "fetch_image", lambda url, **kw: original(url, **{**kw, "max_bytes": 1024}))
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f, note='': None)
    assert not exc.value.retryable and "more data" in str(exc.value)


def test_health_is_the_heartbeat(fake):
    assert backend_for(fake).health() == "OK (version 4.44.0)"
