"""/admin/signups: the waiting list of an approval-required instance; moderators accept or reject."""

from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import registration
from models.db import get_db
from views.helpers import is_htmx, json_error, wants_json
from views.instance import registration_mode
from views.roles import moderator_required

bp = Blueprint("signups", __name__, url_prefix="/admin/signups")

REASON_MAX = 500


def waiting_count() -> int:
    """How many sign-ups wait (for moderators' badges; 0 for everyone else), read once per request."""
    if not (current_user.is_authenticated and current_user.is_moderator):
        return 0
    if "_waiting_signups" not in g:
        g._waiting_signups = registration.waiting_count(get_db())
    return g._waiting_signups


def init_app(app: Flask) -> None:
    app.jinja_env.globals["waiting_signups"] = waiting_count


@bp.get("")
@moderator_required
def index():
    waiting = registration.waiting_list(get_db())
    if wants_json():
        return jsonify({"waiting": [{"id": row["id"], "username": row["username"], "note": row["signup_note"],
                                     "created_at": row["created_at"]} for row in waiting]})
    return render_template("admin_signups.html", waiting=waiting, mode=registration_mode(),
                           decided=request.args.get("decided", ""))


@bp.post("/<int:user_id>/<any(approve, reject):decision>")
@moderator_required
def decide(user_id: int, decision: str):
    reason = (request.form.get("reason") or "").strip()[:REASON_MAX]
    try:
        member = registration.decide_signup(get_db(), current_user.row, user_id, decision == "approve", reason)
    except registration.NotPending:
        message = _("That sign-up is no longer waiting: another moderator may have decided already.")
        if wants_json():
            return json_error(message, 409)
        return render_template("admin_signups.html", waiting=registration.waiting_list(get_db()),
                               mode=registration_mode(), decided="", problem=message), 409
    if wants_json():
        return {"ok": True, "username": member["username"], "status": "active" if decision == "approve" else "rejected"}
    if is_htmx():
        return ""  # the row removes itself
    return redirect(url_for("signups.index", decided=f"{decision}:{member['username']}"), 303)
