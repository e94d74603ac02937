"""Moderation queues: reports (/admin/reports), posts held for review (/admin/review), hidden posts,
and the prompt rules admins keep (/admin/rules)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import accounts, moderation, prompt_rules, reports
from models.db import get_db
from views.admin import actor, admin_menu, posted_reason
from views.admin_members import refusal
from views.helpers import int_arg, is_htmx, wants_json
from views.roles import admin_required, moderator_required

bp = Blueprint("admin_moderation", __name__, url_prefix="/admin")


def outcome_labels() -> dict[str, str]:
    return {"post_hidden": _("post hidden"), "member_suspended": _("member suspended"),
            "dismissed": _("dismissed")}


# --- reports ---------------------------------------------------------------------------------

def reports_context(errors: dict | None = None) -> dict:
    conn = get_db()
    show = "closed" if request.args.get("show") == "closed" else "open"
    rows, cursor = reports.queue(conn, show, int_arg("before"))
    return {"rows": rows, "show": show, "open_count": reports.open_count(conn),
            "more_url": url_for("admin_moderation.reports", show=show, before=cursor) if cursor else None,
            "outcomes": outcome_labels(), "errors": errors or {}, "links": admin_menu()}


@bp.get("/reports", endpoint="reports")
@moderator_required
def reports_page():
    context = reports_context()
    if wants_json():
        return jsonify({"reports": [dict(row) for row in context["rows"]], "open": context["open_count"]})
    return render_template("admin_reports.html", **context)


@bp.post("/reports/<int:report_id>/<any(hide, suspend, dismiss):action>")
@moderator_required
def resolve(report_id: int, action: str):
    conn = get_db()
    report = reports.get(conn, report_id)
    if report is None:
        abort(404)
    reason, error = posted_reason()
    message = error
    if not message:
        try:
            reports.resolve(conn, actor(), report_id, action, reason)
        except LookupError:
            message = _("This report was already handled.")
        except ValueError:
            message = _("This report is not about a post.") if action == "hide" else _("There is no member to act on.")
        except accounts.NotAllowed as refused:
            if refused.args[0] in ("admin", "self"):
                abort(403)  # a moderator suspending an admin, or themselves
            message = refusal(refused.args[0])
        except accounts.LastAdmin:
            message = refusal("last_admin")
    if message:
        if wants_json():
            return jsonify({"errors": {"reason": message}}), 422
        return render_template("admin_reports.html", **reports_context({report_id: message})), 422
    if wants_json():
        return jsonify(dict(reports.get(conn, report_id)))
    if is_htmx():
        return render_template("partials/_admin_report.html", r=reports.get(conn, report_id),
                               outcomes=outcome_labels(), errors={})
    return redirect(url_for("admin_moderation.reports"), 303)


# --- posts: hide, unhide, review --------------------------------------------------------------

@bp.get("/review")
@moderator_required
def review():
    show = "hidden" if request.args.get("show") == "hidden" else "held"
    posts, cursor = moderation.queue(get_db(), show, int_arg("before"))
    more = url_for("admin_moderation.review", show=show, before=cursor) if cursor else None
    if wants_json():
        return jsonify({"posts": [{"id": p["id"], "author": p["username"], "caption": p["caption"]} for p in posts]})
    return render_template("admin_review.html", posts=posts, show=show, more_url=more,
                           held_count=moderation.held_count(get_db()), links=admin_menu())


# verb -> (model function, audit reason required)
POST_ACTIONS = {"approve": moderation.approve, "reject": moderation.reject,
                "hide": moderation.hide, "unhide": moderation.unhide}


@bp.post("/posts/<int:post_id>/<any(approve, reject, hide, unhide):verb>")
@moderator_required
def post_action(post_id: int, verb: str):
    reason, error = posted_reason()
    if error:
        abort(422)
    try:
        changed = POST_ACTIONS[verb](get_db(), actor(), post_id, reason)
    except LookupError:
        abort(404)
    if not changed:
        abort(409)
    if wants_json():
        return jsonify({"post_id": post_id, verb: True})
    if is_htmx():
        return ""  # the reviewed card leaves the queue
    back = request.form.get("next") or ""
    target = back if back.startswith("/admin") and not back.startswith("//") else url_for("admin_moderation.review")
    return redirect(target, 303)


# --- prompt rules ----------------------------------------------------------------------------

def rule_messages(code: str, detail: str = "") -> str:
    return {
        "empty": _("Write a word, a phrase or a pattern."),
        "long": _("Keep it under %(n)d characters.", n=prompt_rules.PATTERN_MAX),
        "regex": _("That pattern is not a valid regular expression: %(detail)s", detail=detail),
        "regex_empty": _("That pattern matches every prompt (it matches empty text)."),
        "duplicate": _("That rule is already there."),
        "action": _("Pick what the rule does."),
    }[code]


def rules_page(form: dict | None = None, errors: dict | None = None, status: int = 200):
    return render_template("admin_rules.html", rules=prompt_rules.rules(get_db()),
                           form=form or {"pattern": "", "is_regex": False, "action": "refuse"},
                           errors=errors or {}, links=admin_menu()), status


@bp.get("/rules")
@admin_required
def rules():
    if wants_json():
        return jsonify({"rules": [{"id": r["id"], "pattern": r["pattern"], "is_regex": bool(r["is_regex"]),
                                   "action": r["action"]} for r in prompt_rules.rules(get_db())]})
    return rules_page()


@bp.post("/rules")
@admin_required
def add_rule():
    form = {"pattern": (request.form.get("pattern") or "").strip(), "is_regex": request.form.get("is_regex") == "1",
            "action": request.form.get("action", "")}
    errors = {}
    problem = prompt_rules.validate(form["pattern"], form["is_regex"])
    if problem:
        errors["pattern"] = rule_messages(*problem)
    if form["action"] not in prompt_rules.ACTIONS:
        errors["action"] = rule_messages("action")
    if not errors:
        try:
            prompt_rules.add(get_db(), actor(), form["pattern"], form["is_regex"], form["action"])
        except prompt_rules.BadRule as bad:
            errors["pattern"] = rule_messages(bad.args[0])
    if errors:
        if wants_json():
            return jsonify({"errors": errors}), 422
        return rules_page(form, errors, 422)
    if wants_json():
        return jsonify({"ok": True}), 201
    return redirect(url_for("admin_moderation.rules"), 303)


@bp.post("/rules/<int:rule_id>/delete")
@admin_required
def remove_rule(rule_id: int):
    if not prompt_rules.remove(get_db(), actor(), rule_id):
        abort(404)
    if wants_json():
        return jsonify({"deleted": rule_id})
    if is_htmx():
        return ""
    return redirect(url_for("admin_moderation.rules"), 303)
