"""Faithful fakes of the generation servers: real HTTP on 127.0.0.1, port 0, in the test process.

Each fake speaks its server's wire format (see ../shared/BACKENDS.md), records every request,
and can be told to misbehave: `fail_with(path, status, body)` answers one path with an error,
`send_raw(path, bytes)` answers with a body that is not what the protocol promises.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def png_bytes(width: int = 64, height: int = 64, color=(200, 80, 40), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def b64_png(width: int = 64, height: int = 64, color=(200, 80, 40), fmt: str = "PNG") -> str:
    return base64.b64encode(png_bytes(width, height, color, fmt)).decode()


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict
    body: object = None
    raw: bytes = b""


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict/list -> JSON; bytes -> as is
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class FakeServer:
    """A tiny router on ThreadingHTTPServer; subclasses add the protocol's routes."""

    def __init__(self):
        self.requests: list[Seen] = []
        self.overrides: dict[str, Reply] = {}
        self.lock = threading.Lock()
        self.routes: dict[tuple[str, str], object] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                seen = Seen(self.command, parts.path, dict(urllib.parse.parse_qsl(parts.query)),
                            {k.lower(): v for k, v in self.headers.items()}, body, raw)
                with fake.lock:
                    fake.requests.append(seen)
                reply = fake.dispatch(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    content_type = "application/octet-stream" if isinstance(reply.body, bytes) else "application/json"
                    self.send_header("Content-Type", reply.headers.get("Content-Type", content_type))
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in reply.headers.items():
                        if key != "Content-Type":
                            self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name="fake-server", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def fail_with(self, path: str, status: int, body=None, delay: float = 0.0) -> None:
        self.overrides[path] = Reply(status, body if body is not None else {"error": "fake failure"}, delay=delay)

    def send_raw(self, path: str, payload: bytes) -> None:
        self.overrides[path] = Reply(200, payload, {"Content-Type": "application/json"})

    def dispatch(self, seen: Seen) -> Reply:
        for prefix, reply in self.overrides.items():
            if seen.path.startswith(prefix):
                return reply
        for (method, prefix), handler in sorted(self.routes.items(), key=lambda item: -len(item[0][1])):
            if method == seen.method and seen.path.startswith(prefix):
                return handler(seen)
        return Reply(404, {"detail": "Not Found"})

    def seen(self, path: str) -> list[Seen]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(path)]


class FakeA1111(FakeServer):
    """AUTOMATIC1111's API: txt2img blocks for `steps * step_time` while /progress climbs."""

    def __init__(self, auth: str = "", steps: int = 4, step_time: float = 0.15):
        super().__init__()
        self.auth, self.steps, self.step_time = auth, steps, step_time
        self.progress = 0.0
        self.interrupted = threading.Event()
        self.image_size = None  # (w, h) to answer with instead of the requested size
        self.routes = {
            ("POST", "/sdapi/v1/txt2img"): self.txt2img,
            ("GET", "/sdapi/v1/progress"): lambda s: self._auth(s) or Reply(
                body={"progress": self.progress, "eta_relative": self.eta(), "state": {"job_count": 1},
                      "current_image": None}),
            ("POST", "/sdapi/v1/interrupt"): self.interrupt,
            ("GET", "/sdapi/v1/sd-models"): lambda s: self._auth(s) or Reply(
                body=[{"title": "dreamy-v1.safetensors [abc123]", "model_name": "dreamy-v1"}]),
        }

    def _auth(self, seen: Seen):
        if not self.auth:
            return None
        expected = "Basic " + base64.b64encode(self.auth.encode()).decode()
        return None if seen.headers.get("authorization") == expected else Reply(401, {"detail": "Not authenticated"})

    def eta(self) -> float:
        """Seconds left as if each step took one second on a real GPU (0 before the first step)."""
        return (1 - self.progress) * self.steps if self.progress else 0.0

    def interrupt(self, seen):
        self.interrupted.set()
        return Reply(body={})

    def txt2img(self, seen):
        denied = self._auth(seen)
        if denied:
            return denied
        body = seen.body or {}
        for step in range(self.steps):
            if self.interrupted.is_set():
                break
            self.progress = step / self.steps
            time.sleep(self.step_time)
        self.progress = 0.0
        seed = body.get("seed", -1)
        seed = 1234 if seed == -1 else seed
        count = body.get("batch_size", 1)
        width, height = self.image_size or (body.get("width", 512), body.get("height", 512))
        images = [b64_png(width, height, (40 * i, 90, 150)) for i in range(count)]
        info = {"seed": seed, "all_seeds": [seed + i for i in range(count)], "infotexts": ["..."],
                "sd_model_name": "dreamy-v1"}
        return Reply(body={"images": images, "parameters": body, "info": json.dumps(info)})


class FakeComfyUI(FakeServer):
    """ComfyUI: /prompt queues, /history stays {} for `polls_needed` polls, /view serves the PNG."""

    def __init__(self, polls_needed: int = 3):
        super().__init__()
        self.polls_needed = polls_needed
        self.history_polls = 0
        self.interrupted = threading.Event()
        self.prompts: dict[str, dict] = {}
        self.status_str = "success"
        self.routes = {
            ("POST", "/prompt"): self.prompt,
            ("GET", "/history/"): self.history,
            ("GET", "/view"): self.view,
            ("POST", "/interrupt"): lambda s: (self.interrupted.set(), Reply(body={}))[1],
            ("POST", "/queue"): lambda s: Reply(body={}),
            ("GET", "/system_stats"): lambda s: Reply(body={
                "system": {"os": "posix", "comfyui_version": "0.3.10", "python_version": "3.12"},
                "devices": [{"name": "cuda:0 Fake GPU", "type": "cuda"}]}),
        }

    def prompt(self, seen):
        graph = (seen.body or {}).get("prompt")
        if not isinstance(graph, dict) or not any(n.get("class_type") == "SaveImage" for n in graph.values()):
            return Reply(400, {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs"},
                               "node_errors": {}})
        prompt_id = f"p{len(self.prompts) + 1}"
        self.prompts[prompt_id] = graph
        return Reply(body={"prompt_id": prompt_id, "number": len(self.prompts), "node_errors": {}})

    def history(self, seen):
        prompt_id = seen.path.rsplit("/", 1)[-1]
        self.history_polls += 1
        if prompt_id not in self.prompts or self.history_polls < self.polls_needed or self.interrupted.is_set():
            return Reply(body={})
        graph = self.prompts[prompt_id]
        latent = next(n for n in graph.values() if n["class_type"] == "EmptyLatentImage")["inputs"]
        images = [{"filename": f"easel_{i:05d}_.png", "subfolder": "", "type": "output"}
                  for i in range(latent["batch_size"])]
        save = next(k for k, n in graph.items() if n["class_type"] == "SaveImage")
        return Reply(body={prompt_id: {"prompt": [1, prompt_id, graph, {}, [save]],
                                       "outputs": {save: {"images": images}},
                                       "status": {"status_str": self.status_str, "completed": True, "messages": []}}})

    def view(self, seen):
        graph = next(iter(self.prompts.values()))
        latent = next(n for n in graph.values() if n["class_type"] == "EmptyLatentImage")["inputs"]
        return Reply(body=png_bytes(latent["width"], latent["height"]), headers={"Content-Type": "image/png"})


class FakeOpenAI(FakeServer):
    """OpenAI-compatible images: one blocking POST answering b64_json (or url) items."""

    def __init__(self, key: str = "", delay: float = 0.3, as_url: bool = False):
        super().__init__()
        self.key, self.delay, self.as_url = key, delay, as_url
        self.routes = {
            ("POST", "/v1/images/generations"): self.generations,
            ("GET", "/v1/models"): lambda s: self._auth(s) or Reply(
                body={"object": "list", "data": [{"id": "sd-turbo", "object": "model"}]}),
            ("GET", "/files/"): lambda s: Reply(body=png_bytes(64, 64), headers={"Content-Type": "image/png"}),
        }

    def _auth(self, seen):
        if self.key and seen.headers.get("authorization") != f"Bearer {self.key}":
            return Reply(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                         "param": None, "code": "invalid_api_key"}})
        return None

    def generations(self, seen):
        denied = self._auth(seen)
        if denied:
            return denied
        body = seen.body or {}
        width, height = (int(v) for v in body.get("size", "512x512").split("x"))
        if self.as_url:
            data = [{"url": f"{self.url}/files/{i}.png"} for i in range(body.get("n", 1))]
        else:
            data = [{"b64_json": b64_png(width, height)} for _ in range(body.get("n", 1))]
        return Reply(body={"created": int(time.time()), "data": data}, delay=self.delay)


class FakeHorde(FakeServer):
    """The AI Horde: async submit (202), check `checks_needed` times, status once, WebP by URL."""

    def __init__(self, checks_needed: int = 3, as_url: bool = True):
        super().__init__()
        self.checks_needed, self.as_url = checks_needed, as_url
        self.checks = 0
        self.deleted = threading.Event()
        self.jobs: dict[str, dict] = {}
        self.routes = {
            ("POST", "/api/v2/generate/async"): self.submit,
            ("GET", "/api/v2/generate/check/"): self.check,
            ("GET", "/api/v2/generate/status/"): self.status,
            ("DELETE", "/api/v2/generate/status/"): lambda s: (self.deleted.set(), Reply(body={"finished": 0}))[1],
            ("GET", "/api/v2/status/heartbeat"): lambda s: Reply(body={"message": "OK", "version": "4.44.0"}),
            ("GET", "/r2/"): lambda s: Reply(body=png_bytes(64, 64, fmt="WEBP"),
                                             headers={"Content-Type": "image/webp"}),
        }

    def submit(self, seen):
        if seen.headers.get("apikey") not in ("0000000000", "horde-key-1234"):
            return Reply(401, {"message": "No user matching sent API Key. Have you remembered to register?",
                               "rc": "InvalidAPIKey"})
        job_id = f"00000000-0000-0000-0000-00000000000{len(self.jobs) + 1}"
        self.jobs[job_id] = seen.body
        return Reply(202, {"id": job_id, "kudos": 10.0})

    def check(self, seen):
        self.checks += 1
        done = self.checks >= self.checks_needed
        return Reply(body={"finished": int(done), "processing": int(not done and self.checks > 1),
                           "restarted": 0, "waiting": int(self.checks <= 1), "done": done, "faulted": False,
                           "wait_time": max(0, self.checks_needed - self.checks),
                           "queue_position": 0 if self.checks > 1 else 3,
                           "kudos": 10.0, "is_possible": True})

    def status(self, seen):
        job_id = seen.path.rsplit("/", 1)[-1]
        body = self.jobs[job_id]
        items = []
        for i in range(body["params"]["n"]):
            img = f"{self.url}/r2/{job_id}-{i}.webp" if self.as_url else b64_png(64, 64, fmt="WEBP")
            items.append({"img": img, "seed": str(int(body["params"]["seed"]) + i), "model": "Deliberate",
                          "worker_id": "w1", "worker_name": "fake", "censored": False, "id": f"g{i}"})
        return Reply(body={"finished": 1, "processing": 0, "done": True, "faulted": False, "wait_time": 0,
                           "queue_position": 0, "is_possible": True, "generations": items})
