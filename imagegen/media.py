"""Pure Pillow functions for stored images: content-addressed PNG originals and WebP thumbnails."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

from PIL import Image

THUMB_MAX_WIDTH = 640
MEDIA_NAME_RE = re.compile(r"[0-9a-f]{64}(?:\.png|-thumb\.webp)")


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def make_thumbnail(image: Image.Image) -> Image.Image:
    """At most THUMB_MAX_WIDTH wide, aspect kept."""
    if image.width <= THUMB_MAX_WIDTH:
        return image
    height = round(image.height * THUMB_MAX_WIDTH / image.width)
    return image.resize((THUMB_MAX_WIDTH, height), Image.Resampling.LANCZOS)


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically; an existing file with this content-addressed name is already right."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def store_image(image: Image.Image, media_dir: str | os.PathLike) -> dict:
    """Save the original and its thumbnail; return the names and sizes for a media row."""
    image = image.convert("RGB")
    png = encode_png(image)
    digest = hashlib.sha256(png).hexdigest()
    thumb = make_thumbnail(image)
    buffer = io.BytesIO()
    thumb.save(buffer, format="WEBP", quality=82, method=4)
    folder = Path(media_dir)
    name, thumb_name = f"{digest}.png", f"{digest}-thumb.webp"
    _write_once(folder / name, png)
    _write_once(folder / thumb_name, buffer.getvalue())
    return {
        "name": name,
        "thumb_name": thumb_name,
        "width": image.width,
        "height": image.height,
        "thumb_width": thumb.width,
        "thumb_height": thumb.height,
    }
