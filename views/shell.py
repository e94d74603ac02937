"""The page shell's costly parts, drawn once and reused: the header and the icon sprite.

Every page carries the same header, and drawing it (about forty translated strings and URLs, the
account menu, three badges) cost as much as a feed's twenty cached cards. Its HTML depends only
on the facts in `_header_key` (the badges' counts are read per request, as before, and are part
of the key), so it is cached under them like the post cards in views/cards.py, with the CSRF
token as the same placeholder filled in once per response.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from views.cards import CardCache, _placeholder

HEADER_CACHE_SIZE = 1000  # about 3 KB each: one per signed-in member and badge state, a few for visitors

# endpoint -> the header link marked as the current page
NAV = {"feed.home": "home", "explore.explore": "explore", "feed.latest": "latest", "search.search": "search"}


def _nav() -> str | None:
    endpoint = request.endpoint or ""
    return "studio" if endpoint.startswith("studio.") else NAV.get(endpoint)


def _header_facts(offline_page: bool) -> dict:
    """What the header shows, read once per request (the badges are the same queries as before)."""
    from views.admin import moderation_badge
    from views.instance import settings
    from views.signups import waiting_count

    site = settings()
    facts = {"nav": _nav(), "site": {key: site[key] for key in ("name", "registration_mode", "members_can_invite")},
             "offline_page": bool(offline_page), "unread": 0, "open_reports": 0, "avatar": None, "waiting": 0}
    if current_user.is_authenticated and not offline_page:
        from models.db import get_db
        from models.notifications import unread_count
        from models.profiles import avatar_name

        conn = get_db()
        facts["unread"] = unread_count(conn, current_user.id)
        facts["avatar"] = avatar_name(conn, current_user.id)
        if current_user.is_moderator:
            facts["open_reports"] = moderation_badge()
            facts["waiting"] = waiting_count()
    return facts


def _header_key(facts: dict) -> tuple:
    viewer = ((current_user.username, current_user.is_moderator, current_user.is_admin)
              if current_user.is_authenticated else None)
    site = facts["site"]
    return (str(get_locale()), viewer, facts["nav"], facts["offline_page"], site["name"], site["registration_mode"],
            site["members_can_invite"], facts["unread"], facts["open_reports"], facts["avatar"], facts["waiting"])


def topbar(offline_page: bool = False) -> Markup:
    """The header of this page, from the cache when the same one was drawn before."""
    cache: CardCache = current_app.extensions["easel_headers"]
    facts = _header_facts(offline_page)
    key = _header_key(facts)
    html = cache.get(key)
    if html is None:
        template = current_app.jinja_env.get_template("partials/_topbar.html")
        html = Markup(template.render(current_user=current_user, csrf_token=_placeholder, **facts))
        cache.put(key, html)
    return html


def icon_sprite() -> Markup:
    """The SVG symbols every page's icons point at: the same bytes for the life of the process."""
    sprite = current_app.extensions.get("easel_icon_sprite")
    if sprite is None:
        sprite = current_app.extensions["easel_icon_sprite"] = Markup(
            current_app.jinja_env.get_template("_icons.html").module.sprite())
    return sprite


def _icon(name: str) -> Markup:
    return current_app.jinja_env.get_template("_icons.html").module.icon(name)


def ascii_html(text: str) -> Markup:
    """Escaped text with every non-ASCII character as a numeric entity (the same page to a reader).

    Why: one "—" or "·" anywhere in a page's template text makes CPython hold the whole ~80 KB page
    as a wider string and encode it to UTF-8 character by character (~190 µs instead of ~4 µs).
    The chrome of the feed pages is therefore ASCII (`&middot;`, `&times;`, this filter); members'
    own text stays as it is.
    """
    return Markup(str(escape(text)).encode("ascii", "xmlcharrefreplace").decode("ascii"))


def init_app(app) -> None:
    app.extensions["easel_headers"] = CardCache(HEADER_CACHE_SIZE)
    app.jinja_env.globals.update(topbar=topbar, icon_sprite=icon_sprite, icon=_icon)
    app.jinja_env.filters["ascii_html"] = ascii_html
