"""The admin area's front page (/admin: figures, the generation queue, disk, servers), a moderator's
cancel of any job, and the audit log (/admin/audit, admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from imagegen.backends import remote_kinds
from models import audit, backends, moderation, reports
from models import dashboard as figures
from models.db import get_db
from models.generations import get as get_generation
from views.helpers import int_arg, wants_json
from views.roles import admin_required, moderator_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

REASON_MAX = 500
AUDIT_PAGE = 50


def actor() -> dict:
    """The signed-in moderator as audit rows and models want them."""
    return {"id": current_user.id, "username": current_user.username, "role": current_user.role}


def posted_reason(required: bool = False) -> tuple[str, str | None]:
    """The form's `reason` and a message when it is missing (if required) or too long."""
    reason = (request.form.get("reason") or "").strip()
    if required and not reason:
        return reason, _("Say why, for the audit log.")
    if len(reason) > REASON_MAX:
        return reason, _("Keep the reason under %(n)d characters.", n=REASON_MAX)
    return reason, None


def admin_links() -> list[tuple[str, str, bool]]:
    """(label, url, admins only) of every admin page, for the dashboard and the admin pages' menu."""
    return [
        (_("Dashboard"), url_for("admin.dashboard"), False),
        (_("Reports"), url_for("admin_moderation.reports"), False),
        (_("Review"), url_for("admin_moderation.review"), False),
        (_("Members"), url_for("admin_members.index"), False),
        (_("Sign-ups"), "/admin/signups", False),
        (_("Invites"), "/admin/invites", True),
        (_("Prompt rules"), url_for("admin_moderation.rules"), True),
        (_("Audit log"), url_for("admin.audit_log"), True),
        (_("Instance settings"), "/admin/settings", True),
        (_("Generation servers"), url_for("admin_backends.index"), True),
        (_("Data and consent"), url_for("admin_data.index"), True),
        (_("Federation"), "/admin/federation", True),
    ]


@bp.app_template_global()
def admin_menu() -> list[tuple[str, str]]:
    """The admin pages the signed-in member may open."""
    if not current_user.is_authenticated or not current_user.is_moderator:
        return []
    return [(label, url) for label, url, admins_only in admin_links() if current_user.is_admin or not admins_only]


@bp.app_template_global()
def moderation_badge() -> int:
    """Open reports, for the header of moderators (0 for everyone else, without a query)."""
    if not current_user.is_authenticated or not current_user.is_moderator:
        return 0
    return reports.open_count(get_db())


def backend_status() -> list[dict]:
    """The builtin (always there, in-process) and every enabled server with its last health check."""
    rows = [{"label": _("Easel's own illustrator (built in)"), "health": "up", "detail": _("runs inside Easel"),
             "checked_at": None, "default": backends.default_kind(get_db()) is None}]
    default = backends.default_kind(get_db())
    for row in backends.enabled(get_db()):
        cls = remote_kinds().get(row["kind"])
        rows.append({"label": cls.label if cls else row["kind"], "health": row["health"],
                     "detail": row["health_detail"], "checked_at": row["checked_at"],
                     "default": row["kind"] == default})
    return rows


@bp.get("", endpoint="dashboard")
@moderator_required
def dashboard_page():
    conn = get_db()
    config = current_app.config
    media_bytes, media_files = current_app.extensions.setdefault(
        "easel_media_size", figures.FolderSize()).get(config["MEDIA_DIR"])
    context = {
        "counts": figures.counts(conn),
        "queue": figures.queue(conn),
        "db_bytes": figures.database_bytes(config["DATABASE"]),
        "media_bytes": media_bytes, "media_files": media_files,
        "backends": backend_status(),
        "open_reports": reports.open_count(conn),
        "held_posts": moderation.held_count(conn),
        "links": admin_menu(),
    }
    if wants_json():
        return jsonify({"counts": context["counts"], "db_bytes": context["db_bytes"],
                        "media_bytes": media_bytes, "open_reports": context["open_reports"],
                        "held_posts": context["held_posts"],
                        "queue": {"running": len(context["queue"]["running"]),
                                  "waiting": context["queue"]["waiting_count"]}})
    return render_template("admin_dashboard.html", **context)


@bp.post("/generations/<int:generation_id>/cancel")
@moderator_required
def cancel_generation(generation_id: int):
    """A moderator stops any member's job (stuck, abusive, or hogging the queue)."""
    conn = get_db()
    job = get_generation(conn, generation_id)
    if job is None:
        abort(404)
    reason, error = posted_reason()
    if error:
        abort(422)
    cancelled = moderation.cancel_generation(conn, actor(), generation_id, reason)
    if not cancelled:
        abort(409)
    if wants_json():
        return jsonify({"cancelled": generation_id})
    return redirect(url_for("admin.dashboard") + "#queue", 303)


@bp.get("/audit")
@admin_required
def audit_log():
    entries = audit.entries(get_db(), int_arg("before"), AUDIT_PAGE)
    more = url_for("admin.audit_log", before=entries[-1]["id"]) if len(entries) == AUDIT_PAGE else None
    if wants_json():
        return jsonify({"entries": [dict(row) for row in entries], "more": more})
    return render_template("admin_audit.html", entries=entries, more_url=more, links=admin_menu())
