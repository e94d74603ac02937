"""Sign up, log in, log out."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from models import users
from models.db import get_db
from views.helpers import is_htmx, json_error, safe_next, wants_json
from views.limits import limiter

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


def _rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_rate, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    conn = get_db()
    first = users.count_local(conn) == 0
    form = {"username": "", "next": safe_next(request.values.get("next"), "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form["username"] = users.normalise_username(request.form.get("username", ""))
        password = request.form.get("password", "")
        codes = users.validate_signup(form["username"], password)
        if not codes:
            try:
                row = users.create_user(conn, form["username"], password)
            except users.UsernameTaken:
                codes = {"username": "username_taken"}
            else:
                login_user(Member(row), remember=True)
                return _after_login(url_for("studio.studio"))
        messages = _messages()
        errors = {field: messages[code] for field, code in codes.items()}
    return _form_page("signup.html", form, errors, first=first)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_rate, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("feed.home")))
    form = {"username": "", "next": safe_next(request.values.get("next"), "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form["username"] = users.normalise_username(request.form.get("username", ""))
        row = users.authenticate(get_db(), form["username"], request.form.get("password", ""))
        if row is not None:
            login_user(Member(row), remember=True)
            return _after_login(url_for("feed.home"))
        errors = {"password": _messages()["login"]}
    return _form_page("login.html", form, errors)


def _after_login(default: str):
    target = safe_next(request.form.get("next"), default)
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
    logout_user()
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("feed.home")}
    return redirect(url_for("feed.home"), 303)
