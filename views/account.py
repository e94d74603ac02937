"""/settings/account: password, two-factor sign-in, signing out everywhere, deleting the account."""

from __future__ import annotations

import io
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME
from markupsafe import Markup

from models import totp, users
from models.db import get_db
from views.auth import Member
from views.helpers import json_error, wants_json

bp = Blueprint("account", __name__, url_prefix="/settings")

SETUP = "totp_setup"  # the secret being set up, kept in the session until a code confirms it
SETUP_SECONDS = 600
FIELD_MAX = users.PASSWORD_MAX


def _field(name: str) -> str:
    return request.form.get(name) or ""


def _answer(errors: dict[str, str], form: str, status: int = 422, **context):
    """The account page again with one form's messages (JSON: {"errors": ...})."""
    if wants_json():
        return json_error(_("Please correct the marked fields."), status, errors)
    return render_template("account.html", **{**_context(), "errors": errors, "failed": form, **context}), status


def _context() -> dict:
    conn = get_db()
    row = users.get_user(conn, current_user.id)
    enabled = totp.is_enabled(row)
    return {"member": row, "two_factor": enabled, "codes_left": totp.codes_left(conn, row["id"]) if enabled else 0,
            "errors": {}, "failed": None, "password_min": users.PASSWORD_MIN, "password_max": users.PASSWORD_MAX,
            "is_last_admin": row["role"] == "admin" and len(users.admins(conn)) == 1}


def _notices() -> list[str]:
    texts = {
        "password_changed": _("Your password is changed. Every other session has been signed out."),
        "two_factor_off": _("Two-factor sign-in is off."),
    }
    return [texts[key] for key in get_flashed_messages(category_filter=["account"]) if key in texts]


def _password_errors(current: str) -> dict[str, str]:
    """Check the current password (refused before hashing when it is over-long)."""
    if not current:
        return {"current_password": _("Enter your current password.")}
    if len(current) > FIELD_MAX or not users.check_password(get_db(), current_user.id, current):
        return {"current_password": _("That is not your current password.")}
    return {}


@bp.get("/account")
@login_required
def index():
    return render_template("account.html", **_context(), notices=_notices())


@bp.post("/password")
@login_required
def change_password():
    current, new, confirm = _field("current_password"), _field("new_password"), _field("confirm_password")
    errors: dict[str, str] = {}
    if len(new) < users.PASSWORD_MIN:
        errors["new_password"] = _("Use at least %(n)d characters.", n=users.PASSWORD_MIN)
    elif len(new) > users.PASSWORD_MAX:
        errors["new_password"] = _("Use at most %(n)d characters.", n=users.PASSWORD_MAX)
    elif confirm != new:
        errors["confirm_password"] = _("The two new passwords are not the same.")
    if len(current) > FIELD_MAX:
        errors["current_password"] = _("That is not your current password.")
    if errors:
        return _answer(errors, "password")
    errors = _password_errors(current)
    if errors:
        return _answer(errors, "password")
    row = users.change_password(get_db(), current_user.id, new)
    # Every session moved on with the version; this one carries on under the new one (and keeps
    # its remember cookie, if it had one).
    login_user(Member(row), remember=current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies)
    if wants_json():
        return jsonify({"ok": True})
    flash("password_changed", "account")
    return redirect(url_for("account.index"), 303)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    users.end_sessions(get_db(), current_user.id)
    logout_user()
    if wants_json():
        return jsonify({"ok": True})
    flash(_("You are signed out everywhere, on this device too."), "notice")
    return redirect(url_for("auth.login"), 303)


@bp.post("/delete")
@login_required
def delete():
    from models import accounts

    errors = _password_errors(_field("password"))
    if errors:
        return _answer({"password": errors["current_password"]}, "delete")
    try:
        accounts.delete_account(get_db(), current_user.id, current_app.config["MEDIA_DIR"])
    except accounts.LastAdmin:
        return _answer({"password": _("You are the only admin. Make another member an admin first.")}, "delete",
                       status=409)
    logout_user()
    if wants_json():
        return jsonify({"deleted": True})
    flash(_("Your account and everything in it have been deleted. Goodbye!"), "notice")
    return redirect(url_for("feed.home"), 303)


# --- two-factor sign-in ------------------------------------------------------------------------

def _qr_svg(uri: str) -> Markup:
    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=5, border=2,
                                    dark="#000", light="#fff", svgclass="qr", title=_("QR code for your app"))
    return Markup(out.getvalue().decode())


def _setup_secret() -> str:
    """The secret offered on the setup page: the same one until it is confirmed or goes stale."""
    setup = session.get(SETUP)
    if not setup or time.time() - setup.get("at", 0) > SETUP_SECONDS:
        setup = session[SETUP] = {"secret": totp.new_secret(), "at": time.time()}
    return setup["secret"]


def _setup_page(errors: dict | None = None, status: int = 200):
    if errors and wants_json():
        return json_error(_("Please correct the marked fields."), status, errors)
    secret = _setup_secret()
    uri = totp.provisioning_uri(secret, current_user.username, _instance_name())
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("two_factor.html", secret=spaced, qr=_qr_svg(uri), errors=errors or {},
                           codes=None), status


def _instance_name() -> str:
    from models import instance

    return instance.get(get_db(), "name") or "Easel"


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Set up: show a secret and its QR code; store it only once a code from the app confirms it."""
    conn = get_db()
    if totp.is_enabled(users.get_user(conn, current_user.id)):
        return redirect(url_for("account.index"), 303)
    if request.method == "GET":
        return _setup_page()
    code = _field("code")
    step = totp.matching_step(_setup_secret(), code) if len(code) <= 64 else None
    if step is None:
        return _setup_page({"code": _("That code does not match. Check the time on your phone and try the newest "
                                      "code.")}, 422)
    codes = totp.enable(conn, current_user.id, session.pop(SETUP)["secret"], step)
    if wants_json():
        return jsonify({"enabled": True, "recovery_codes": codes})
    # Shown once, on this page only: they are stored hashed.
    return render_template("two_factor.html", codes=codes, errors={}, secret=None, qr=None)


@bp.post("/two-factor/disable")
@login_required
def disable_two_factor():
    errors = _password_errors(_field("password"))
    if errors:
        return _answer({"password": errors["current_password"]}, "disable")
    code = _field("code")
    if len(code) > 64 or not totp.verify(get_db(), current_user.id, code):
        return _answer({"code": _("That code is not right. Use the newest code from your app, or a "
                                          "recovery code.")}, "disable")
    totp.disable(get_db(), current_user.id)
    if wants_json():
        return jsonify({"enabled": False})
    flash("two_factor_off", "account")
    return redirect(url_for("account.index"), 303)


@bp.post("/two-factor/codes")
@login_required
def new_codes():
    """Ten fresh recovery codes (the old ones stop working); asks for the password."""
    conn = get_db()
    if not totp.is_enabled(users.get_user(conn, current_user.id)):
        return redirect(url_for("account.index"), 303)
    errors = _password_errors(_field("password"))
    if errors:
        return _answer({"password": errors["current_password"]}, "codes")
    codes = totp.new_recovery_codes(conn, current_user.id)
    if wants_json():
        return jsonify({"recovery_codes": codes})
    return render_template("two_factor.html", codes=codes, errors={}, secret=None, qr=None, renewed=True)
