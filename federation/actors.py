"""Actor documents: ours (a Person per member) and theirs (fetched, checked, stored as users rows)."""

from __future__ import annotations

import html
import re
import sqlite3
from urllib.parse import urlsplit

from federation import AS_CONTEXT, SECURITY_CONTEXT, actor_uri, allow_private, base_url, fetch, keys
from models import federation as fed_model

ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")


def local_key(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    """The member's key pair, made on first need."""
    return fed_model.key_pair(conn, user_id, keys.generate)


def person(config, conn: sqlite3.Connection, member, avatar_url: str | None, summary_html: str) -> dict:
    """A member's Person document."""
    uri = actor_uri(config, member["username"])
    key = local_key(conn, member["id"])
    doc = {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": uri,
        "type": "Person",
        "preferredUsername": member["username"],
        "name": member["display_name"] or member["username"],
        "summary": summary_html,
        "url": uri,
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "followers": f"{uri}/followers",
        "following": f"{uri}/following",
        "manuallyApprovesFollowers": bool(member["locked"]),
        "discoverable": True,
        "published": _iso(member["created_at"]),
        "endpoints": {"sharedInbox": f"{base_url(config)}/inbox"},
        "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": key["public_pem"]},
    }
    if avatar_url:
        doc["icon"] = {"type": "Image", "mediaType": "image/webp", "url": avatar_url}
    return doc


def _iso(timestamp: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_TAGS = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<\s*(br|/p)\s*/?\s*>", re.I)


def html_to_text(value) -> str:
    """Plain text from the little HTML servers put in summaries and Notes (we never render their HTML)."""
    if not isinstance(value, str):
        return ""
    text = _BREAKS.sub("\n", value)
    text = html.unescape(_TAGS.sub("", text))
    return "\n".join(line.strip() for line in text.strip().splitlines()).strip()


def _url_of(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("href")
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("href")
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


class ActorError(Exception):
    """The document is not a usable actor."""


def parse_actor(doc: dict) -> tuple[str, dict]:
    """(actor URI, the users row fields) from a remote actor document; ActorError when unusable."""
    uri = doc.get("id")
    if not isinstance(uri, str) or doc.get("type") not in ACTOR_TYPES:
        raise ActorError("not an actor")
    host = urlsplit(uri).netloc.lower()
    name = doc.get("preferredUsername")
    inbox = doc.get("inbox")
    key = doc.get("publicKey") or {}
    if isinstance(key, list):
        key = next((k for k in key if isinstance(k, dict)), {})
    if not host or not isinstance(name, str) or not name or len(name) > 100 or not isinstance(inbox, str):
        raise ActorError("actor without a name or inbox")
    if not isinstance(key, dict) or not isinstance(key.get("publicKeyPem"), str):
        raise ActorError("actor without a public key")
    if key.get("owner") not in (None, uri) or urlsplit(str(key.get("id", ""))).netloc.lower() != host:
        raise ActorError("the key belongs to someone else")
    if urlsplit(inbox).netloc.lower() != host:
        raise ActorError("inbox on another host")
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox")
    return uri, {
        "username": name,
        "domain": host,
        "display_name": (doc.get("name") if isinstance(doc.get("name"), str) else "")[:100],
        "bio": html_to_text(doc.get("summary"))[:1000],
        "inbox_url": inbox,
        "shared_inbox_url": shared if isinstance(shared, str) and urlsplit(shared).netloc.lower() == host else None,
        "public_key_id": key["id"],
        "public_key_pem": key["publicKeyPem"],
        "profile_url": _url_of(doc.get("url")) or uri,
        "avatar_url": _url_of(doc.get("icon")),
        "locked": 1 if doc.get("manuallyApprovesFollowers") is True else 0,
    }


def fetch_actor(config, conn: sqlite3.Connection, uri: str) -> sqlite3.Row:
    """Fetch a remote actor and store (or refresh) its row; FetchError or ActorError when it fails."""
    doc = fetch.fetch_json(uri.split("#", 1)[0], allow_private=allow_private(config))
    actor_id, fields = parse_actor(doc)
    if urlsplit(actor_id).netloc.lower() != urlsplit(uri).netloc.lower():
        raise ActorError("the actor document names another host")
    return fed_model.upsert_remote(conn, actor_id, fields)


def fetch_by_key_id(config, conn: sqlite3.Connection, key_id: str) -> sqlite3.Row:
    """The actor that owns a key: Mastodon's keyId is `actor#main-key` (the actor document);
    GoToSocial's is `actor/main-key`, a small document naming its owner."""
    url = key_id.split("#", 1)[0]
    doc = fetch.fetch_json(url, allow_private=allow_private(config))
    if doc.get("type") in ACTOR_TYPES and doc.get("id") == url and doc.get("inbox"):
        actor_id, fields = parse_actor(doc)
        return fed_model.upsert_remote(conn, actor_id, fields)
    key = doc.get("publicKey") if isinstance(doc.get("publicKey"), dict) else doc
    owner = key.get("owner") or doc.get("owner")
    if not isinstance(owner, str) or urlsplit(owner).netloc.lower() != urlsplit(url).netloc.lower():
        raise ActorError("the key names no owner on its own host")
    return fetch_actor(config, conn, owner)


def remote_actor(config, conn: sqlite3.Connection, uri: str, refresh: bool = False) -> sqlite3.Row:
    """The stored remote actor, fetched when unknown (or when asked to refresh)."""
    row = fed_model.by_actor_uri(conn, uri)
    if row is not None and row["domain"] is None:
        raise ActorError("that is one of our own members")
    if row is None or refresh or not row["public_key_pem"]:
        return fetch_actor(config, conn, uri)
    return row
