"""Post cards, cached: a feed page is mostly the same few dozen cards for everyone.

Rendering a card (author, caption, images, action bar) costs about a millisecond of Jinja; a
feed of 20 costs more than all its SQL. A card's HTML depends only on the post, its counts, the
relative time shown, and a handful of viewer facts (signed in? author? liked? reposted?
bookmarked? may remix?), so cards are cached under exactly those, never under who the viewer
is. The CSRF token, the one per-session string in a card, is cached as a placeholder and filled
in once per response.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, g
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from views.helpers import reltime_bucket

CSRF_PLACEHOLDER = "__easel_csrf_token__"
CACHE_SIZE = 2000  # about 5 KB a card: ~10 MB


class CardCache:
    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self.entries: OrderedDict[tuple, Markup] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Markup | None:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return html

    def put(self, key: tuple, html: Markup) -> None:
        with self.lock:
            self.entries[key] = html
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _placeholder() -> str:
    return CSRF_PLACEHOLDER


def _request_facts() -> tuple[str, int | None]:
    """The locale and the viewer, looked up once per request rather than once per card."""
    facts = g.get("_card_facts")
    if facts is None:
        facts = g._card_facts = (str(get_locale()), current_user.id if current_user.is_authenticated else None)
    return facts


def card_key(item: dict, facts: tuple | None = None, media_cache=None) -> tuple:
    """Everything a card's HTML depends on, and nothing about who is looking."""
    post = item["post"]
    locale, viewer = facts or _request_facts()
    quoted = post.get("quoted")
    reposted_by = item.get("reposted_by")
    return (
        locale, item["id"], post["id"], post["deleted_at"], post.get("moderation"),
        post["like_count"], post["reply_count"], post["repost_count"], post["remix_count"], post["remix_policy"],
        post["username"], post["display_name"], post.get("avatar_name"), post.get("remix_of_username"),
        post["caption"], post.get("remote_avatar_url"),  # a remote post's Update changes its caption
        reltime_bucket(post["created_at"]),
        (reposted_by["username"], reposted_by["display_name"]) if reposted_by else None,
        (quoted["id"], quoted["deleted_at"], quoted.get("display_name")) if quoted else None,
        viewer is not None, viewer == post["user_id"],
        post["liked"], post["reposted"], post["bookmarked"], post["can_remix"],
        # remote pictures: is their thumbnail cached yet?
        (media_cache or current_app.extensions["easel_media_cache"]).card_fact(post),
    )


def post_card(item: dict, facts: tuple | None = None) -> Markup:
    """The card of one feed item, from the cache when an identical one was drawn before."""
    extensions = current_app.extensions
    cache: CardCache = extensions["easel_cards"]
    key = card_key(item, facts, extensions["easel_media_cache"])
    html = cache.get(key)
    if html is None:
        # The template straight from the environment: render_template's context processors and
        # signals cost more than a small card. The card needs only these names.
        template = current_app.jinja_env.get_template("partials/_post.html")
        html = Markup(template.render(item=item, current_user=current_user, csrf_token=_placeholder))
        cache.put(key, html)
    return html


def post_cards(items: list[dict]) -> Markup:
    """A feed page's cards in one call: a Jinja call and an escape per card cost as much as a cache hit."""
    facts = _request_facts()
    return Markup("".join([post_card(item, facts) for item in items]))


def fill_csrf(response):
    """Put the session's real CSRF token where cached cards hold the placeholder."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        body = response.get_data()
        if CSRF_PLACEHOLDER.encode() in body:
            response.set_data(body.replace(CSRF_PLACEHOLDER.encode(), generate_csrf().encode()))
    return response


def init_app(app) -> None:
    app.extensions["easel_cards"] = CardCache()
    app.jinja_env.globals.update(post_card=post_card, post_cards=post_cards)
    app.after_request(fill_csrf)
