"""Installable (issue 9): the web app manifest, the service worker at the root, and the offline page.

The service worker (static/js/sw.js) is served from `/sw.js` because a worker controls only the
paths under its own URL. It answers navigations from the network and shows /offline when there is
none; it never caches pages, htmx requests, POSTs or media (see the file for why).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for

from views import instance
from views.theme import COLOURS

bp = Blueprint("pwa", __name__)

SHORT_NAME_MAX = 12  # what a home screen shows under an icon without cutting it


def short_name(name: str) -> str:
    """The name under the home-screen icon: the whole name when short, else its first word, cut."""
    return name if len(name) <= SHORT_NAME_MAX else name.split()[0][:SHORT_NAME_MAX]


def _icon(name: str, size: int, purpose: str = "any") -> dict:
    return {"src": url_for("static", filename=f"img/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
            "purpose": purpose}


@bp.get("/manifest.webmanifest")
def manifest():
    settings = instance.settings()
    body = {
        "id": "/",
        "name": settings["name"],
        "short_name": short_name(settings["name"]),
        "description": settings.get("description") or "",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": COLOURS["light"],
        "theme_color": COLOURS["light"],
        "icons": [_icon("icon-192.png", 192), _icon("icon-512.png", 512),
                  _icon("icon-maskable-512.png", 512, "maskable")],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.max_age = 3600  # the name can change at /admin/settings
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.cache_control.no_cache = True  # browsers check for a new worker on each navigation anyway
    return response


@bp.get("/offline")
def offline():
    """What the service worker shows for a page when there is no network (fetched once, without cookies)."""
    return render_template("offline.html", offline_page=True)
