"""HTTP Signatures as Mastodon uses them (draft-cavage-http-signatures-12, rsa-sha256).

Outgoing: sign `(request-target) host date digest` (GETs: `(request-target) host date`).
Incoming: the Signature header must cover at least `(request-target) host date` and `digest` when
there is a body; the date must be recent and the digest must match the body.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import urlsplit

from federation import keys

MAX_PAST = 12 * 3600  # Mastodon accepts 12 hours of clock skew and queueing
MAX_FUTURE = 300


class SignatureError(Exception):
    """The request is unsigned, or its signature, date or digest is wrong."""


class BadSignature(SignatureError):
    """Well formed, but the key does not verify it (the sender's key may have changed: refetch once)."""


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _target(method: str, url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return f"{method.lower()} {path}", parts.netloc


def signed_headers(method: str, url: str, key_id: str, private_pem: str, body: bytes | None = None,
                   now: float | None = None) -> dict[str, str]:
    """Host, Date, (Digest) and Signature headers for a request."""
    target, host = _target(method, url)
    headers = {"Host": host, "Date": formatdate(now if now is not None else time.time(), usegmt=True)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = digest(body)
        names.append("digest")
    values = {"(request-target)": target, "host": host, "date": headers["Date"], "digest": headers.get("Digest")}
    signing = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signature = base64.b64encode(keys.sign(private_pem, signing)).decode()
    headers["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
                            f'signature="{signature}"')
    return headers


_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def parse(header: str) -> dict[str, str]:
    """The Signature header's parameters; SignatureError when it is not one."""
    params = {}
    position = 0
    header = (header or "").strip()
    while position < len(header):
        match = _PARAM.match(header, position)
        if not match:
            raise SignatureError("malformed Signature header")
        params[match.group(1).lower()] = match.group(2)
        position = match.end()
    if not params.get("keyid") or not params.get("signature"):
        raise SignatureError("Signature header without keyId or signature")
    return params


def key_id_of(headers) -> str:
    """The keyId of a request's Signature header (before it is verified)."""
    return parse(headers.get("Signature") or headers.get("signature") or "")["keyid"]


def verify(method: str, path: str, headers, body: bytes, public_pem: str, now: float | None = None) -> None:
    """Check a signed request (`path` with its query string); raise SignatureError when it fails.

    `headers` is any mapping of header names (werkzeug's Headers or a dict; names in any case).
    """
    headers = {str(name).lower(): value for name, value in headers.items()}
    params = parse(headers.get("signature", ""))
    if params.get("algorithm", "rsa-sha256").lower() not in ("rsa-sha256", "hs2019"):
        raise SignatureError("unsupported algorithm")
    names = params.get("headers", "date").lower().split()
    required = {"(request-target)", "host", "date"} | ({"digest"} if body else set())
    if not required <= set(names):
        raise SignatureError("the signature must cover " + " ".join(sorted(required)))
    date = headers.get("date", "")
    try:
        sent = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        raise SignatureError("bad Date header") from None
    moment = now if now is not None else time.time()
    if sent < moment - MAX_PAST or sent > moment + MAX_FUTURE:
        raise SignatureError("Date is too far from now")
    if body or "digest" in names:
        expected = digest(body or b"")
        given = [part.strip() for part in headers.get("digest", "").split(",")]
        sha = [part for part in given if part[:8].upper() == "SHA-256="]
        if not sha or sha[0][8:] != expected[8:]:
            raise SignatureError("Digest does not match the body")
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        else:
            value = headers.get(name)
            if value is None:
                raise SignatureError(f"signed header {name} is missing")
            lines.append(f"{name}: {value}")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("signature is not base64") from None
    if not keys.verify(public_pem, signature, "\n".join(lines).encode()):
        raise BadSignature("signature does not verify")
