"""The style gallery: every style on one prompt and seed, generated once and cached in the media folder."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from imagegen.base import GenerationRequest
from imagegen.media import store_image

GALLERY_PROMPT = "a lighthouse on a cliff at sunset, two sailboats, birds over the sea"
GALLERY_SEED = 7
_lock = threading.Lock()


def style_gallery(backend, media_dir: str) -> list[dict]:
    """[{style, label, name, thumb_name, width, height, ...}] for every style, cached per generator version."""
    version = getattr(backend, "VERSION", "") or backend.name
    index_path = Path(media_dir) / f"style-gallery-{backend.name}.json"
    with _lock:
        cached = _read(index_path)
        if cached.get("version") == version and _complete(cached, backend, media_dir):
            return cached["styles"]
        entries = []
        for key, label in backend.styles():
            request = GenerationRequest(prompt=GALLERY_PROMPT, negative_prompt="", seed=GALLERY_SEED,
                                        width=512, height=512, style=key, count=1)
            result = backend.generate(request, lambda _fraction: None)
            entries.append({"style": key, "label": label, **store_image(result.images[0], media_dir)})
        tmp = index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": version, "styles": entries}))
        os.replace(tmp, index_path)
        return entries


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _complete(cached: dict, backend, media_dir: str) -> bool:
    """The cache is usable when it covers today's styles and its files are still there."""
    styles = cached.get("styles", [])
    if [entry.get("style") for entry in styles] != [key for key, _label in backend.styles()]:
        return False
    return all((Path(media_dir) / entry["thumb_name"]).exists() for entry in styles)
