"""Colour theme (issue 9): light or dark as the member (or a visitor's cookie) chose, else the system's.

The server writes the choice as `data-theme` on <html>, so the page never flashes the other palette;
without one, the stylesheet follows `prefers-color-scheme`. A theme lives on <html> only, never in
post cards (views/cards.py caches those for every viewer).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from models import profiles
from models.db import get_db
from views.helpers import redirect_back

bp = Blueprint("theme", __name__)

COOKIE = "theme"
COOKIE_MAX_AGE = 365 * 86400
# The page background of each palette (static/css/easel.css --bg): the browser's bars and the manifest.
COLOURS = {"light": "#f6f5f2", "dark": "#121117"}


def current() -> str | None:
    """'light' or 'dark' when chosen (the member's setting, else the cookie), None to follow the system."""
    if current_user.is_authenticated:
        own = current_user.row["theme"]
        if own in profiles.THEMES:
            return own
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in profiles.THEMES else None


@bp.post("/theme")
def choose():
    """The footer toggle and the settings control: field `theme` = system, light or dark."""
    theme = request.form.get("theme") or "system"
    if theme not in (*profiles.THEMES, "system"):
        abort(400)
    theme = None if theme == "system" else theme
    if current_user.is_authenticated:
        profiles.set_theme(get_db(), current_user.id, theme)
    response = redirect_back("/")
    if theme:
        response.set_cookie(COOKIE, theme, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    else:
        response.delete_cookie(COOKIE)
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["theme"] = current
    app.jinja_env.globals["theme_colours"] = COLOURS
