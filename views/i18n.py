"""Languages: which locale a request is served in, the switcher, and localised times and numbers.

The language is the member's own setting, else the `locale` cookie (the footer switcher for visitors),
else the browser's Accept-Language, else the instance default an admin picks at /admin/settings.
Catalogues live in translations/ (README "Languages"); a language is offered when its folder exists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import Blueprint, current_app, has_request_context, request
from flask_babel import get_locale, gettext
from flask_login import current_user

from models import profiles
from models.db import get_db
from views.helpers import redirect_back

bp = Blueprint("i18n", __name__)

DEFAULT = "en"
COOKIE = "locale"
COOKIE_MAX_AGE = 365 * 86400
# The name each language goes by in its own tongue (CLDR calls Indonesian just "Indonesia").
NAMES = {"en": "English", "id": "Bahasa Indonesia"}


def N_(string: str) -> str:
    """Mark a string for the catalogue where it is defined; it is translated with _() where it is shown."""
    return string


def available() -> tuple[str, ...]:
    """The locales with a catalogue in translations/ (English always), computed once per process."""
    app = current_app._get_current_object()
    found = app.extensions.get("easel_locales")
    if found is None:
        folder = Path(app.root_path) / "translations"
        codes = {path.parent.parent.name for path in folder.glob("*/LC_MESSAGES/messages.mo")}
        found = app.extensions["easel_locales"] = tuple(sorted(codes | {DEFAULT}))
    return found


def languages() -> list[tuple[str, str]]:
    """(code, own name) of every offered language, for the switchers."""
    return [(code, NAMES.get(code) or Locale.parse(code).display_name or code) for code in available()]


def _valid(code: str | None) -> str | None:
    return code if code and code in available() else None


def instance_default() -> str:
    from views import instance as instance_view

    return _valid(instance_view.setting("default_locale")) or DEFAULT


def select_locale() -> str:
    """Flask-Babel's locale selector (called at most once per request)."""
    if not has_request_context():
        return DEFAULT  # the worker and CLI commands: no reader to speak to
    if current_user.is_authenticated:
        own = _valid(current_user.row["locale"])
        if own:
            return own
    chosen = _valid(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(available()) or instance_default()


def current() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


@bp.post("/language")
def choose():
    """The switcher: a cookie for everyone, and the member's own setting when signed in."""
    code = request.form.get("locale") or ""
    if code not in available():
        code = ""
    if current_user.is_authenticated:
        profiles.set_locale(get_db(), current_user.id, code or None)
    response = redirect_back("/")
    if code:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    else:
        response.delete_cookie(COOKIE)
    return response


def file_size(n: int | None) -> str:
    """Bytes in KB (at least 1), MB or GB with the reader's decimal sign: '372 KB', '1,5 MB'."""
    n = n or 0
    language = current()
    if n < 1024 * 1024:
        return f"{format_decimal(max(1, round(n / 1024)), locale=language)} KB"
    if n < 1024 ** 3:
        return f"{format_decimal(n / 1024 ** 2, format='#,##0.0', locale=language)} MB"
    return f"{format_decimal(n / 1024 ** 3, format='#,##0.00', locale=language)} GB"


def when(timestamp: float | None) -> str:
    """A moment in full, the reader's way, in UTC: 'Nov 21, 2026 2:06 PM UTC', '21 Nov 2026 14.06 UTC'."""
    if not timestamp:
        return ""
    moment = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    language = current()
    day, clock = format_date(moment.date(), "medium", locale=language), format_time(moment, "short", locale=language)
    return f"{day} {clock} UTC"


def stored_message(text: str | None) -> str:
    """A message kept in English in the database (a generation's error, written by the worker), in the
    reader's language when the catalogue has it. A plain string, so Jinja still escapes it."""
    return gettext(text) if text else ""


def _vary(response):
    """Pages are in the language the browser asks for (or the cookie picks): tell caches so."""
    if response.mimetype in ("text/html", "application/atom+xml"):
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.after_request(_vary)
    app.jinja_env.globals["get_locale"] = current
    app.jinja_env.globals["languages"] = languages
    app.jinja_env.filters["stored_message"] = stored_message
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["file_size"] = file_size
