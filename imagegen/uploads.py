"""Pure Pillow functions for member uploads: decode safely, then re-encode from pixels only.

Nothing a member uploads is ever stored as sent: the bytes are decoded (after checking the
format and the pixel count from the header alone), turned upright by their EXIF orientation,
and rebuilt as a fresh image without any metadata (EXIF, GPS, ICC, XMP, comments).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
AVATAR_SIZE = 400


class UploadError(Exception):
    """A rejected upload; `code` is one of: empty, too_large, type, too_many_pixels, broken."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def decode_upload(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode uploaded bytes into an upright RGB image with no metadata, or raise UploadError."""
    if not data:
        raise UploadError("empty")
    if len(data) > max_bytes:
        raise UploadError("too_large")
    with warnings.catch_warnings():
        # Pillow warns (and past 2x its limit, raises) on huge images: both mean "too many pixels".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise UploadError("too_many_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise UploadError("type") from None
        if image.format not in ALLOWED_FORMATS:
            raise UploadError("type")
        # The header gives the size before any pixel is decoded.
        if image.width * image.height > max_pixels:
            raise UploadError("too_many_pixels")
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise UploadError("too_many_pixels") from None
        except (OSError, SyntaxError, ValueError):
            raise UploadError("broken") from None
    return _pixels_only(image)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB image holding only the pixels (transparency flattened onto white)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    return Image.frombytes("RGB", flat.size, flat.tobytes())


def square(image: Image.Image, size: int = AVATAR_SIZE) -> Image.Image:
    """Centre-crop to a square and scale to size x size (smaller images are scaled up)."""
    cropped = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    return Image.frombytes("RGB", cropped.size, cropped.convert("RGB").tobytes())


def avatar_from_upload(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS,
                       size: int = AVATAR_SIZE) -> Image.Image:
    """Uploaded bytes -> a clean square avatar image, or UploadError."""
    return square(decode_upload(data, max_bytes, max_pixels), size)


def avatar_from_file(path, size: int = AVATAR_SIZE) -> Image.Image:
    """One of our own stored images (a generation) -> a square avatar image."""
    with Image.open(path) as image:
        image.load()
        return square(_pixels_only(image), size)
