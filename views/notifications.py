"""Notifications: the grouped list (marked read when opened) and the header badge htmx polls."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from models import notifications
from models.db import get_db
from views.helpers import wants_json

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    conn = get_db()
    groups = notifications.grouped(conn, current_user.id)
    notifications.mark_read(conn, current_user.id)
    if wants_json():
        return jsonify({"notifications": groups})
    return render_template("notifications.html", groups=groups)


@bp.get("/notifications/badge")
def badge():
    """The unread count in the header (refreshed every 30 s)."""
    count = notifications.unread_count(get_db(), current_user.id) if current_user.is_authenticated else 0
    if wants_json():
        return jsonify({"unread": count})
    return render_template("partials/_notification_badge.html", unread=count)
