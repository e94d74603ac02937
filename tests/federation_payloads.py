"""Real-world payload shapes (written from Mastodon's, GoToSocial's and Pixelfed's public docs and
what their servers send), with the actor and object URIs filled in by the test."""

from __future__ import annotations

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MASTODON_CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#",
     "sensitive": "as:sensitive", "Hashtag": "as:Hashtag", "blurhash": "toot:blurhash"},
]


def mastodon_follow(actor: str, target: str) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor.rsplit('/users/', 1)[0]}/"
            "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "type": "Follow", "actor": actor, "object": target}


def mastodon_undo(actor: str, inner: dict) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{inner['id']}/undo", "type": "Undo",
            "actor": actor, "object": {k: v for k, v in inner.items() if k != "@context"}}


def mastodon_like(actor: str, note: str) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}#likes/4242", "type": "Like",
            "actor": actor, "object": note}


def mastodon_announce(actor: str, note: str, author: str) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}/statuses/111222333/activity",
            "type": "Announce", "actor": actor, "published": "2026-11-26T12:00:00Z", "to": [PUBLIC],
            "cc": [author, f"{actor}/followers"], "object": note}


def mastodon_reply(actor: str, note_id: str, in_reply_to: str, mention_href: str, mention: str) -> dict:
    note = {
        "id": note_id, "type": "Note", "summary": None, "inReplyTo": in_reply_to,
        "published": "2026-11-26T12:00:00Z", "url": note_id.replace("/users/", "/@").replace("/statuses/", "/"),
        "attributedTo": actor, "to": [PUBLIC], "cc": [f"{actor}/followers", mention_href], "sensitive": False,
        "atomUri": note_id, "inReplyToAtomUri": in_reply_to,
        "conversation": "tag:remote,2026-11-26:objectId=1:objectType=Conversation",
        "content": f'<p><span class="h-card" translate="no"><a href="{mention_href}" class="u-url mention">'
                   f'@<span>{mention}</span></a></span> What a lovely &amp; calm sea!</p>',
        "contentMap": {"en": "<p>What a lovely sea!</p>"}, "attachment": [],
        "tag": [{"type": "Mention", "href": mention_href, "name": f"@{mention}"}],
        "replies": {"id": f"{note_id}/replies", "type": "Collection"},
    }
    return {"@context": MASTODON_CONTEXT, "id": f"{note_id}/activity", "type": "Create", "actor": actor,
            "published": note["published"], "to": note["to"], "cc": note["cc"], "object": note,
            "signature": {"type": "RsaSignature2017", "creator": f"{actor}#main-key", "signatureValue": "xx"}}


def pixelfed_create(actor: str, note_id: str, images: list[tuple[str, str]]) -> dict:
    """Pixelfed's Create of a photo post (its Note carries Image attachments with name = alt text)."""
    note = {
        "id": note_id, "type": "Note", "summary": None, "content": "<p>Morning at the harbour #photo</p>",
        "inReplyTo": None, "published": "2026-11-26T08:00:00+00:00", "url": note_id, "attributedTo": actor,
        "to": [PUBLIC], "cc": [f"{actor}/followers"], "sensitive": False,
        "attachment": [{"type": "Image", "mediaType": "image/jpeg", "url": url, "name": alt,
                        "blurhash": "U8Fi:", "width": 1080, "height": 1350} for url, alt in images],
        "tag": [{"type": "Hashtag", "href": "https://pixelfed.example/discover/tags/photo", "name": "#photo"}],
        "commentsEnabled": True, "capabilities": {"announce": PUBLIC, "like": PUBLIC, "reply": PUBLIC},
    }
    return {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": f"{note_id}/activity", "type": "Create", "actor": actor, "to": note["to"], "cc": note["cc"],
            "object": note}


def mastodon_delete(actor: str, note_id: str) -> dict:
    return {"@context": MASTODON_CONTEXT, "id": f"{note_id}#delete", "type": "Delete", "actor": actor,
            "to": [PUBLIC], "object": {"id": note_id, "type": "Tombstone", "atomUri": note_id}}


def gotosocial_actor(base: str, name: str, public_pem: str) -> dict:
    """A GoToSocial Person: its key id is `<actor>/main-key` (a path, not a fragment)."""
    uri = f"{base}/users/{name}"
    return {
        "@context": ["https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams",
                     "http://joinmastodon.org/ns", "https://gotosocial.org/ns"],
        "id": uri, "type": "Person", "preferredUsername": name, "name": "Gia on GtS",
        "summary": "<p>slow posts</p>", "url": f"{base}/@{name}", "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox", "followers": f"{uri}/followers", "following": f"{uri}/following",
        "featured": f"{uri}/collections/featured", "manuallyApprovesFollowers": False, "discoverable": True,
        "endpoints": {"sharedInbox": f"{base}/sharedInbox"},
        "icon": {"type": "Image", "mediaType": "image/png", "url": f"{base}/fileserver/avatar.png"},
        "publicKey": {"id": f"{uri}/main-key", "owner": uri, "publicKeyPem": public_pem},
    }


def gotosocial_key(base: str, name: str, public_pem: str) -> dict:
    """What GoToSocial answers at the key id: a stub naming the owner."""
    uri = f"{base}/users/{name}"
    return {"@context": ["https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"],
            "id": uri, "type": "Person", "preferredUsername": name,
            "publicKey": {"id": f"{uri}/main-key", "owner": uri, "publicKeyPem": public_pem}}
