"""Small helpers shared by the blueprints: htmx/JSON detection, page-or-partial, formatting."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

from babel.dates import format_date
from babel.numbers import format_compact_decimal
from flask import abort, jsonify, redirect, render_template, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _


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


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def reltime(timestamp: float | None) -> str:
    """'now', '5m', '3h', '2d', then a date, like the big feeds ('3 menit lalu', '12 Agu 2026' in Indonesian)."""
    unit, n = reltime_bucket(timestamp)
    if unit == "now":
        # TRANSLATORS: a post's age when under a minute
        return _("now")
    if unit == "m":
        # TRANSLATORS: a post's age in minutes, short (5m)
        return _("%(n)dm", n=n)
    if unit == "h":
        # TRANSLATORS: a post's age in hours, short (3h)
        return _("%(n)dh", n=n)
    if unit == "d":
        # TRANSLATORS: a post's age in days, short (2d)
        return _("%(n)dd", n=n)
    if not n:
        return ""
    day = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
    return format_date(day, "dd MMM y", locale=_language())


def isotime(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def format_count(n: int) -> str:
    """A counter, short like the big feeds: 999, 1.2K, 3.4M (in Indonesian 1,2 rb and 3,4 jt)."""
    if n < 1000:
        return str(n)
    return format_compact_decimal(n, locale=_language(), fraction_digits=1)


def plural(singular: str, plural_: str, n: int) -> str:
    return ngettext(singular, plural_, n)


def redirect_back(default: str):
    """Where a plain (no-JS) form goes afterwards: the page it came from, if it is ours."""
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    target = referrer[len(host):] if referrer.startswith(host) else None
    return redirect(safe_next(target, default), 303)
