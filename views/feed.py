"""Feeds: home and latest, keyset-paged with infinite scroll and a 'new posts' banner."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import posts
from models.db import get_db
from views.helpers import int_arg, is_htmx

bp = Blueprint("feed", __name__)


def viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def render_feed(endpoint: str, name: str, title: str):
    """One handler shape for every feed: the page, or the next page's partial for infinite scroll."""
    conn = get_db()
    page_size = current_app.config["FEED_PAGE_SIZE"]
    items, cursor = posts.feed(conn, name, viewer_id(), int_arg("before"), page_size)
    more = url_for(endpoint, before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_feed_page.html", items=items, more_url=more)
    newest = max((item["id"] for item in items), default=0) if not request.args.get("before") else None
    return render_template("feed.html", title=title, endpoint=endpoint, items=items, more_url=more,
                           newest=newest, feed_name=name)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return render_feed("feed.home", "home", "home")
    from views.explore import render_explore

    return render_explore(landing=True)


@bp.get("/latest")
def latest():
    return render_feed("feed.latest", "latest", "latest")


@bp.get("/feed/newer")
def newer():
    """How many posts are newer than the first one on screen (polled every 20 s by the banner)."""
    after = int_arg("after") or 0
    home = request.args.get("feed") == "home" and current_user.is_authenticated
    count = posts.newer_count(get_db(), after, viewer_id(), home)
    endpoint = "feed.home" if request.args.get("feed") == "home" else "feed.latest"
    return render_template("partials/_newer_banner.html", count=count, after=after,
                           feed=request.args.get("feed", "latest"), target=url_for(endpoint))


@bp.get("/bookmarks")
@login_required
def bookmarks():
    """The member's private bookmarks, newest first."""
    conn = get_db()
    page_size = current_app.config["FEED_PAGE_SIZE"]
    items, cursor = posts.feed(conn, "bookmarks", viewer_id(), int_arg("before"), page_size)
    more = url_for("feed.bookmarks", before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_feed_page.html", items=items, more_url=more)
    return render_template("list_page.html", heading=_("Bookmarks"), items=items, more_url=more,
                           empty=_("Bookmark posts to find them again here. Only you see your bookmarks."))


@bp.get("/tags/<tag>")
def tag(tag: str):
    """Posts with a hashtag, newest first."""
    name = tag.lower()
    conn = get_db()
    page_size = current_app.config["FEED_PAGE_SIZE"]
    items, cursor = posts.feed(conn, "tag", viewer_id(), int_arg("before"), page_size, tag=name)
    more = url_for("feed.tag", tag=name, before=cursor) if cursor else None
    if is_htmx() and request.args.get("before"):
        return render_template("partials/_feed_page.html", items=items, more_url=more)
    from views.syndication import tag_feed_link

    return render_template("list_page.html", heading="#" + name, items=items, more_url=more,
                           empty=_("No posts with this tag yet."), feed=tag_feed_link(name))
