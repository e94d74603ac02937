"""AUTOMATIC1111's API (also Forge, SD.Next and stable-diffusion.cpp's compatible server).

txt2img blocks until the images exist, so it runs in a thread while this one polls
/sdapi/v1/progress (global to the server: it runs one job at a time) and reports it.
"""

from __future__ import annotations

import base64
import json

from imagegen.base import N_, GenerationError, GenerationRequest, GenerationResult, ProgressCallback
from imagegen.http import decode_base64, decode_image, join, request, request_json
from imagegen.remote import RemoteBackend, wait_for


class A1111Backend(RemoteBackend):
    kind = "automatic1111"
    label = "AUTOMATIC1111"
    default_url = "http://127.0.0.1:7860"

    def _headers(self) -> dict:
        if not self.secret:
            return {}
        # --api-auth takes user:password; HTTP Basic.
        token = base64.b64encode(self.secret.encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def health(self) -> str:
        models = request_json("GET", join(self.url, "/sdapi/v1/sd-models"), headers=self._headers(), timeout=10)
        if not isinstance(models, list):
            raise GenerationError(N_("The server answered, but not like AUTOMATIC1111."), retryable=False)
        names = [str(m.get("title") or m.get("model_name")) for m in models if isinstance(m, dict)]
        return f"{len(names)} model(s)" + (f": {', '.join(names[:3])}" if names else "")

    def generate(self, request_: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        body = {
            "prompt": request_.prompt,
            "negative_prompt": request_.negative_prompt,
            "seed": request_.seed,
            "steps": self.steps,
            "width": request_.width,
            "height": request_.height,
            "batch_size": request_.count,
            "n_iter": 1,
        }
        if self.model:
            body["override_settings"] = {"sd_model_checkpoint": self.model}
        headers = self._headers()

        def call():
            return request_json("POST", join(self.url, "/sdapi/v1/txt2img"), body=body, headers=headers,
                                timeout=self.call_timeout())

        def poll():
            try:
                state = request_json("GET", join(self.url, "/sdapi/v1/progress?skip_current_image=true"),
                                     headers=headers, timeout=5)
            except GenerationError:
                return None  # progress is a nicety; the txt2img call decides success
            if not isinstance(state, dict) or not isinstance(state.get("progress"), (int, float)):
                return None
            eta = state.get("eta_relative")
            if isinstance(eta, (int, float)) and eta >= 1 and state["progress"] > 0:
                return float(state["progress"]), f"About {round(eta)} s left"
            return float(state["progress"])

        def cancel():
            request("POST", join(self.url, "/sdapi/v1/interrupt"), body={}, headers=headers, timeout=5)

        progress(0.0)
        answer = wait_for(call, progress, poll=poll, cancel=cancel, timeout=self.timeout, interval=self.poll)
        if not isinstance(answer, dict) or not isinstance(answer.get("images"), list):
            raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                  detail="txt2img: no images list")
        encoded = answer["images"][: request_.count]
        images = [decode_image(decode_base64(item), self.max_pixels) for item in encoded]
        info = {"backend": self.kind, "model": self.model, "seed_sent": request_.seed}
        reported = _parse_info(answer.get("info"))
        if "seed" in reported:
            info["seed_reported"] = reported["seed"]
        if reported.get("all_seeds"):
            info["seeds_reported"] = reported["all_seeds"][: request_.count]
        if reported.get("sd_model_name") and not self.model:
            info["model"] = reported["sd_model_name"]
        progress(1.0)
        return GenerationResult(images=images, info=info, version=self.version)


def _parse_info(info) -> dict:
    """A1111 sends `info` as a JSON string; stable-diffusion.cpp sends ""."""
    if isinstance(info, dict):
        return info
    try:
        parsed = json.loads(info) if isinstance(info, str) and info else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
