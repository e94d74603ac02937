"""Sign up, log in, log out."""

from __future__ import annotations

import time

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from models import invites, totp, users
from models.db import get_db
from views.helpers import is_htmx, json_error, safe_next, wants_json
from views.instance import registration_mode
from views.limits import config_limit, ip_key, limiter

bp = Blueprint("auth", __name__)


class Member(UserMixin):
    """The signed-in member, as flask-login wants it.

    The id flask-login keeps in the session and in the remember cookie is "<id>:<session_version>":
    bumping a member's session_version (password change, sign out everywhere, suspension) makes
    every copy of every older cookie stop working on its next request.
    """

    def __init__(self, row):
        self.row = row
        self.id = row["id"]
        self.username = row["username"]
        self.role = row["role"]
        self.session_version = row["session_version"]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_moderator(self) -> bool:
        """Admins and moderators both moderate."""
        return self.role in ("admin", "moderator")


def init_login(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = None

    @manager.user_loader
    def load(session_id: str):
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None  # a cookie from before session versions, or forged
        row = users.get_user(get_db(), int(user_id))
        if row is None or row["domain"] is not None or row["status"] != "active":
            return None
        return Member(row) if row["session_version"] == int(version) else None

    @manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return json_error(_("Sign in first."), 401)
        target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        if is_htmx():
            return "", 401, {"HX-Redirect": target}
        return redirect(target)


def _messages() -> dict[str, str]:
    return {
        "username": _("Use 2–30 characters: lowercase letters, digits and underscores."),
        "username_taken": _("That username is taken. Try another."),
        "password_short": _("Use at least %(n)d characters.", n=users.PASSWORD_MIN),
        "password_long": _("That password is too long."),
        "login": _("That username and password do not match."),
    }


def account_key() -> str:
    """The per-account sign-in limit's key: the name being tried (posted, or held for the code step)."""
    if request.endpoint == "auth.login_code":
        name = (session.get(PENDING) or {}).get("username", "")
    else:
        name = users.normalise_username(request.form.get("username", ""))[:64]
    return "account:" + name


# Sign-in attempts count per IP and per account name, across both steps (password, then code).
login_ip_limit = limiter.shared_limit(config_limit("LOGIN_RATE_LIMIT"), scope="login-ip", key_func=ip_key,
                                      methods=["POST"])
login_account_limit = limiter.shared_limit(config_limit("LOGIN_ACCOUNT_RATE_LIMIT"), scope="login-account",
                                           key_func=account_key, methods=["POST"])


def _signup_messages() -> dict[str, str]:
    return {
        "note_long": _("Keep it under %(n)d characters.", n=users.SIGNUP_NOTE_MAX),
        "invite_missing": _("Joining needs an invite: enter the code you were given."),
        "invite_unknown": _("That invite code does not exist. Check it, or ask for a new one."),
        "invite_revoked": _("That invite was withdrawn. Ask for a new one."),
        "invite_expired": _("That invite has expired. Ask for a new one."),
        "invite_used_up": _("That invite has been used as many times as it allows. Ask for a new one."),
    }


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(config_limit("SIGNUP_RATE_LIMIT"), methods=["POST"], key_func=ip_key)
def signup():
    """Sign up under the instance's registration mode; the very first account is the admin, whatever the mode."""
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    conn = get_db()
    first = users.count_local(conn) == 0
    mode = registration_mode()
    if mode == "closed" and not first:
        return _registration_closed()
    form = {"username": "", "next": safe_next(request.values.get("next"), ""), "note": "",
            "invite": (request.values.get("invite") or "").strip()[:invites.CODE_MAX]}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form["username"] = users.normalise_username(request.form.get("username", ""))
        form["note"] = (request.form.get("note") or "").replace("\r\n", "\n").strip() if mode == "approval" else ""
        password = request.form.get("password", "")
        codes = users.validate_signup(form["username"], password)
        if len(form["note"]) > users.SIGNUP_NOTE_MAX:
            codes["note"] = "note_long"
        # An invite is needed in invite mode; in approval mode one is optional and skips the waiting list.
        invite = form["invite"] if not first and (mode == "invite" or (mode == "approval" and form["invite"])) else None
        if invite is not None and (problem := invites.check(conn, invite)):
            codes["invite"] = f"invite_{problem}"
        if not codes:
            try:
                row = users.create_user(conn, form["username"], password, mode=mode, note=form["note"],
                                        invite_code=invite)
            except users.UsernameTaken:
                codes = {"username": "username_taken"}
            except invites.InviteInvalid as exc:  # used up or revoked since the check above
                codes = {"invite": f"invite_{exc.reason}"}
            except users.RegistrationClosed:  # closed since the page was read
                return _registration_closed()
            else:
                if row["status"] == "pending":
                    return _on_waiting_list(row)
                login_user(Member(row), remember=False)
                return _after_login(url_for("studio.studio"))
        messages = {**_messages(), **_signup_messages()}
        errors = {field: messages[code] for field, code in codes.items()}
    return _form_page("signup.html", form, errors, first=first, mode=mode)


def _registration_closed():
    """GET: the page says so; POST: 403."""
    message = _("This instance is not taking new members at the moment.")
    if request.method == "POST":
        if wants_json():
            return json_error(message, 403)
        return render_template("signup.html", mode="closed", first=False, form={}, errors={}, message=message), 403
    return render_template("signup.html", mode="closed", first=False, form={}, errors={}, message=message)


def _on_waiting_list(row):
    if wants_json():
        return {"ok": True, "username": row["username"], "status": "pending"}, 202
    session["waiting_username"] = row["username"]
    target = url_for("auth.waiting")
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.get("/signup/waiting")
def waiting():
    """After an approval-mode sign-up: you are on the waiting list."""
    return render_template("signup_waiting.html", username=session.get("waiting_username", ""))


def signin_refusal(row) -> str | None:
    """What to tell someone who gave the right password but may not sign in yet (None: they may)."""
    if row["status"] == "pending":
        return _("Your application to join is waiting for a moderator. You can log in once it is accepted.")
    if row["status"] == "rejected":
        return _("Your application to join was not accepted.")
    return None


@bp.route("/login", methods=["GET", "POST"])
@login_ip_limit
@login_account_limit
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("feed.home")))
    form = {"username": "", "next": safe_next(request.values.get("next"), ""), "remember": False}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form["username"] = users.normalise_username(request.form.get("username", ""))
        form["remember"] = request.form.get("remember") == "1"
        # authenticate() refuses an over-long password before hashing; a wrong password, an unknown
        # name and a deleted account all get the same message after the same work.
        row = users.authenticate(get_db(), form["username"], request.form.get("password", ""))
        if row is not None and row["status"] == "deleted":
            row = None
        if row is not None and row["status"] == "suspended":
            return _refused(form, _("This account is suspended. Contact the instance's moderators."))
        if row is not None and (refusal := signin_refusal(row)):
            return _refused(form, refusal)
        if row is not None:
            if row["totp_secret"]:
                return _ask_for_code(row, form)
            login_user(Member(row), remember=form["remember"])
            return _after_login(url_for("feed.home"))
        errors = {"password": _messages()["login"]}
    return _form_page("login.html", form, errors)


# The second step of a two-factor sign-in: who gave the right password, kept in the session (not
# signed in) for PENDING_SECONDS.
PENDING = "pending_login"
PENDING_SECONDS = 300
CODE_MAX = 64


def _ask_for_code(row, form: dict):
    session[PENDING] = {"id": row["id"], "version": row["session_version"], "username": row["username"],
                        "remember": form["remember"], "next": safe_next(form["next"], ""), "at": time.time()}
    target = url_for("auth.login_code")
    if wants_json():
        return {"ok": False, "two_factor": True, "url": target}, 202
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


def _pending_member():
    """The member waiting at the code step, or None (nobody, too late, or their sessions were ended)."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    row = users.get_user(get_db(), pending["id"])
    if row is None or row["status"] != "active" or row["session_version"] != pending["version"]:
        session.pop(PENDING, None)
        return None
    return row


@bp.route("/login/code", methods=["GET", "POST"])
@login_ip_limit
@login_account_limit
def login_code():
    """Step two: a code from the authenticator app, or one of the recovery codes."""
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    row = _pending_member()
    if row is None:
        message = _("Your sign-in timed out. Enter your username and password again.")
        if wants_json():
            return json_error(message, 401)
        form = {"username": "", "next": "", "remember": False}
        return render_template("login.html", form=form, errors={}, refusal=message), 401
    pending = session[PENDING]
    errors: dict[str, str] = {}
    if request.method == "POST":
        code = request.form.get("code", "")
        if len(code) <= CODE_MAX and totp.verify(get_db(), row["id"], code):
            session.pop(PENDING, None)
            login_user(Member(row), remember=pending["remember"])
            return _after_login(pending["next"] or url_for("feed.home"))
        errors = {"code": _("That code is not right. Use the newest code from your app, or a recovery code.")}
    return _form_page("login_code.html", {"username": row["username"]}, errors)


def _refused(form: dict, message: str):
    """The right password, but the account may not sign in (waiting list, not accepted): 403, not signed in."""
    if wants_json():
        return json_error(message, 403)
    return render_template("login.html", form=form, errors={}, refusal=message), 403


def _after_login(default: str):
    target = safe_next(request.form.get("next"), default) if request.endpoint == "auth.login" else default
    if wants_json():
        return {"ok": True, "username": current_user.username}
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


def _form_page(template: str, form: dict, errors: dict, **extra):
    status = 422 if errors else 200
    if errors and wants_json():
        return json_error(_("Please correct the marked fields."), 422, errors)
    return render_template(template, form=form, errors=errors, **extra), status


@bp.post("/logout")
@login_required
def logout():
    # Cookies are signed, not stored: moving the session version on is what makes a copied session
    # or remember cookie worthless. It signs this account out on every device.
    users.end_sessions(get_db(), current_user.id)
    logout_user()
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("feed.home")}
    return redirect(url_for("feed.home"), 303)
