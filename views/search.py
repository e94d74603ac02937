"""Search: posts, people and tags, with active search (results as you type) over htmx."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from models import search as model
from models.db import get_db
from views.explore import trending_tags
from views.helpers import is_htmx, wants_json

bp = Blueprint("search", __name__)

TABS = ("all", "posts", "people", "tags")


def remote_handle(q: str) -> str | None:
    """'@name@host' when the query is a handle on another server and federation is on (issue 10)."""
    from flask import current_app

    import federation
    from federation.webfinger import parse_handle

    handle = parse_handle(q) if "@" in q[1:] else None
    if handle is None or handle[1] == federation.local_host(current_app.config):
        return None
    return f"@{handle[0]}@{handle[1]}" if federation.enabled(current_app.config, get_db()) else None


@bp.get("/search")
def search():
    """The results partial for active search, the whole page otherwise; JSON for scripts."""
    q = request.args.get("q", "").strip()[:model.MAX_QUERY]
    tab = request.args.get("type", "all")
    if tab not in TABS:
        tab = "all"
    viewer = current_user.id if current_user.is_authenticated else None
    results = model.search(get_db(), q, viewer) if q else {"posts": [], "people": [], "tags": []}
    if wants_json():
        return jsonify(posts=[item["post"]["id"] for item in results["posts"]],
                       people=[person["username"] for person in results["people"]],
                       tags=[tag["name"] for tag in results["tags"]])
    context = {"q": q, "tab": tab, "results": results, "trending": [] if q else trending_tags(),
               "remote_handle": remote_handle(q)}
    # A history restore (back button after hx-push-url) also says HX-Request, but wants the page.
    if is_htmx() and request.headers.get("HX-History-Restore-Request") != "true":
        return render_template("partials/_search_results.html", **context)
    return render_template("search.html", **context)
