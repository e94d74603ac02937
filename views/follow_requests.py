"""Locked accounts (issue 10): the "Approve new followers" setting and the page where a member
approves or rejects follow requests. A remote requester hears the answer as Accept or Reject(Follow),
sent through the delivery queue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

import federation
from federation import activities
from federation.delivery import enqueue
from models import follow_requests
from models.db import get_db
from views.helpers import is_htmx, wants_json

bp = Blueprint("follow_requests", __name__)


@bp.app_context_processor
def _pending_count():
    """`pending_follow_requests()` for the settings panel: counted only when drawn."""
    def pending_follow_requests() -> int:
        if not current_user.is_authenticated:
            return 0
        return follow_requests.pending_count(get_db(), current_user.id)

    return {"pending_follow_requests": pending_follow_requests}


def tell_remote(row, accept: bool) -> None:
    """Accept or Reject a remote requester's Follow (nothing to send for a local requester)."""
    conn = get_db()
    config = current_app.config
    if not row["domain"] or not row["inbox_url"] or not federation.enabled(config, conn):
        return
    follow = activities.follow_of(config, row["actor_uri"], current_user.username, row["activity_id"])
    answer = (activities.accept if accept else activities.reject)(config, current_user.username, follow)
    enqueue(current_app, conn, current_user.id, answer, [row["inbox_url"]])


@bp.get("/follow-requests")
@login_required
def index():
    conn = get_db()
    requests = follow_requests.pending_for(conn, current_user.id)
    if wants_json():
        return jsonify({"locked": follow_requests.is_locked(conn, current_user.id),
                        "requests": [{"id": r["id"], "username": r["username"], "domain": r["domain"],
                                      "created_at": r["created_at"]} for r in requests]})
    return render_template("follow_requests.html", requests=requests,
                           locked=follow_requests.is_locked(conn, current_user.id))


def _decide(request_id: int, approve: bool):
    conn = get_db()
    decide = follow_requests.approve if approve else follow_requests.reject
    row = decide(conn, current_user.id, request_id)
    if row is None:
        abort(404)  # no such request, or one addressed to someone else
    tell_remote(row, accept=approve)
    if wants_json():
        return jsonify({"id": request_id, "approved": approve, "username": row["username"], "domain": row["domain"]})
    if is_htmx():
        return render_template("partials/_follow_request_done.html", req=row, approved=approve)
    return redirect(url_for("follow_requests.index"), 303)


@bp.post("/follow-requests/<int:request_id>/approve")
@login_required
def approve(request_id: int):
    return _decide(request_id, approve=True)


@bp.post("/follow-requests/<int:request_id>/reject")
@login_required
def reject(request_id: int):
    return _decide(request_id, approve=False)


@bp.post("/settings/followers")
@login_required
def privacy():
    """'Approve new followers' on or off; off approves whatever was waiting (as Mastodon does)."""
    locked = (request.form.get("locked") or "").lower() in ("on", "1", "true")
    approved = follow_requests.set_locked(get_db(), current_user.id, locked)
    for row in approved:
        tell_remote(row, accept=True)
    if wants_json():
        return jsonify({"locked": locked, "approved": len(approved)})
    if is_htmx():
        return render_template("partials/_followers_setting.html", locked=locked, saved=True,
                               pending=follow_requests.pending_count(get_db(), current_user.id))
    return redirect(url_for("settings.settings", _anchor="followers-heading"), 303)
