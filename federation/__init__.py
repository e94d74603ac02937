"""Federation (issue 10): ActivityPub with Mastodon's HTTP Signatures.

Federation is on only when the instance has a public URL (`--public-url`, EASEL_PUBLIC_URL) and an
admin has not turned it off (instance setting `federation_enabled`). Nothing here reads Flask
request state: callers pass the app config (a plain mapping) and a database connection.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from models import instance

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AP_TYPES = ("application/activity+json", "application/ld+json")
EASEL_NS = "https://easel.invalid/ns#"  # our extension namespace: generation parameters


def base_url(config) -> str:
    return str(config.get("PUBLIC_URL") or "").rstrip("/")


def local_host(config) -> str:
    """The host (with a port when not the default) members' handles end in: name@host."""
    return urlsplit(base_url(config)).netloc.lower()


def enabled(config, conn: sqlite3.Connection) -> bool:
    """On only with a public URL, and while the admin setting allows it."""
    if not base_url(config):
        return False
    return bool(instance.get(conn, "federation_enabled"))


def allow_private(config) -> bool:
    """Fetch and deliver to private/loopback addresses and over plain http (tests, a LAN)."""
    return bool(config.get("ALLOW_PRIVATE_FEDERATION"))


def actor_uri(config, username: str) -> str:
    return f"{base_url(config)}/u/{username}"


def post_uri(config, post_id: int) -> str:
    return f"{base_url(config)}/p/{post_id}"


def local_post_id(config, uri: str) -> int | None:
    """Our post id when `uri` is one of our post URIs, else None."""
    prefix = base_url(config) + "/p/"
    if not prefix or not isinstance(uri, str) or not uri.startswith(prefix):
        return None
    rest = uri[len(prefix):]
    return int(rest) if rest.isdigit() and len(rest) < 19 else None


def local_username(config, uri: str) -> str | None:
    """The member name when `uri` is one of our actor URIs, else None."""
    prefix = base_url(config) + "/u/"
    if not prefix or not isinstance(uri, str) or not uri.startswith(prefix):
        return None
    rest = uri[len(prefix):]
    return rest if rest and "/" not in rest and "#" not in rest else None
