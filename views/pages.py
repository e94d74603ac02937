"""About, robots.txt and the liveness check."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from models import markdown, registration
from models.db import get_db
from views import instance as instance_view
from views.helpers import wants_json

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
    body = "User-agent: *\nDisallow: /studio\nDisallow: /generations/\nDisallow: /settings\nAllow: /\n"
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    get_db().execute("SELECT 1").fetchone()
    worker = current_app.extensions["easel_worker"]
    return {"ok": True, "workers": worker.size if worker.running else 0}
