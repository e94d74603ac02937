"""Any OpenAI-compatible POST /v1/images/generations (OpenAI, LocalAI, stable-diffusion.cpp, ...).

The call blocks and reports nothing while it works, so progress is elapsed time against an
expected duration (the card shows it as an estimate). There is no seed in this API.
"""

from __future__ import annotations

from imagegen.base import N_, GenerationError, GenerationRequest, GenerationResult, ProgressCallback
from imagegen.http import Elapsed, decode_base64, decode_image, fetch_image, join, request_json
from imagegen.remote import RemoteBackend, wait_for


class OpenAIImagesBackend(RemoteBackend):
    kind = "openai"
    label = "OpenAI-compatible"
    default_url = "https://api.openai.com"

    def _api(self, path: str) -> str:
        # Accept the base with or without /v1, as people copy it both ways.
        base = self.url[:-3] if self.url.endswith("/v1") else self.url
        return join(base, "/v1" + path)

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def health(self) -> str:
        answer = request_json("GET", self._api("/models"), headers=self._headers(), timeout=10)
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            raise GenerationError(N_("The server answered, but not like an OpenAI-compatible API."), retryable=False)
        names = [str(m.get("id")) for m in data if isinstance(m, dict)]
        return f"{len(names)} model(s)" + (f": {', '.join(names[:3])}" if names else "")

    def generate(self, request_: GenerationRequest, progress: ProgressCallback) -> GenerationResult:
        body = {"prompt": request_.prompt, "n": request_.count, "size": f"{request_.width}x{request_.height}",
                "response_format": "b64_json"}
        if self.model:
            body["model"] = self.model
        headers = self._headers()
        elapsed = Elapsed(expected=max(5.0, self.steps * 0.75))

        def call():
            return request_json("POST", self._api("/images/generations"), body=body, headers=headers,
                                timeout=self.call_timeout())

        progress(0.0)
        answer = wait_for(call, progress, poll=elapsed.fraction, cancel=lambda: None, timeout=self.timeout,
                          interval=self.poll)
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list) or not data:
            raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                  detail="images/generations: no data list")
        images = []
        for item in data[: request_.count]:
            if not isinstance(item, dict):
                raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                                      detail="images/generations: data item is not an object")
            if item.get("b64_json"):
                images.append(decode_image(decode_base64(item["b64_json"]), self.max_pixels))
            elif item.get("url"):
                images.append(fetch_image(str(item["url"]), timeout=min(60.0, self.timeout),
                                          max_pixels=self.max_pixels))
            else:
                raise GenerationError(N_("The image server sent a broken image."), retryable=False,
                                      detail="images/generations: item without b64_json or url")
        progress(1.0)
        info = {"backend": self.kind, "model": self.model, "seed_sent": request_.seed}
        return GenerationResult(images=images, info=info, version=self.version)
