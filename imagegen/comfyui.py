"""ComfyUI: submit an API-format graph to /prompt, poll /history, fetch the images from /view.

The graph is the basic txt2img one, or an admin's own workflow file; either way the nodes to
fill are found by class_type, never by fixed ids.
"""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
import uuid

from imagegen.base import N_, GenerationError, GenerationRequest, GenerationResult, ProgressCallback
from imagegen.http import Elapsed, decode_image, join, request, request_json
from imagegen.remote import RemoteBackend, quietly

BASIC_GRAPH = {
    "3": {"class_type": "KSampler", "inputs": {
        "seed": 0, "steps": 20, "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
        "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "easel", "images": ["8", 0]}},
}


def parse_workflow(text: str) -> dict:
    """An admin's API-format workflow (JSON); ValueError with a readable reason when unusable."""
    try:
        graph = json.loads(text)
    except ValueError:
        raise ValueError("the workflow is not valid JSON (export it with “Save (API Format)”)") from None
    if not isinstance(graph, dict) or not all(isinstance(n, dict) and "class_type" in n for n in graph.values()):
        raise ValueError("the workflow must be ComfyUI's API format: {id: {class_type, inputs}}")
    if not any(n["class_type"] == "KSampler" for n in graph.values()):
        raise ValueError("the workflow needs a KSampler node")
    return graph


def fill_graph(graph: dict, request_: GenerationRequest, steps: int, model: str) -> dict:
    """Put the request into the graph: sampler, latent size, checkpoint, positive and negative text."""
    graph = copy.deepcopy(graph)
    nodes = {node_id: node for node_id, node in graph.items()}
    sampler = next(node for node in nodes.values() if node["class_type"] == "KSampler")
    inputs = sampler.setdefault("inputs", {})
    inputs.update(seed=request_.seed, steps=steps)
    for node in nodes.values():
        if node["class_type"] == "EmptyLatentImage":
            node["inputs"].update(width=request_.width, height=request_.height, batch_size=request_.count)
        elif node["class_type"] == "CheckpointLoaderSimple" and model:
            node["inputs"]["ckpt_name"] = model
    # The sampler's positive/negative links name the text nodes; fall back to the first two found.
    texts = [node_id for node_id, node in nodes.items() if node["class_type"] == "CLIPTextEncode"]
    positive = _linked(inputs.get("positive")) or (texts[0] if texts else None)
    negative = _linked(inputs.get("negative")) or (texts[1] if len(texts) > 1 else None)
    if positive in nodes:
        nodes[positive]["inputs"]["text"] = request_.prompt
    if negative in nodes and negative != positive:
        nodes[negative]["inputs"]["text"] = request_.negative_prompt
    return graph


def _linked(value) -> str | None:
    return str(value[0]) if isinstance(value, list) and value else None


class ComfyUIBackend(RemoteBackend):
    kind = "comfyui"
    label = "ComfyUI"
    default_url = "http://127.0.0.1:8188"

    def health(self) -> str:
        stats = request_json("GET", join(self.url, "/system_stats"), timeout=10)
        system = stats.get("system", {}) if isinstance(stats, dict) else {}
        if not isinstance(system, dict):
            raise GenerationError(N_("The server answered, but not like ComfyUI."), retryable=False)
        version = system.get("comfyui_version") or "?"
        devices = [str(d.get("name", "?")) for d in stats.get("devices", []) if isinstance(d, dict)]
        return f"ComfyUI {version}" + (f" on {devices[0]}" if devices else "")

    def generate(self, request_: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        graph = parse_workflow(self.workflow) if self.workflow else BASIC_GRAPH
        graph = fill_graph(graph, request_, self.steps, self.model)
        client_id = uuid.uuid4().hex
        progress(0.0)
        answer = request_json("POST", join(self.url, "/prompt"), body={"prompt": graph, "client_id": client_id},
                              timeout=30)
        prompt_id = answer.get("prompt_id") if isinstance(answer, dict) else None
        if not isinstance(prompt_id, str) or not prompt_id:
            raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                  detail="/prompt: no prompt_id")
        entry = self._wait(prompt_id, progress)
        status = entry.get("status") or {}
        if isinstance(status, dict) and status.get("status_str") == "error":
            raise GenerationError(N_("ComfyUI could not run the workflow."), retryable=False,
                                  detail=f"history status: {json.dumps(status)[:300]}")
        images = []
        for output in (entry.get("outputs") or {}).values():
            for item in (output.get("images") or []) if isinstance(output, dict) else []:
                if isinstance(item, dict) and item.get("type", "output") == "output" and len(images) < request_.count:
                    images.append(self._view(item))
        if not images:
            raise GenerationError(N_("ComfyUI finished without a picture."), retryable=False,
                                  detail="history: no output images")
        progress(1.0)
        info = {"backend": self.kind, "model": self.model, "seed_sent": request_.seed, "prompt_id": prompt_id}
        return GenerationResult(images=images, info=info, version=self.version)

    def _wait(self, prompt_id: str, progress: ProgressCallback) -> dict:
        elapsed = Elapsed(expected=max(5.0, self.steps * 0.5))
        deadline = time.monotonic() + self.timeout
        path = "/history/" + urllib.parse.quote(prompt_id, safe="")
        try:
            while True:
                history = request_json("GET", join(self.url, path), timeout=10)
                if isinstance(history, dict) and isinstance(history.get(prompt_id), dict):
                    return history[prompt_id]
                if time.monotonic() > deadline:
                    raise GenerationError(N_("The image server took too long to make the picture."),
                                          detail=f"no history within {self.timeout:.0f} s")
                progress(elapsed.fraction())
                time.sleep(self.poll)
        except BaseException:
            quietly(lambda: self._cancel(prompt_id))
            raise

    def _cancel(self, prompt_id: str) -> None:
        # Drop it from the queue if it is still waiting, and stop it if it is the one running.
        request("POST", join(self.url, "/queue"), body={"delete": [prompt_id]}, timeout=5)
        request("POST", join(self.url, "/interrupt"), body={}, timeout=5)

    def _view(self, item: dict):
        query = urllib.parse.urlencode({"filename": item.get("filename", ""), "subfolder": item.get("subfolder", ""),
                                        "type": item.get("type", "output")})
        _status, data = request("GET", join(self.url, "/view?" + query), headers={"Accept": "image/*"},
                                timeout=30)
        return decode_image(data, self.max_pixels)
