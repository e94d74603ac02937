"""Feeds: home and latest, keyset-paged with infinite scroll."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from models import posts
from models.db import get_db
from views.helpers import int_arg, is_htmx

bp = Blueprint("feed", __name__)


def feed_context(endpoint: str) -> dict:
    page_size = current_app.config["FEED_PAGE_SIZE"]
    items = posts.latest(get_db(), before=int_arg("before"), limit=page_size)
    more = url_for(endpoint, before=items[-1]["id"]) if len(items) == page_size else None
    return {"posts": items, "more_url": more}


def render_feed(endpoint: str, title: str):
    context = feed_context(endpoint)
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_feed_page.html", **context)
    return render_template("feed.html", title=title, endpoint=endpoint, **context)


@bp.get("/")
def home():
    # Until follows exist, a member's home is the whole (public) community, their own posts included.
    if current_user.is_authenticated:
        return render_feed("feed.home", "home")
    return render_feed("feed.home", "public")


@bp.get("/latest")
def latest():
    return render_feed("feed.latest", "latest")
