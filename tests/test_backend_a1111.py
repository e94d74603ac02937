"""The AUTOMATIC1111 client against a faithful fake: progress, seeds, auth, cancel and every failure."""

from __future__ import annotations

import base64
import socket

import pytest

from imagegen.a1111 import A1111Backend
from imagegen.base import Cancelled, GenerationError, GenerationRequest
from tests.fake_servers import FakeA1111, Reply, b64_png


def req(**changes):
    values = dict(prompt="a lighthouse", negative_prompt="fog", seed=42, width=512, height=768, style="ink", count=2)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.fixture
def fake():
    server = FakeA1111()
    yield server
    server.close()


def backend_for(fake, **config):
    return A1111Backend({"url": fake.url, "poll": 0.05, "steps": 7, "model": "dreamy-v1.safetensors", **config})


def test_generates_with_real_progress_and_stores_seeds(fake):
    reports, notes = [], []
    result = backend_for(fake).generate(req(), lambda f, note="": (reports.append(f), notes.append(note)))
    assert [image.size for image in result.images] == [(512, 768), (512, 768)]
    assert result.info == {"backend": "automatic1111", "model": "dreamy-v1.safetensors", "seed_sent": 42,
                           "seed_reported": 42, "seeds_reported": [42, 43]}
    assert result.version == "automatic1111:dreamy-v1.safetensors"
    sent = fake.seen("/sdapi/v1/txt2img")[0].body
    assert sent["prompt"] == "a lighthouse" and sent["negative_prompt"] == "fog"
    assert (sent["seed"], sent["steps"], sent["width"], sent["height"], sent["batch_size"]) == (42, 7, 512, 768, 2)
    assert sent["override_settings"] == {"sd_model_checkpoint": "dreamy-v1.safetensors"}
    # The server's own progress came through, in order, between the first and last report.
    assert fake.seen("/sdapi/v1/progress")
    middle = [r for r in reports if 0 < r < 1]
    assert middle and middle == sorted(middle) and reports[-1] == 1.0
    assert "About 3 s left" in notes  # from the server's eta_relative


def test_basic_auth_is_sent_and_health_lists_models():
    with FakeA1111(auth="easel:s3cret") as fake:
        assert backend_for(fake, secret="easel:s3cret").health() == "1 model(s): dreamy-v1.safetensors [abc123]"
        with pytest.raises(GenerationError) as refused:
            backend_for(fake, secret="easel:wrong").generate(req(count=1), lambda f, note='': None)
        assert not refused.value.retryable
        assert "credentials" in str(refused.value)


def test_stable_diffusion_cpp_empty_info_still_works(fake):
    fake.routes[("POST", "/sdapi/v1/txt2img")] = lambda seen: Reply(
        body={"images": [b64_png(512, 512)], "parameters": {}, "info": ""})
    result = backend_for(fake, model="").generate(req(count=1, height=512), lambda f, note='': None)
    assert result.info == {"backend": "automatic1111", "model": "", "seed_sent": 42}


def test_cancel_interrupts_the_server(fake):
    fake.steps, fake.step_time = 40, 0.1

    def progress(fraction, note=""):
        if fraction > 0:
            raise Cancelled()

    with pytest.raises(Cancelled):
        backend_for(fake).generate(req(count=1), progress)
    assert fake.interrupted.wait(2)


def test_a_job_over_its_time_budget_is_interrupted(fake):
    fake.steps, fake.step_time = 40, 0.1
    with pytest.raises(GenerationError) as exc:
        backend_for(fake, timeout=0.5).generate(req(count=1), lambda f, note='': None)
    assert exc.value.retryable and "too long" in str(exc.value)
    assert fake.interrupted.wait(2)


def test_connection_refused_is_retryable():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    backend = A1111Backend({"url": f"http://127.0.0.1:{port}", "poll": 0.05})
    with pytest.raises(GenerationError) as exc:
        backend.generate(req(count=1), lambda f, note='': None)
    assert exc.value.retryable and exc.value.unreachable
    assert "connection refused" in str(exc.value)


def test_a_socket_timeout_is_retryable(fake):
    fake.fail_with("/sdapi/v1/txt2img", 200, {"images": []}, delay=1.0)
    backend = backend_for(fake)
    backend.call_timeout = lambda: 0.3  # the socket gives up before the job's budget
    with pytest.raises(GenerationError) as exc:
        backend.generate(req(count=1), lambda f, note='': None)
    assert exc.value.retryable and "too long" in str(exc.value)


@pytest.mark.parametrize("status, retryable, words", [
    (401, False, "credentials"),
    (403, False, "credentials"),
    (422, False, "rejected"),
    (429, True, "busy"),
    (500, True, "internal error"),
    (503, True, "internal error"),
])
def test_http_errors_map_to_readable_reasons(fake, status, retryable, words):
    fake.fail_with("/sdapi/v1/txt2img", status, {"error": "HTTPException", "detail": "boom", "body": "", "errors": ""})
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f, note='': None)
    assert exc.value.retryable is retryable
    assert words in str(exc.value)
    assert f"HTTP {status}" in exc.value.detail


@pytest.mark.parametrize("payload, words", [
    (b"<html>502 Bad Gateway</html>", "cannot read"),
    (b'{"images": ["!!!not base64!!!"], "info": ""}', "broken image"),
    (b'{"images": ["' + base64.b64encode(b"just some text") + b'"], "info": ""}', "not a picture"),
    (b'{"images": "nope"}', "cannot read"),
])
def test_broken_answers_fail_without_retry(fake, payload, words):
    fake.send_raw("/sdapi/v1/txt2img", payload)
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f, note='': None)
    assert not exc.value.retryable
    assert words in str(exc.value)


def test_an_image_over_the_pixel_limit_is_refused(fake):
    fake.image_size = (2048, 2048)
    with pytest.raises(GenerationError) as exc:
        backend_for(fake, max_pixels=1024 * 1024).generate(req(count=1), lambda f, note='': None)
    assert not exc.value.retryable and "too large" in str(exc.value)


@pytest.mark.parametrize("url", ["ftp://host/", "file:///etc/passwd", "http://user:pw@host/", "javascript:x", ""])
def test_only_plain_http_urls_are_accepted(url):
    with pytest.raises(ValueError):
        A1111Backend({"url": url or " "})
