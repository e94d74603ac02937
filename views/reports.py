"""Members report a post or a member to the moderators, with a reason (a form in the post's and the
profile's "…" menu; with htmx it answers a short thanks in place)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import posts, reports, social, users
from models.db import get_db
from views.helpers import is_htmx, wants_json
from views.limits import report_limit

bp = Blueprint("reports", __name__)


def reason_message(code: str) -> str:
    return {
        "reason_missing": _("Tell the moderators what is wrong."),
        "reason_long": _("Keep it under %(n)d characters.", n=reports.REASON_MAX),
        "self": _("You cannot report yourself."),
    }[code]


def _post_or_404(post_id: int) -> dict:
    post = posts.get(get_db(), post_id, current_user.id)
    if post is None or social.relationship(get_db(), current_user.id, post["user_id"]).get("blocked_by"):
        abort(404)
    return post


def _member_or_404(username: str):
    row = users.get_local_user(get_db(), username)
    if row is None or row["status"] == "deleted":
        abort(404)
    return row


def _answer(context: dict, errors: dict, reason: str, page_url: str):
    """The form again with its message (422), or the thanks (htmx: the partial; else back to the page)."""
    if errors:
        if wants_json():
            return jsonify({"errors": errors}), 422
        template = "partials/_report_form.html" if is_htmx() else "report.html"
        return render_template(template, **context, errors=errors, reason=reason, sent=False), 422
    if wants_json():
        return jsonify({"reported": True}), 201
    if is_htmx():
        return render_template("partials/_report_form.html", **context, errors={}, reason="", sent=True), 201
    return redirect(page_url + "?sent=1", 303)


def _reason() -> tuple[str, dict]:
    reason = (request.form.get("reason") or "").strip()
    code = reports.validate_reason(reason)
    return reason, ({"reason": reason_message(code)} if code else {})


def _form(context: dict):
    """GET: the form (htmx: just the form, swapped in where the menu's "Report" link was)."""
    template = "partials/_report_form.html" if is_htmx() else "report.html"
    return render_template(template, **context, errors={}, reason="", sent=request.args.get("sent") == "1")


def post_context(post: dict) -> dict:
    return {"post": post, "member": None, "action": url_for("reports.report_post", post_id=post["id"])}


def member_context(member) -> dict:
    return {"post": None, "member": member, "action": url_for("reports.report_member", username=member["username"])}


@bp.route("/p/<int:post_id>/report", methods=["GET", "POST"])
@login_required
@report_limit  # REPORT_RATE_LIMIT per member
def report_post(post_id: int):
    post = _post_or_404(post_id)
    context = post_context(post)
    if post["user_id"] == current_user.id:
        if request.method == "GET":
            abort(404)
        return _answer(context, {"reason": reason_message("self")}, "", context["action"])
    if request.method == "GET":
        return _form(context)
    reason, errors = _reason()
    if not errors:
        try:
            reports.report_post(get_db(), current_user.id, post_id, reason)
        except reports.CannotReport:
            abort(404)
    return _answer(context, errors, reason, context["action"])


@bp.route("/u/<username>/report", methods=["GET", "POST"])
@login_required
@report_limit  # REPORT_RATE_LIMIT per member
def report_member(username: str):
    member = _member_or_404(username)
    context = member_context(member)
    if member["id"] == current_user.id:
        if request.method == "GET":
            abort(404)
        return _answer(context, {"reason": reason_message("self")}, "", context["action"])
    if request.method == "GET":
        return _form(context)
    reason, errors = _reason()
    if not errors:
        reports.report_member(get_db(), current_user.id, member["id"], reason)
    return _answer(context, errors, reason, context["action"])
