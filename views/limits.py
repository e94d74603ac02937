"""Rate limits (Flask-Limiter, in-memory: Easel is one process) and the 429 and 413 answers.

Each limit's value is read from app.config on every request (DEFAULTS in app.py, EASEL_<NAME>),
so an instance or a test can change it. Signed-in actions are counted per member, signed-out
ones per IP address; loopback is not exempt (a reverse proxy on the same machine would
otherwise exempt everyone).
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from views.helpers import is_htmx, json_error, wants_json

limiter = Limiter(get_remote_address, storage_uri="memory://")


def init_app(app: Flask) -> None:
    # A moving window: no burst of twice the limit across a window boundary.
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    # Retry-After goes on the 429 only (the limiter would put it on every limited response).
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    limiter.request_filter(_reading)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app.register_error_handler(413, too_large)


def _reading() -> bool:
    """Every limit here counts POSTs: reads skip the limiter's per-request bookkeeping (~4% of a feed page)."""
    return request.method in ("GET", "HEAD")


def config_limit(name: str):
    """A limit whose value ("25 per 5 minutes") is the app setting `name`, read per request."""
    return lambda: current_app.config[name]


def ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def member_key() -> str:
    """Signed-in routes count per member (many members may share a school's or a café's IP)."""
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return ip_key()


def member_limit(setting: str, scope: str):
    """A per-member limit shared by every route that wears it, e.g. member_limit("POST_RATE_LIMIT", "post")."""
    return limiter.shared_limit(config_limit(setting), scope=scope, key_func=member_key, methods=["POST"])


# Posting (sharing a picture, replying, quoting), generation requests, and reports.
post_limit = member_limit("POST_RATE_LIMIT", "post")
generation_limit = member_limit("GENERATION_RATE_LIMIT", "generate")
report_limit = member_limit("REPORT_RATE_LIMIT", "report")


def retry_after() -> int:
    """Seconds until the breached limit lets this request through again (at least 1)."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def wait_text(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def too_many_requests(_error):
    seconds = retry_after()
    message = _("You are doing that too often. Please wait %(wait)s and try again.", wait=wait_text(seconds))
    headers = {"Retry-After": str(seconds)}
    return _notice(429, _("Slow down"), message, headers)


def too_large(_error):
    megabytes = max(1, (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))
    message = _("That was more than %(n)d MB. Choose a smaller picture, or shorten the text.", n=megabytes)
    return _notice(413, _("Too large"), message, {})


def _notice(code: int, title: str, message: str, headers: dict):
    """JSON for scripts; for htmx a notice in the page's notice area (the form stays); else a page."""
    if wants_json():
        body, status = json_error(message, code)
        return body, status, headers
    if is_htmx():
        headers = {**headers, "HX-Retarget": "#notices", "HX-Reswap": "innerHTML"}
        return render_template("partials/_notice.html", title=title, message=message), code, headers
    page = render_template("error.html", code=code, title=title, message=message, path=request.path)
    return page, code, headers
