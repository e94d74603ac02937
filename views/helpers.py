"""Small helpers shared by the blueprints: htmx/JSON detection, page-or-partial, formatting."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

from flask import abort, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext


def is_htmx() -> bool:
    """An htmx request for a partial (boosted navigation wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def wants_json() -> bool:
    """A script asking for JSON (browsers and htmx prefer HTML)."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def json_error(message: str, code: int, errors: dict | None = None):
    body = {"error": message}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), code


def page_or_partial(page: str, partial: str, **context):
    """One handler per URL: the whole page, or the partial htmx asked for."""
    return render_template(partial if is_htmx() else page, **context)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: '?next=' must never send a member to another site."""
    if not target:
        return default
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def int_arg(name: str) -> int | None:
    """A positive integer query argument, or None; anything else is a 400."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        abort(400)
    return int(raw)


def reltime_bucket(timestamp: float | None) -> tuple:
    """The untranslated value reltime() shows: ("m", 5), ("h", 3), ... (cheap; used in cache keys)."""
    if not timestamp:
        return ("", 0)
    seconds = max(0, time.time() - timestamp)
    if seconds < 60:
        return ("now", 0)
    if seconds < 3600:
        return ("m", int(seconds // 60))
    if seconds < 86400:
        return ("h", int(seconds // 3600))
    if seconds < 7 * 86400:
        return ("d", int(seconds // 86400))
    return ("date", dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%d %b %Y"))


def reltime(timestamp: float | None) -> str:
    """'now', '5m', '3h', '2d', then a date, like the big feeds."""
    unit, n = reltime_bucket(timestamp)
    if unit == "now":
        return _("now")
    if unit == "m":
        return _("%(n)dm", n=n)
    if unit == "h":
        return _("%(n)dh", n=n)
    if unit == "d":
        return _("%(n)dd", n=n)
    return n or ""


def isotime(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def format_count(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}".rstrip("0").rstrip(".") + "K"
    return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"


def plural(singular: str, plural_: str, n: int) -> str:
    return ngettext(singular, plural_, n)


def redirect_back(default: str):
    """Where a plain (no-JS) form goes afterwards: the page it came from, if it is ours."""
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    target = referrer[len(host):] if referrer.startswith(host) else None
    return redirect(safe_next(target, default), 303)
