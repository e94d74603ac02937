"""Invites: admins make and revoke them at /admin/invites; members at /invites when the instance allows it."""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import invites
from models.db import get_db, now
from views.helpers import is_htmx, json_error, wants_json
from views.instance import registration_mode, setting
from views.roles import admin_required

bp = Blueprint("invites", __name__)

# The form's choices, like Mastodon's: None is unlimited / never. Any other number in range is accepted too.
USES_CHOICES = (None, 1, 5, 10, 25, 50, 100)
EXPIRY_CHOICES = (1, 7, 30, None)


def invite_link(code: str) -> str:
    """The sign-up link with the code filled in, on the public URL when one is configured."""
    public = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public + url_for("auth.signup", invite=code)
    return url_for("auth.signup", invite=code, _external=True)


def _status(invite) -> str:
    return invites.problem(invite) or "active"


def _expiry_label(expires_at: float | None) -> str:
    if expires_at is None:
        return _("never")
    left = expires_at - now()
    if left <= 0:
        return _("expired")
    # Rounded up: an invite made "for 7 days" says "in 7 days", not 6 days and 23 hours.
    if left < 3600:
        return _("in %(n)d minutes", n=math.ceil(left / 60))
    if left < 2 * 86400:
        return _("in %(n)d hours", n=math.ceil(left / 3600))
    return _("in %(n)d days", n=math.ceil(left / 86400))


def _rows(rows) -> list[dict]:
    return [{**dict(row), "link": invite_link(row["code"]), "status": _status(row),
             "expires_label": _expiry_label(row["expires_at"])} for row in rows]


def _as_json(invite) -> dict:
    return {"id": invite["id"], "code": invite["code"], "url": invite_link(invite["code"]),
            "max_uses": invite["max_uses"], "uses": invite["uses"], "expires_at": invite["expires_at"],
            "status": _status(invite), "creator": invite["creator"]}


def _messages(field: str, code: str) -> str:
    if code == "range" and field == "max_uses":
        return _("At most %(n)d uses.", n=invites.MAX_USES_LIMIT)
    if code == "range":
        return _("At most %(n)d days.", n=invites.EXPIRY_DAYS_LIMIT)
    return _("Enter a whole number, or leave it blank.")


def _page(admin: bool, form: dict | None = None, errors: dict | None = None, status: int = 200,
          created: int | None = None):
    conn = get_db()
    rows = invites.listing(conn) if admin else invites.listing(conn, created_by=current_user.id)
    context = {
        "admin": admin, "invites": _rows(rows), "form": form or {"max_uses": "", "expires_in_days": "7"},
        "errors": errors or {}, "uses_choices": USES_CHOICES, "expiry_choices": EXPIRY_CHOICES,
        "created": created, "mode": registration_mode(),
        "members_can_invite": setting("members_can_invite"),
    }
    return render_template("invites.html", **context), status


def _create(admin: bool):
    form = {"max_uses": request.form.get("max_uses", ""), "expires_in_days": request.form.get("expires_in_days", "")}
    values, codes = invites.parse_options(form["max_uses"], form["expires_in_days"])
    if codes:
        errors = {field: _messages(field, code) for field, code in codes.items()}
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        return _page(admin, form, errors, status=422)
    invite = invites.create(get_db(), current_user.id, actor=current_user.row if admin else None, **values)
    if wants_json():
        return jsonify(_as_json(invite)), 201
    target = url_for("invites.admin_index" if admin else "invites.index", created=invite["id"])
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target, 303)


def _created_arg() -> int | None:
    raw = request.args.get("created", "")
    return int(raw) if raw.isdigit() and len(raw) < 18 else None


def _may_invite() -> bool:
    return current_user.is_admin or bool(setting("members_can_invite"))


@bp.get("/admin/invites")
@admin_required
def admin_index():
    return _page(True, created=_created_arg())


@bp.post("/admin/invites")
@admin_required
def admin_create():
    return _create(admin=True)


@bp.post("/admin/invites/<int:invite_id>/revoke")
@admin_required
def admin_revoke(invite_id: int):
    conn = get_db()
    if invites.get(conn, invite_id) is None:
        abort(404)
    invites.revoke(conn, invite_id, actor=current_user.row)
    return _after_revoke("invites.admin_index", invite_id)


@bp.get("/invites")
@login_required
def index():
    if not _may_invite():
        abort(403)
    return _page(False, created=_created_arg())


@bp.post("/invites")
@login_required
def create():
    if not _may_invite():
        if wants_json():
            return json_error(_("Members cannot create invites on this instance."), 403)
        abort(403)
    return _create(admin=False)


@bp.post("/invites/<int:invite_id>/revoke")
@login_required
def revoke(invite_id: int):
    """A member withdraws one of their own invites (someone else's is a 404)."""
    conn = get_db()
    invite = invites.get(conn, invite_id)
    if invite is None or invite["created_by"] != current_user.id:
        abort(404)
    invites.revoke(conn, invite_id)
    return _after_revoke("invites.index", invite_id)


def _after_revoke(endpoint: str, invite_id: int):
    if wants_json():
        return jsonify(_as_json(invites.get(get_db(), invite_id)))
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for(endpoint)}
    return redirect(url_for(endpoint), 303)
