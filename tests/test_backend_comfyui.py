"""The ComfyUI client: graph filled by class type, /history polling, /view bytes, cancel, failures."""

from __future__ import annotations

import copy
import json

import pytest

from imagegen.base import Cancelled, GenerationError, GenerationRequest
from imagegen.comfyui import BASIC_GRAPH, ComfyUIBackend, parse_workflow
from tests.fake_servers import FakeComfyUI


def req(**changes):
    values = dict(prompt="a lighthouse", negative_prompt="fog", seed=7, width=768, height=512, style="ink", count=2)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.fixture
def fake():
    server = FakeComfyUI()
    yield server
    server.close()


def backend_for(fake, **config):
    return ComfyUIBackend({"url": fake.url, "poll": 0.05, "steps": 9, "model": "dreamy.safetensors", **config})


def test_basic_graph_runs_and_images_come_from_view(fake):
    reports = []
    result = backend_for(fake).generate(req(), reports.append)
    assert [image.size for image in result.images] == [(768, 512), (768, 512)]
    graph = fake.seen("/prompt")[0].body["prompt"]
    by_class = {node["class_type"]: node["inputs"] for node in graph.values()}
    assert (by_class["KSampler"]["seed"], by_class["KSampler"]["steps"]) == (7, 9)
    assert by_class["EmptyLatentImage"] == {"width": 768, "height": 512, "batch_size": 2}
    assert by_class["CheckpointLoaderSimple"]["ckpt_name"] == "dreamy.safetensors"
    assert graph["6"]["inputs"]["text"] == "a lighthouse" and graph["7"]["inputs"]["text"] == "fog"
    assert len(fake.seen("/history/")) >= 3 and len(fake.seen("/view")) == 2
    assert result.info["backend"] == "comfyui" and result.info["seed_sent"] == 7
    assert reports[-1] == 1.0 and any(0 < r < 1 for r in reports)


def test_an_admins_workflow_is_filled_by_class_type_not_by_id(fake):
    renumbered = {str(int(k) * 10): copy.deepcopy(v) for k, v in BASIC_GRAPH.items()}
    for node in renumbered.values():
        for key, value in node["inputs"].items():
            if isinstance(value, list):
                node["inputs"][key] = [str(int(value[0]) * 10), value[1]]
    backend_for(fake, workflow=json.dumps(renumbered)).generate(req(count=1), lambda f: None)
    graph = fake.seen("/prompt")[0].body["prompt"]
    assert graph["60"]["inputs"]["text"] == "a lighthouse" and graph["70"]["inputs"]["text"] == "fog"
    assert graph["30"]["inputs"]["seed"] == 7


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"1": {"class_type": "SaveImage", "inputs": {}}}'])
def test_unusable_workflows_are_explained(text):
    with pytest.raises(ValueError):
        parse_workflow(text)


def test_health_reads_system_stats(fake):
    assert backend_for(fake).health() == "ComfyUI 0.3.10 on cuda:0 Fake GPU"


def test_cancel_interrupts_and_dequeues(fake):
    fake.polls_needed = 1000

    def progress(fraction):
        if fraction > 0:
            raise Cancelled()

    with pytest.raises(Cancelled):
        backend_for(fake).generate(req(count=1), progress)
    assert fake.interrupted.is_set()
    assert fake.seen("/queue")[0].body == {"delete": ["p1"]}


def test_a_bad_graph_is_refused_without_retry(fake):
    workflow = {"3": {"class_type": "KSampler", "inputs": {}}}
    with pytest.raises(GenerationError) as exc:
        backend_for(fake, workflow=json.dumps(workflow)).generate(req(count=1), lambda f: None)
    assert not exc.value.retryable and "Prompt has no outputs" in str(exc.value)


def test_a_failed_run_is_reported(fake):
    fake.status_str = "error"
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f: None)
    assert "could not run the workflow" in str(exc.value)


def test_view_bytes_that_are_not_an_image(fake):
    fake.fail_with("/view", 200, b"GIF89a but not really")
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f: None)
    assert not exc.value.retryable and "not a picture" in str(exc.value)


def test_server_error_while_polling_is_retryable(fake):
    fake.fail_with("/history/", 500, {"error": "boom"})
    with pytest.raises(GenerationError) as exc:
        backend_for(fake).generate(req(count=1), lambda f: None)
    assert exc.value.retryable and fake.interrupted.is_set()
