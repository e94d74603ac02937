"""Building the activities we send: Create/Update/Delete of Notes, Like, Announce, Follow, Accept, Reject,
Undo.

A Note carries the picture(s) as Image attachments (url, mediaType, width, height, name = alt text),
the caption (and the prompt, when the author shows it) as HTML, and the generation parameters in
our own extension namespace (`easel:generation`).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid

from federation import AS_CONTEXT, EASEL_NS, PUBLIC, actor_uri, base_url, post_uri

CONTEXT = [AS_CONTEXT, {"easel": EASEL_NS, "generation": "easel:generation", "sensitive": "as:sensitive"}]


def iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in text.split("\n\n") if part)


def note(config, post: dict, reply_to_uri: str | None = None) -> dict:
    """A hydrated local post as a Note."""
    author = actor_uri(config, post["username"])
    content = _paragraphs(post["caption"] or "")
    if post.get("show_prompt") and post.get("prompt"):
        content += f'<p class="easel-prompt">Prompt: {html.escape(post["prompt"])}</p>'
    obj = {
        "id": post_uri(config, post["id"]),
        "type": "Note",
        "attributedTo": author,
        "content": content,
        "url": post_uri(config, post["id"]),
        "published": iso(post["created_at"]),
        "to": [PUBLIC],
        "cc": [f"{author}/followers"],
        "inReplyTo": reply_to_uri,
        "sensitive": False,
        "attachment": [
            {"type": "Image", "mediaType": "image/png", "url": f"{base_url(config)}/media/{image['name']}",
             "width": image["width"], "height": image["height"], "name": image["alt"] or ""}
            for image in post.get("images", []) if image.get("name")
        ],
    }
    if post.get("generation_id") and post.get("prompt") is not None:
        generation = {"seed": post["seed"], "style": post["style"], "size": f"{post['width']}x{post['height']}",
                      "backend": post["backend"]}
        if post.get("show_prompt"):
            generation["prompt"] = post["prompt"]
        obj["easel:generation"] = generation
    if reply_to_uri:
        obj["cc"].append(reply_to_uri.rsplit("/p/", 1)[0] if "/p/" in reply_to_uri else reply_to_uri)
    return obj


def _activity(kind: str, actor: str, obj, activity_id: str | None = None, to=None, cc=None) -> dict:
    activity = {"@context": CONTEXT, "id": activity_id or f"{actor}#{kind.lower()}-{uuid.uuid4().hex}",
                "type": kind, "actor": actor, "object": obj}
    if to is not None:
        activity["to"] = to
    if cc is not None:
        activity["cc"] = cc
    return activity


def create(config, post: dict, reply_to_uri: str | None = None, extra_cc: list[str] | None = None) -> dict:
    obj = note(config, post, reply_to_uri)
    obj["cc"] = obj["cc"] + list(extra_cc or [])
    return _activity("Create", obj["attributedTo"], obj, f"{obj['id']}#create", obj["to"], obj["cc"])


def update_note(config, post: dict, reply_to_uri: str | None = None) -> dict:
    obj = note(config, post, reply_to_uri)
    obj["updated"] = iso(dt.datetime.now(dt.timezone.utc).timestamp())
    return _activity("Update", obj["attributedTo"], obj, to=obj["to"], cc=obj["cc"])


def delete(config, username: str, post_id: int) -> dict:
    actor = actor_uri(config, username)
    uri = post_uri(config, post_id)
    return _activity("Delete", actor, {"id": uri, "type": "Tombstone"}, f"{uri}#delete", [PUBLIC],
                     [f"{actor}/followers"])


def delete_actor(config, username: str) -> dict:
    """The member deleted their account."""
    actor = actor_uri(config, username)
    return _activity("Delete", actor, actor, f"{actor}#delete", [PUBLIC])


def update_person(config, person: dict) -> dict:
    return _activity("Update", person["id"], person, to=[PUBLIC], cc=[f"{person['id']}/followers"])


def like(config, username: str, object_uri: str) -> dict:
    actor = actor_uri(config, username)
    return _activity("Like", actor, object_uri, f"{actor}#likes/{uuid.uuid5(uuid.NAMESPACE_URL, object_uri).hex}")


def announce(config, username: str, object_uri: str, author_uri: str) -> dict:
    actor = actor_uri(config, username)
    activity_id = f"{actor}#announces/{uuid.uuid5(uuid.NAMESPACE_URL, object_uri).hex}"
    return _activity("Announce", actor, object_uri, activity_id, [PUBLIC], [author_uri, f"{actor}/followers"])


def follow(config, username: str, target_uri: str) -> dict:
    actor = actor_uri(config, username)
    return _activity("Follow", actor, target_uri, f"{actor}#follows/{uuid.uuid5(uuid.NAMESPACE_URL, target_uri).hex}")


def accept(config, username: str, follow_activity: dict) -> dict:
    return _activity("Accept", actor_uri(config, username), follow_activity)


def reject(config, username: str, follow_activity: dict) -> dict:
    """A locked member said no to a follow request."""
    return _activity("Reject", actor_uri(config, username), follow_activity)


def follow_of(config, follower_uri: str, username: str, activity_id: str | None) -> dict:
    """The Follow a remote account sent one of our members, rebuilt from its stored id for Accept/Reject."""
    target = actor_uri(config, username)
    return {"id": activity_id or f"{follower_uri}#follows/{uuid.uuid5(uuid.NAMESPACE_URL, target).hex}",
            "type": "Follow", "actor": follower_uri, "object": target}


def undo(config, username: str, activity: dict) -> dict:
    inner = dict(activity)
    inner.pop("@context", None)
    return _activity("Undo", actor_uri(config, username), inner, f"{activity['id']}/undo")
