"""Blueprints, extensions and the site-wide response rules."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from views.helpers import format_count, isotime, json_error, reltime, wants_json
from views.i18n import N_
from views.urls import fast_url_for

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register(app: Flask) -> None:
    from views import (
        admin_backends,
        auth,
        cards,
        explore,
        feed,
        generations,
        media,
        notifications,
        pages,
        posts,
        profiles,
        search,
        settings,
        shell,
        social,
        studio,
    )

    CSRFProtect(app)
    # Languages (issue 9): the member's choice, the switcher's cookie, Accept-Language, the instance default.
    from views import i18n

    Babel(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    _cache_template_translations(app)
    from views import account, limits

    limits.init_app(app)
    app.register_blueprint(account.bp)
    auth.init_login(LoginManager(app))
    blueprints = (admin_backends, auth, explore, feed, generations, media, notifications, pages, posts, profiles,
                  search, settings, social, studio)
    for module in blueprints:
        app.register_blueprint(module.bp)
    # Moderation (issue 7): the admin dashboard, members, reports, review queue, prompt rules, audit log.
    from views import admin, admin_members, admin_moderation, reports

    for module in (admin, admin_members, admin_moderation, reports):
        app.register_blueprint(module.bp)
    # Running a community (issue 7): instance settings, invites, the sign-up waiting list.
    from views import admin_settings, instance, invites, signups

    instance.init_app(app)
    signups.init_app(app)
    for module in (admin_settings, invites, signups):
        app.register_blueprint(module.bp)
    # The community owns its data (issue 8): consent figures and dataset exports for admins.
    from views import admin_data

    app.register_blueprint(admin_data.bp)

    # Sharing outward (issue 8): Atom feeds, link previews, canonical links.
    from views import syndication

    syndication.init_app(app)
    # The community owns its data (issue 8): consent, account exports and imports.
    from views import data

    app.register_blueprint(data.bp)

    # Locked accounts (issue 10): "Approve new followers" and the follow requests page.
    from views import follow_requests

    app.register_blueprint(follow_requests.bp)

    # Mobile and installable (issue 9): colour theme override, web app manifest, service worker, offline page.
    from views import pwa, theme

    theme.init_app(app)
    app.register_blueprint(pwa.bp)

    cards.init_app(app)
    shell.init_app(app)
    app.jinja_env.globals["url_for"] = fast_url_for
    app.jinja_env.filters["reltime"] = reltime
    app.jinja_env.filters["isotime"] = isotime
    app.jinja_env.filters["count"] = format_count
    app.jinja_env.globals["style_label"] = _style_label
    app.jinja_env.filters["linkify"] = _linkify
    app.jinja_env.globals["unread_notifications"] = _unread_notifications
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _cache_template_translations(app: Flask) -> None:
    """Templates ask for the same few dozen strings on every page (a feed card has about a dozen):
    translate each once per locale for the life of the process. Flask-Babel looks up the locale
    and the catalogue on every call, which was a fifth of a feed card's rendering time; catalogues
    never change while the process runs."""
    from flask import g
    from flask_babel import get_locale, get_translations

    by_locale: dict[str, dict[str, str]] = {}

    def gettext(string: str) -> str:
        cache = g.get("_gettext_cache")
        if cache is None:
            cache = g._gettext_cache = by_locale.setdefault(str(get_locale()), {})
        text = cache.get(string)
        if text is None:
            text = cache[string] = get_translations().ugettext(string)
        return text

    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )

    from jinja2 import pass_eval_context
    from markupsafe import Markup

    @pass_eval_context
    def template_gettext(eval_ctx, string: str, **variables):
        """`_()` in templates: what Jinja's newstyle gettext does (escape-aware, always a format
        string), in one call instead of three nested ones; a feed page makes a dozen of these."""
        text = gettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    app.jinja_env.globals["_"] = template_gettext


def _unread_notifications() -> int:
    from flask_login import current_user

    from models.db import get_db
    from models.notifications import unread_count

    return unread_count(get_db(), current_user.id) if current_user.is_authenticated else 0


def _linkify(body: str):
    from flask import url_for

    from models.text import linkify

    return linkify(body, lambda name: url_for("profiles.profile", username=name),
                   lambda tag: url_for("feed.tag", tag=tag))


def _style_label(key: str) -> str:
    from flask import current_app

    return dict(current_app.extensions["easel_backend"].styles()).get(key, key)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.vary.add("HX-Request")
    return response


ERROR_TEXT = {
    400: (N_("Bad request"), N_("The request could not be understood.")),
    401: (N_("Please sign in"), N_("You need to be signed in to do that.")),
    403: (N_("Not allowed"), N_("You are not allowed to do that.")),
    404: (N_("Not found"), N_("There is nothing here. It may have been deleted, or the link is wrong.")),
    405: (N_("Not allowed"), N_("That method is not allowed here.")),
    409: (N_("Not now"), N_("That cannot be done in the current state. Reload the page and try again.")),
    422: (N_("Cannot do that"), N_("That request could not be processed.")),
    413: (N_("Too large"), N_("That upload is too large.")),
    429: (N_("Slow down"), N_("Too many requests. Please wait a moment and try again.")),
    500: (N_("Something went wrong"), N_("Easel hit an error. Nothing you did was lost; please try again.")),
}


def _render_error(code: int, message: str | None = None):
    title, text = ERROR_TEXT.get(code, (str(code), ""))
    if wants_json():
        return json_error(message or _(text), code)
    return render_template("error.html", code=code, title=_(title), message=message or _(text)), code


def _csrf_error(error: CSRFError):
    return _render_error(400, _("Your form expired or came from another site. Reload the page and try again."))


def _http_error(error: HTTPException):
    response = _render_error(error.code or 500)
    if error.code == 429 and isinstance(response, tuple):
        body, code = response
        retry = getattr(error, "retry_after", None)
        return body, code, ({"Retry-After": str(retry)} if retry else {})
    return response


def _server_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _render_error(500)
