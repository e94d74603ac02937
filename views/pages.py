"""About, robots.txt and the liveness check."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from models import users
from models.db import get_db

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    conn = get_db()
    return render_template("about.html", admins=users.admins(conn), member_count=users.count_local(conn))


@bp.get("/robots.txt")
def robots():
    body = "User-agent: *\nDisallow: /studio\nDisallow: /generations/\nDisallow: /settings\nAllow: /\n"
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    get_db().execute("SELECT 1").fetchone()
    worker = current_app.extensions["easel_worker"]
    return {"ok": True, "workers": worker.size if worker.running else 0}
