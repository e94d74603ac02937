"""Explore: the ranked public feed (the signed-out landing page) with trending tags beside it."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from models import explore as model
from models.db import get_db
from views.cards import CardCache
from views.helpers import int_arg, is_htmx

bp = Blueprint("explore", __name__)


@bp.record_once
def _add_cache(state) -> None:
    state.app.extensions.setdefault("easel_explore", model.Cache())
    state.app.extensions.setdefault("easel_trending_html", CardCache(32))
    state.app.jinja_env.globals["trending_box"] = trending_box


def _viewer_id() -> int | None:
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def ranked() -> tuple[list[int], list[dict]]:
    """(ranked post ids, trending tags), from the per-app cache (EXPLORE_CACHE_SECONDS, default 60)."""
    ttl = current_app.config.get("EXPLORE_CACHE_SECONDS", 60)
    return current_app.extensions["easel_explore"].get(get_db(), ttl)


def trending_tags() -> list[dict]:
    return ranked()[1]


def trending_box(trending: list[dict]) -> Markup:
    """The trending side box, drawn once per language and ranking: its ten translated, plural and
    number-formatted lines were a fifth of the explore page, and the ranking changes once a minute."""
    cache: CardCache = current_app.extensions["easel_trending_html"]
    key = (str(get_locale()), tuple((tag["name"], tag["posts"]) for tag in trending))
    html = cache.get(key)
    if html is None:
        html = Markup(current_app.jinja_env.get_template("partials/_trending.html").render(trending=trending))
        cache.put(key, html)
    return html


def render_explore(landing: bool = False):
    """The page (with the hero when it is the landing page), or the next page's partial for infinite scroll."""
    ids, trending = ranked()
    page = max(int_arg("page") or 1, 1)
    size = current_app.config["FEED_PAGE_SIZE"]
    start = (page - 1) * size
    items = model.page(get_db(), ids[start:start + size], _viewer_id())
    more = url_for("explore.explore", page=page + 1) if start + size < len(ids) else None
    if is_htmx() and request.args.get("page"):
        return render_template("partials/_feed_page.html", items=items, more_url=more)
    return render_template("explore.html", items=items, more_url=more, trending=trending, landing=landing)


@bp.get("/explore")
def explore():
    return render_explore()
