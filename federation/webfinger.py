"""WebFinger (RFC 7033): our answers, and looking up `@name@host` elsewhere."""

from __future__ import annotations

import re
from urllib.parse import quote

from federation import actor_uri, allow_private, fetch

HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_.\-]{1,100})@([A-Za-z0-9.\-]+(?::\d{1,5})?)$")


def parse_handle(text: str) -> tuple[str, str] | None:
    """('name', 'host') from '@name@host' or 'acct:name@host', else None."""
    text = (text or "").strip()
    if text.lower().startswith("acct:"):
        text = text[5:]
    match = HANDLE_RE.match(text)
    return (match.group(1), match.group(2).lower()) if match else None


def jrd(config, username: str, host: str) -> dict:
    uri = actor_uri(config, username)
    return {
        "subject": f"acct:{username}@{host}",
        "aliases": [uri],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": uri},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": uri},
        ],
    }


def lookup(config, username: str, host: str) -> str:
    """The actor URI of name@host by WebFinger; FetchError when there is none."""
    scheme = "http" if allow_private(config) and _plain_http(config, host) else "https"
    url = f"{scheme}://{host}/.well-known/webfinger?resource={quote(f'acct:{username}@{host}')}"
    doc = fetch.fetch_json(url, allow_private=allow_private(config), accept="application/jrd+json, application/json")
    for link in doc.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "self" and isinstance(link.get("href"), str) and \
                str(link.get("type", "")).split(";")[0].strip() in ("application/activity+json", "application/ld+json"):
            return link["href"]
    raise fetch.FetchError(f"no ActivityPub actor for {username}@{host}", retryable=False)


def _plain_http(config, host: str) -> bool:
    """Tests and LANs: plain http for hosts named by address (127.0.0.1:port) when private fetching is allowed."""
    name = host.rsplit(":", 1)[0]
    return bool(re.fullmatch(r"[0-9.]+|localhost", name)) or bool(config.get("FEDERATION_HTTP"))
