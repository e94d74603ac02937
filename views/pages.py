"""About, robots.txt and the liveness check."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from models import health, markdown, registration
from models import robots as robots_model
from models.db import get_db
from views import instance as instance_view
from views.helpers import isotime, wants_json

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    """The instance: name, description, rules (Markdown, rendered safely), contact, staff, how to join, version."""
    from app import __version__

    conn = get_db()
    info = instance_view.settings()
    staff = registration.staff(conn)
    mode = instance_view.registration_mode()
    if wants_json():
        return {"name": info["name"], "description": info["description"], "rules": info["rules"],
                "contact": info["contact"], "registration_mode": mode, "version": __version__,
                "admins": [row["username"] for row in staff if row["role"] == "admin"],
                "moderators": [row["username"] for row in staff if row["role"] == "moderator"],
                "member_count": registration.active_count(conn)}
    return render_template(
        "about.html", info=info, rules_html=Markup(markdown.to_html(info["rules"])) if info["rules"].strip() else None,
        admins=[row for row in staff if row["role"] == "admin"],
        moderators=[row for row in staff if row["role"] == "moderator"],
        mode=mode, mode_label=instance_view.mode_label(mode), version=__version__,
        member_count=registration.active_count(conn), contact_href=_contact_href(info["contact"]),
    )


def _contact_href(contact: str) -> str | None:
    """A link for the contact line when it is an email address or a web address (else plain text)."""
    contact = contact.strip()
    if re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", contact):
        return f"mailto:{contact}"
    if re.fullmatch(r"https?://[^\s<>\"']+", contact):
        return contact
    return None


@bp.get("/robots.txt")
def robots():
    """Crawler policy from the instance settings (AI crawlers turned away by default)."""
    info = instance_view.settings()
    body = robots_model.robots_txt(info["block_ai_crawlers"], info["hide_from_search"])
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    """Liveness for monitors: one small query plus what the process knows (README "Operating Easel")."""
    worker = current_app.extensions["easel_worker"]
    alive = worker.running
    beat = worker.heartbeat
    body = {
        "ok": True,
        "database": True,
        "workers": worker.size if alive else 0,
        "worker_alive": alive,
        "worker_heartbeat": isotime(beat) if beat else None,
        "worker_heartbeat_age": round(time.time() - beat, 1) if beat else None,
        "queue": None,
        "disk_free_bytes": shutil.disk_usage(current_app.instance_path).free,
    }
    try:
        body["queue"] = health.queue_length(get_db())
    except sqlite3.Error as exc:
        current_app.logger.error("healthz: the database does not answer: %s", exc)
        body.update(ok=False, database=False)
        return body, 503
    return body
