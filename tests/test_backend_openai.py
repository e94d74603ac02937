"""The OpenAI-compatible client: bearer auth, b64_json or url items, elapsed progress, failures."""

from __future__ import annotations

import pytest

from imagegen.base import GenerationError, GenerationRequest
from imagegen.openai_images import OpenAIImagesBackend
from tests.fake_servers import FakeOpenAI


def req(**changes):
    values = dict(prompt="a lighthouse", negative_prompt="", seed=5, width=512, height=512, style="ink", count=2)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.fixture
def fake():
    server = FakeOpenAI(key="sk-test-abcd1234")
    yield server
    server.close()


def backend_for(fake, **config):
    return OpenAIImagesBackend({"url": fake.url, "poll": 0.05, "secret": "sk-test-abcd1234",
                                "model": "sd-turbo", **config})


def test_b64_images_with_elapsed_progress_and_bearer_auth(fake):
    reports = []
    result = backend_for(fake).generate(req(), reports.append)
    assert [image.size for image in result.images] == [(512, 512), (512, 512)]
    seen = fake.seen("/v1/images/generations")[0]
    assert seen.headers["authorization"] == "Bearer sk-test-abcd1234"
    assert seen.body == {"prompt": "a lighthouse", "n": 2, "size": "512x512", "response_format": "b64_json",
                         "model": "sd-turbo"}
    assert result.info == {"backend": "openai", "model": "sd-turbo", "seed_sent": 5}
    middle = [r for r in reports if 0 < r < 1]
    assert middle and middle == sorted(middle) and max(middle) <= 0.9


def test_url_items_are_downloaded(fake):
    fake.as_url = True
    result = backend_for(fake, url=fake.url + "/v1").generate(req(count=1), lambda f: None)
    assert result.images[0].size == (64, 64) and fake.seen("/files/")


def test_a_wrong_key_is_not_retried(fake):
    with pytest.raises(GenerationError) as exc:
        backend_for(fake, secret="sk-wrong").generate(req(count=1), lambda f: None)
    assert not exc.value.retryable and "credentials" in str(exc.value)
    assert "Incorrect API key" in exc.value.detail


def test_health_lists_models(fake):
    assert backend_for(fake).health() == "1 model(s): sd-turbo"


@pytest.mark.parametrize("status, retryable", [(400, False), (429, True), (500, True)])
def test_error_bodies(fake, status, retryable):
    fake.fail_with("/v1/images/generations", status, {"error": {"message": "Your prompt was refused", "type": "x",
                                                                 "param": None, "code": None}})
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f: None)
    assert exc.value.retryable is retryable
    if status == 400:
        assert str(exc.value) == "The image server rejected the request: Your prompt was refused"


def test_an_item_pointing_at_a_local_file_is_refused(fake):
    fake.send_raw("/v1/images/generations", b'{"created": 1, "data": [{"url": "file:///etc/passwd"}]}')
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f: None)
    assert not exc.value.retryable
