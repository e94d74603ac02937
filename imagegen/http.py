"""What every remote backend needs: capped HTTP calls, JSON, base64 and image decoding, error mapping.

Only the stdlib (urllib): no redirects are followed (a server cannot bounce us to another host or
scheme), no proxies from the environment, every read is size- and time-capped, and every failure
becomes a GenerationError with a short message a member can read and a `retryable` flag.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import io
import json
import math
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

from PIL import Image

import gate
from imagegen.base import N_, GenerationError

MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a batch of four base64 PNGs fits comfortably
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
CHUNK = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def check_url(url: str) -> str:
    """An http(s) URL without embedded credentials, trailing slash removed; ValueError otherwise."""
    url = (url or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("only http:// and https:// addresses are allowed")
    if parts.username or parts.password:
        raise ValueError("put credentials in the credentials field, not in the address")
    return url.rstrip("/")


def join(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _read_capped(response, limit: int, deadline: float) -> bytes:
    chunks, total = [], 0
    while True:
        if time.monotonic() > deadline:
            raise GenerationError(N_("The image server took too long to send the picture."),
                                  detail="read deadline passed")
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise GenerationError(N_("The image server sent more data than Easel accepts."), retryable=False,
                                  detail=f"response over {limit} bytes")
        chunks.append(chunk)


def _server_message(body: bytes) -> str:
    """The error text a server put in its JSON body (A1111, OpenAI, Horde shapes), shortened."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error.get("type") or "")[:200]
        for key in ("message", "detail", "error", "errors"):
            if data.get(key):
                return str(data[key])[:200]
    return ""


def http_error(status: int, body: bytes, where: str) -> GenerationError:
    """Map an HTTP error status to what a member reads and whether a retry can help."""
    detail = f"{where}: HTTP {status} {_server_message(body)}".strip()
    if status in (401, 403):
        return GenerationError(N_("The image server refused Easel's credentials; an admin needs to check them."),
                               retryable=False, detail=detail)
    if status == 429:
        return GenerationError(N_("The image server is busy; Easel will try again shortly."), detail=detail)
    if status >= 500:
        return GenerationError(N_("The image server had an internal error."), detail=detail)
    message = _server_message(body)
    return GenerationError(
        f"The image server rejected the request: {message}" if message
        else N_("The image server rejected the request."),
        retryable=False, detail=detail)


def request(method: str, url: str, *, body: dict | None = None, headers: dict | None = None,
            timeout: float = 30.0, limit: int = MAX_RESPONSE_BYTES) -> tuple[int, bytes]:
    """One HTTP call; returns (status, body) for 2xx, raises GenerationError for everything else."""
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Accept": "application/json", "User-Agent": "Easel"}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    where = f"{method} {urllib.parse.urlsplit(url).path}"
    deadline = time.monotonic() + timeout
    try:
        with gate.opened(), _opener.open(req, timeout=timeout) as response:  # others go on meanwhile
            return response.status, _read_capped(response, limit, deadline)
    except urllib.error.HTTPError as exc:
        with exc:
            try:
                payload = exc.read(64 * 1024)
            except OSError:
                payload = b""
        if 300 <= exc.code < 400:
            raise GenerationError(N_("The image server answered with a redirect, which Easel does not follow."),
                                  retryable=False, detail=f"{where}: HTTP {exc.code}") from None
        raise http_error(exc.code, payload, where) from None
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason, where) from None
    except (TimeoutError, socket.timeout) as exc:
        raise _network_error(exc, where) from None
    except (ConnectionError, http.client.HTTPException) as exc:
        raise _network_error(exc, where) from None


def _network_error(reason, where: str) -> GenerationError:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        error = GenerationError(N_("The image server took too long to answer."), detail=f"{where}: timed out")
    elif isinstance(reason, ConnectionRefusedError):
        error = GenerationError(N_("The image server is not answering (connection refused)."),
                                detail=f"{where}: connection refused")
    else:
        error = GenerationError(N_("The image server could not be reached."), detail=f"{where}: {reason}")
    error.unreachable = True  # the studio shows the server as down
    return error


def request_json(method: str, url: str, **kwargs):
    """request() and parse the JSON answer; malformed JSON is not worth a retry."""
    status, payload = request(method, url, **kwargs)
    return parse_json(payload, url)


def parse_json(payload: bytes, where: str = ""):
    try:
        return json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise GenerationError(N_("The image server sent a reply Easel cannot read."), retryable=False,
                              detail=f"{urllib.parse.urlsplit(where).path}: malformed JSON {payload[:80]!r}") from None


def decode_base64(text) -> bytes:
    """Base64 image data, with or without a `data:image/...;base64,` prefix."""
    if not isinstance(text, str) or not text:
        raise GenerationError(N_("The image server sent a broken image."), retryable=False, detail="no image data")
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise GenerationError(N_("The image server sent a broken image."), retryable=False,
                              detail="invalid base64") from None


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_IMAGE_BYTES) -> Image.Image:
    """Decode untrusted bytes with Pillow under size limits; returns a loaded RGB image."""
    if len(data) > max_bytes:
        raise GenerationError(N_("The picture from the image server is too large."), retryable=False,
                              detail=f"{len(data)} bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise GenerationError(N_("The picture from the image server is too large."), retryable=False,
                                      detail=f"{width}x{height} over {max_pixels} pixels")
            image.load()
            return image.convert("RGB")
    except GenerationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise GenerationError(N_("The picture from the image server is too large."), retryable=False,
                              detail="decompression bomb") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise GenerationError(N_("The image server sent something that is not a picture."), retryable=False,
                              detail=f"not an image: {exc}") from None


def fetch_image(url: str, *, timeout: float, max_pixels: int = MAX_PIXELS,
                max_bytes: int = MAX_IMAGE_BYTES) -> Image.Image:
    """Download a picture by URL (http/https only), size- and time-capped, then decode it."""
    try:
        url = check_url(url)
    except ValueError:
        raise GenerationError(N_("The image server pointed at a picture Easel may not fetch."), retryable=False,
                              detail=f"refused image URL scheme: {url[:60]!r}") from None
    _status, data = request("GET", url, headers={"Accept": "image/*"}, timeout=timeout, limit=max_bytes)
    return decode_image(data, max_pixels, max_bytes)


class Elapsed:
    """Progress by elapsed time against an expected duration, for servers that report none.

    Climbs towards 0.9 and slows down as it gets there, so it never claims to be done.
    """

    def __init__(self, expected: float):
        self.start = time.monotonic()
        self.expected = max(1.0, expected)

    def fraction(self) -> float:
        return 0.9 * (1 - math.exp(-(time.monotonic() - self.start) / self.expected))
