"""Members, as moderators see them: search, one member's record, suspend / unsuspend, role, delete."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import accounts, members, reports, users
from models.db import get_db
from views.admin import actor, admin_menu, posted_reason
from views.helpers import is_htmx, wants_json
from views.roles import moderator_required

bp = Blueprint("admin_members", __name__, url_prefix="/admin/members")


def refusal(code: str) -> str:
    return {
        "self": _("You cannot do that to your own account here."),
        "admin": _("Only admins can act on an admin."),
        "deleted": _("This account was deleted."),
        "last_admin": _("The instance needs at least one admin: make someone else an admin first."),
        "missing": _("There is no such member."),
    }[code]


def status_labels() -> dict[str, str]:
    return {"active": _("active"), "pending": _("waiting for approval"), "suspended": _("suspended"),
            "deleted": _("deleted"), "rejected": _("sign-up rejected")}


def role_labels() -> dict[str, str]:
    return {"member": _("member"), "moderator": _("moderator"), "admin": _("admin")}


@bp.get("")
@moderator_required
def index():
    query = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status", "")
    if status not in ("", *members.STATUSES):
        status = ""
    rows, cursor = members.search(get_db(), query, status, request.args.get("after") or None)
    more = url_for("admin_members.index", q=query or None, status=status or None, after=cursor) if cursor else None
    if wants_json():
        return jsonify({"members": [{"username": r["username"], "role": r["role"], "status": r["status"]}
                                    for r in rows], "more": more})
    template = "partials/_admin_member_rows.html" if is_htmx() and request.args.get("after") else "admin_members.html"
    return render_template(template, rows=rows, query=query, status=status, more_url=more,
                           statuses=status_labels(), roles=role_labels(), links=admin_menu())


def member_or_404(username: str):
    row = users.get_local_user(get_db(), username)
    if row is None:
        abort(404)
    return row


def member_context(member, errors: dict | None = None, form: dict | None = None) -> dict:
    conn = get_db()
    return {
        "member": member,
        "record": members.record(conn, member["id"]),
        "posts": members.recent_posts(conn, member["id"]),
        "reports": reports.about_member(conn, member["id"]),
        "refused": accounts.may_act(actor(), member),
        "errors": errors or {},
        "form": form or {},
        "statuses": status_labels(),
        "roles": role_labels(),
        "links": admin_menu(),
    }


@bp.get("/<username>")
@moderator_required
def member(username: str):
    row = member_or_404(username)
    if wants_json():
        return jsonify({"username": row["username"], "role": row["role"], "status": row["status"],
                        **members.record(get_db(), row["id"])})
    return render_template("admin_member.html", **member_context(row))


def _refuse(member, field: str, message: str, status: int = 422):
    if wants_json():
        return jsonify({"errors": {field: message}}), status
    return render_template("admin_member.html", **member_context(member, {field: message},
                                                                 dict(request.form))), status


def _done(member):
    if wants_json():
        fresh = users.get_user(get_db(), member["id"])
        return jsonify({"username": fresh["username"], "role": fresh["role"], "status": fresh["status"]})
    return redirect(url_for("admin_members.member", username=member["username"]), 303)


def _guard(member):
    """403 for what this moderator may never do to this member (checked again by the model)."""
    code = accounts.may_act(actor(), member)
    if code in ("self", "admin"):
        abort(403)
    return code


@bp.post("/<username>/suspend")
@moderator_required
def suspend(username: str):
    row = member_or_404(username)
    _guard(row)
    reason, error = posted_reason(required=True)
    if error:
        return _refuse(row, "suspend_reason", error)
    try:
        accounts.suspend(get_db(), actor(), row["id"], reason)
    except accounts.NotAllowed as refused:
        return _refuse(row, "suspend_reason", refusal(refused.args[0]), 409)
    except accounts.LastAdmin:
        return _refuse(row, "suspend_reason", refusal("last_admin"), 409)
    return _done(row)


@bp.post("/<username>/unsuspend")
@moderator_required
def unsuspend(username: str):
    row = member_or_404(username)
    _guard(row)
    reason, error = posted_reason()
    if error:
        return _refuse(row, "unsuspend_reason", error)
    try:
        accounts.unsuspend(get_db(), actor(), row["id"], reason)
    except accounts.NotAllowed as refused:
        return _refuse(row, "unsuspend_reason", refusal(refused.args[0]), 409)
    return _done(row)


@bp.post("/<username>/role")
@moderator_required
def role(username: str):
    if not current_user.is_admin:
        abort(403)  # moderators do not hand out roles
    row = member_or_404(username)
    new_role = request.form.get("role", "")
    if new_role not in accounts.ROLES:
        return _refuse(row, "role", _("Pick one of the roles offered."))
    reason, error = posted_reason()
    if error:
        return _refuse(row, "role", error)
    try:
        accounts.set_role(get_db(), actor(), row["id"], new_role, reason)
    except accounts.LastAdmin:
        return _refuse(row, "role", refusal("last_admin"), 409)
    except accounts.NotAllowed as refused:
        return _refuse(row, "role", refusal(refused.args[0]), 409)
    return _done(row)


@bp.post("/<username>/delete")
@moderator_required
def delete(username: str):
    row = member_or_404(username)
    _guard(row)
    reason, error = posted_reason(required=True)
    if error:
        return _refuse(row, "delete_reason", error)
    if (request.form.get("confirm") or "").strip().lstrip("@").lower() != row["username"].lower():
        return _refuse(row, "delete_confirm", _("Type the member's username to confirm."))
    try:
        accounts.delete_account(get_db(), row["id"], current_app.config["MEDIA_DIR"], actor=actor(), reason=reason)
    except accounts.NotAllowed as refused:
        return _refuse(row, "delete_reason", refusal(refused.args[0]), 409)
    except accounts.LastAdmin:
        return _refuse(row, "delete_reason", refusal("last_admin"), 409)
    return _done(row)
