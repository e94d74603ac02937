"""Sharing outward: the Atom feeds of a member and of a tag, and the link-preview tags (OpenGraph,
Twitter card, canonical link) of post and profile pages.

Everything here is read by strangers' software, signed out, so it shows only what a signed-out
visitor sees, every URL is absolute (views.urls.absolute_url: PUBLIC_URL when set), and a prompt
its author hides never appears: not in a title, a description, a summary nor an image's alt text.
The Atom XML is a Jinja template with autoescaping (`atom.xml`): no XML library to install.
"""

from __future__ import annotations

import os
import re
import time

from flask import Blueprint, Flask, abort, current_app, make_response, render_template, request
from flask_babel import gettext as _

from models import syndication, users
from models.db import get_db
from models.text import linkify
from views.helpers import isotime
from views.instance import setting
from views.urls import absolute_url

bp = Blueprint("syndication", __name__)

ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_MAX_AGE = 300  # feed readers poll; five minutes of staleness is what Mastodon's feeds allow too
TITLE_MAX = 80
DESCRIPTION_MAX = 300
# Characters XML 1.0 cannot carry at all, not even escaped: a caption holding one would break the feed.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TAG_NAME = re.compile(r"[^\W\d_]\w{0,49}")  # models.text.TAG_RE without its look-behind


# --- what a post shows outside -----------------------------------------------------------------

def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word and marked with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def shown_prompt(post: dict) -> str:
    """The prompt when its author shows it; empty when hidden (or a text post)."""
    return (post.get("prompt") or "") if post.get("show_prompt") else ""


def image_alt(post: dict, image: dict) -> str:
    """An image's alt text, never a hidden prompt (sharing already refuses that; old rows may not)."""
    alt = (image.get("alt") or "").strip()
    prompt = (post.get("prompt") or "").strip()
    if not post.get("show_prompt") and prompt and (alt == prompt or (len(prompt) >= 8 and prompt in alt)):
        alt = ""
    return alt or post.get("caption") or _("A picture by @%(name)s", name=post["username"])


def post_title(post: dict) -> str:
    text = post.get("caption") or shown_prompt(post)
    if text:
        return shorten(text, TITLE_MAX)
    if post.get("generation_id"):
        return _("A picture by @%(name)s", name=post["username"])
    return _("A post by @%(name)s", name=post["username"])


def publicly_visible(post: dict | None) -> bool:
    """What a signed-out visitor may see: the author sees their held or hidden post, strangers must not.
    Only local posts: a remote post's preview and canonical URL belong to its own server."""
    return (bool(post) and not post.get("deleted_at") and post.get("moderation") is None
            and post.get("author_status") == "active" and not post.get("domain"))


def _images(post: dict) -> list[dict]:
    """The post's full-size pictures with absolute URLs (remote media keep their own URL)."""
    images = []
    for image in post.get("images") or []:
        if image.get("name"):
            url, kind = absolute_url("media.file", name=image["name"]), "image/png"
        elif image.get("remote_url"):
            url, kind = image["remote_url"], ""
        else:
            continue
        images.append({"url": url, "type": kind, "name": image.get("name"), "width": image["width"],
                       "height": image["height"], "alt": image_alt(post, image)})
    return images


def _author_name(post_or_member: dict) -> str:
    return post_or_member.get("display_name") or post_or_member["username"]


# --- link previews -----------------------------------------------------------------------------

def post_share_meta(post: dict | None) -> dict | None:
    """The preview tags of a post page; None for a post strangers may not see (no tags at all)."""
    if not publicly_visible(post):
        return None
    images = _images(post)
    name = _author_name(post)
    return {
        "url": absolute_url("posts.post", post_id=post["id"]),
        "type": "article",
        "title": _("%(name)s (@%(username)s)", name=name, username=post["username"]),
        "description": shorten(post.get("caption") or shown_prompt(post), DESCRIPTION_MAX),
        "images": images,
        "card": "summary_large_image" if images else "summary",
        "published": isotime(post["created_at"]),
        "author_url": absolute_url("profiles.profile", username=post["username"]),
    }


def profile_share_meta(member: dict) -> dict | None:
    """The preview tags of a profile page (any of its tabs); None for a suspended member."""
    if member.get("status") != "active":
        return None
    endpoint = request.endpoint if (request.endpoint or "").startswith("profiles.") else "profiles.profile"
    avatar = syndication.avatar_image(get_db(), member["id"])
    name = _author_name(member)
    images = []
    if avatar is not None:
        images.append({"url": absolute_url("media.file", name=avatar["name"]), "type": "image/png",
                       "width": avatar["width"], "height": avatar["height"],
                       "alt": _("The avatar of @%(name)s", name=member["username"])})
    return {
        "url": absolute_url(endpoint, username=member["username"]),
        "type": "profile",
        "title": _("%(name)s (@%(username)s)", name=name, username=member["username"]),
        "description": shorten(member.get("bio") or "", DESCRIPTION_MAX),
        "images": images,
        "card": "summary",
        "username": member["username"],
        "feed_url": absolute_url("syndication.member_feed", username=member["username"]),
        "feed_title": _("Posts by @%(name)s", name=member["username"]),
    }


# --- Atom --------------------------------------------------------------------------------------

def _enclosure_length(name: str | None) -> int | None:
    if not name:
        return None
    try:
        return os.path.getsize(os.path.join(current_app.config["MEDIA_DIR"], name))
    except OSError:
        return None  # a missing file (the doctor reports those): no enclosure rather than a wrong one


def _entry(post: dict) -> dict:
    url = absolute_url("posts.post", post_id=post["id"])
    images = _images(post)
    for image in images:
        image["length"] = _enclosure_length(image["name"])
    caption = linkify(post.get("caption") or "",
                      lambda name: absolute_url("profiles.profile", username=name),
                      lambda tag: absolute_url("feed.tag", tag=tag))
    content = render_template(
        "partials/_atom_content.html", post=post, url=url, caption=caption, images=images,
        prompt=shown_prompt(post),
        quote_url=absolute_url("posts.post", post_id=post["quote_of"]) if post.get("quote_of") else None,
        reply_url=absolute_url("posts.post", post_id=post["reply_to"]) if post.get("reply_to") else None,
    )
    return {
        "id": url,
        "url": url,
        "title": post_title(post),
        "author": _author_name(post),
        "author_url": absolute_url("profiles.profile", username=post["username"]),
        "published": isotime(post["created_at"]),
        "enclosures": [image for image in images if image["length"] is not None],
        "content": content,  # a str: atom.xml escapes it once, as type="html" asks
    }


def _atom_response(feed: dict, posts: list[dict]):
    entries = [_entry(post) for post in posts]
    newest = max((post["created_at"] for post in posts), default=None)
    fallback = feed.pop("fallback_updated", None)  # an empty feed: when the member joined, else now
    feed["updated"] = isotime(newest or fallback or time.time())
    feed.setdefault("icon", absolute_url("static", filename="img/logo.svg"))
    body = render_template("atom.xml", feed=feed, entries=entries)
    response = make_response(XML_ILLEGAL.sub("", body))
    response.headers["Content-Type"] = ATOM_TYPE
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/u/<username>/feed.atom")
def member_feed(username: str):
    """The member's newest public top-level posts; 404 for unknown, suspended or deleted members."""
    conn = get_db()
    member = users.get_local_user(conn, username)
    if member is None or member["status"] != "active":
        abort(404)
    feed = {
        "id": absolute_url("syndication.member_feed", username=member["username"]),
        "title": _("%(name)s (@%(username)s) on %(instance)s", name=_author_name(dict(member)),
                   username=member["username"], instance=setting("name")),
        "subtitle": member["bio"],
        "html_url": absolute_url("profiles.profile", username=member["username"]),
        "fallback_updated": member["created_at"],
    }
    avatar = syndication.avatar_image(conn, member["id"])
    if avatar is not None:
        feed["logo"] = absolute_url("media.file", name=avatar["name"])
    feed["self_url"] = feed["id"]
    return _atom_response(feed, syndication.member_posts(conn, member["id"]))


@bp.get("/tags/<tag>/feed.atom")
def tag_feed(tag: str):
    """The newest public posts with a hashtag (an empty feed for a tag nobody used yet)."""
    name = tag.lower()
    if not TAG_NAME.fullmatch(name):
        abort(404)
    self_url = absolute_url("syndication.tag_feed", tag=name)
    feed = {
        "id": self_url,
        "self_url": self_url,
        "title": _("#%(tag)s on %(instance)s", tag=name, instance=setting("name")),
        "subtitle": "",
        "html_url": absolute_url("feed.tag", tag=name),
    }
    return _atom_response(feed, syndication.tag_posts(get_db(), name))


def tag_feed_link(tag: str) -> dict:
    """The discovery link of a tag's page."""
    return {"url": absolute_url("syndication.tag_feed", tag=tag), "title": _("Posts with #%(tag)s", tag=tag),
            "page_url": absolute_url("feed.tag", tag=tag)}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(absolute_url=absolute_url, post_share_meta=post_share_meta,
                                 profile_share_meta=profile_share_meta, tag_feed_link=tag_feed_link)
