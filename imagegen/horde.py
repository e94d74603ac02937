"""The AI Horde: submit to /generate/async, poll /generate/check, then read /generate/status once.

Anonymous key (lowest priority) unless the admin set one. Images come back as URLs to WebP
files (downloaded with size and time caps) or as base64.
"""

from __future__ import annotations

import time
import urllib.parse

from imagegen.base import N_, GenerationError, GenerationRequest, GenerationResult, ProgressCallback
from imagegen.http import decode_base64, decode_image, fetch_image, join, request, request_json
from imagegen.remote import RemoteBackend, quietly

ANONYMOUS_KEY = "0000000000"
CLIENT_AGENT = "easel:1:https://github.com/easel"


class HordeBackend(RemoteBackend):
    kind = "horde"
    label = "AI Horde"
    default_url = "https://aihorde.net"
    default_poll = 3.0  # /generate/check is rate-limited

    def _headers(self) -> dict:
        return {"apikey": self.secret or ANONYMOUS_KEY, "Client-Agent": CLIENT_AGENT}

    def health(self) -> str:
        answer = request_json("GET", join(self.url, "/api/v2/status/heartbeat"), headers=self._headers(),
                              timeout=10)
        if not isinstance(answer, dict) or "message" not in answer:
            raise GenerationError(N_("The server answered, but not like the AI Horde."), retryable=False)
        return f"{answer.get('message')} (version {answer.get('version', '?')})"

    def generate(self, request_: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        prompt = request_.prompt + (f" ### {request_.negative_prompt}" if request_.negative_prompt else "")
        body = {
            "prompt": prompt,
            "params": {"seed": str(request_.seed), "width": _multiple_of_64(request_.width),
                       "height": _multiple_of_64(request_.height), "steps": self.steps, "n": request_.count},
            "nsfw": False, "censor_nsfw": True, "r2": True,
        }
        if self.model:
            body["models"] = [self.model]
        progress(0.0)
        answer = request_json("POST", join(self.url, "/api/v2/generate/async"), body=body,
                              headers=self._headers(), timeout=30)
        job_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(job_id, str) or not job_id:
            raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                  detail="generate/async: no id")
        quoted = urllib.parse.quote(job_id, safe="")
        try:
            self._wait(quoted, progress)
            status = request_json("GET", join(self.url, f"/api/v2/generate/status/{quoted}"),
                                  headers=self._headers(), timeout=30)
        except BaseException:
            quietly(lambda: request("DELETE", join(self.url, f"/api/v2/generate/status/{quoted}"),
                                    headers=self._headers(), timeout=5))
            raise
        done = status.get("generations") if isinstance(status, dict) else None
        if not isinstance(done, list) or not done:
            raise GenerationError(N_("The AI Horde finished without a picture."),
                                  detail="generate/status: no generations")
        images, seeds, models = [], [], []
        for item in done[: request_.count]:
            if not isinstance(item, dict):
                raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                      detail="generate/status: item is not an object")
            img = str(item.get("img") or "")
            if img.startswith(("http://", "https://")):
                images.append(fetch_image(img, timeout=min(60.0, self.timeout), max_pixels=self.max_pixels))
            else:
                images.append(decode_image(decode_base64(img), self.max_pixels))
            seeds.append(str(item.get("seed", "")))
            models.append(str(item.get("model", "")))
        progress(1.0)
        info = {"backend": self.kind, "model": models[0] or self.model, "seed_sent": request_.seed,
                "seed_reported": seeds[0], "seeds_reported": seeds, "horde_id": job_id}
        if any(item.get("censored") for item in done if isinstance(item, dict)):
            info["censored"] = True
        return GenerationResult(images=images, info=info, version=f"{self.kind}:{models[0] or self.model}")

    def _wait(self, quoted: str, progress: ProgressCallback) -> None:
        started = time.monotonic()
        deadline = started + self.timeout
        while True:
            check = request_json("GET", join(self.url, f"/api/v2/generate/check/{quoted}"),
                                 headers=self._headers(), timeout=10)
            if not isinstance(check, dict):
                raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                      detail="generate/check: not an object")
            if check.get("faulted"):
                raise GenerationError(N_("The AI Horde could not make this picture."), detail="generate/check: faulted")
            if check.get("is_possible") is False:
                raise GenerationError(N_("No AI Horde worker can make this picture right now (model or size)."),
                                      retryable=False, detail="generate/check: is_possible false")
            if check.get("done"):
                return
            if time.monotonic() > deadline:
                raise GenerationError(N_("The image server took too long to make the picture."),
                                      detail=f"not done within {self.timeout:.0f} s")
            progress(_fraction(check, time.monotonic() - started), _note(check))
            time.sleep(self.poll)


def _fraction(check: dict, elapsed: float) -> float:
    """Waiting in the queue counts for little; once processing, elapsed against the wait left."""
    wait = check.get("wait_time")
    if not check.get("processing") and not check.get("finished"):
        return 0.05
    if isinstance(wait, (int, float)) and wait >= 0:
        return 0.1 + 0.85 * elapsed / (elapsed + wait + 1e-9)
    return 0.5


def _note(check: dict) -> str:
    """What the member reads while the Horde works: place in its queue, then the wait left."""
    wait = check.get("wait_time")
    about = f", about {int(wait)} s" if isinstance(wait, (int, float)) and wait > 0 else ""
    if not check.get("processing") and isinstance(check.get("queue_position"), int) and check["queue_position"] > 0:
        return f"Number {check['queue_position']} in the AI Horde queue{about}"
    if check.get("processing"):
        return f"A Horde worker is drawing it{about}"
    return f"Waiting for an AI Horde worker{about}"


def _multiple_of_64(value: int) -> int:
    return max(64, round(value / 64) * 64)
