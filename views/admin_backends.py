"""Admins enable generation servers, set their address, credentials and limits, and test them."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from imagegen.backend_config import Problem, clean, masked
from imagegen.backends import build_remote, remote_kinds
from imagegen.base import SIZES, GenerationError
from models import backends
from models.db import get_db
from views.helpers import is_htmx
from views.roles import admin_required

bp = Blueprint("admin_backends", __name__, url_prefix="/admin/backends")
log = logging.getLogger("easel.admin")


def panel_context(kind: str, form: dict | None = None, errors: dict | None = None,
                  tested: dict | None = None) -> dict:
    """One server's panel: its saved settings (secret masked) or the form as posted."""
    cls = remote_kinds()[kind]
    row = backends.get(get_db(), kind)
    saved = {
        "enabled": bool(row and row["enabled"]), "url": row["url"] if row else cls.default_url,
        "model": row["model"] if row else "", "timeout": row["timeout"] if row else 300,
        "steps": row["steps"] if row else 20,
        "sizes": row["sizes"].split(",") if row else list(SIZES), "workflow": row["workflow"] if row else "",
        "fallback": bool(row and row["fallback"]),
    }
    return {
        "kind": kind, "label": cls.label, "default_url": cls.default_url,
        "form": form or saved, "errors": errors or {},
        "secret_hint": masked(row["secret"]) if row else "",
        "health": row["health"] if row else "", "health_detail": row["health_detail"] if row else "",
        "checked_at": row["checked_at"] if row else None,
        "is_default": bool(row and row["is_default"] and row["enabled"]),
        "tested": tested, "sizes": list(SIZES),
    }


def _posted_form() -> dict:
    form = request.form
    return {"enabled": form.get("enabled") == "1", "url": form.get("url", ""), "secret": form.get("secret", ""),
            "clear_secret": form.get("clear_secret") == "1", "model": form.get("model", ""),
            "timeout": form.get("timeout", ""), "steps": form.get("steps", ""),
            "sizes": form.getlist("sizes"), "workflow": form.get("workflow", ""),
            "fallback": form.get("fallback") == "1"}


def _kind_or_404(kind: str) -> str:
    if kind not in remote_kinds():
        abort(404)
    return kind


def _answer_panel(kind: str, status: int = 200, **context):
    if is_htmx():
        return render_template("partials/_backend_panel.html", p=panel_context(kind, **context)), status
    if status != 200:
        return render_template("admin_backends.html", **page_context({kind: panel_context(kind, **context)})), status
    return redirect(url_for("admin_backends.index") + f"#backend-{kind}", 303)


def page_context(replace: dict | None = None) -> dict:
    conn = get_db()
    panels = [(replace or {}).get(kind) or panel_context(kind) for kind in remote_kinds()]
    return {"panels": panels, "default_kind": backends.default_kind(conn) or "builtin",
            "enabled": [(row["kind"], remote_kinds()[row["kind"]].label) for row in backends.enabled(conn)],
            "failures": backends.recent_failures(conn)}


@bp.get("")
@admin_required
def index():
    return render_template("admin_backends.html", **page_context())


def _save(kind: str):
    """Check and store the posted settings; returns (form, errors)."""
    form = _posted_form()
    values, problems = clean(kind, form)
    errors = {field: _(problem.template, **problem.values) if isinstance(problem, Problem) else problem
              for field, problem in problems.items()}
    if not errors:
        backends.save(get_db(), kind, values)
        log.info("admin %s saved the %s settings", current_user.username, kind)  # never the secret
    form["secret"] = ""
    return form, errors


@bp.post("/<kind>")
@admin_required
def save(kind: str):
    form, errors = _save(_kind_or_404(kind))
    if errors:
        return _answer_panel(kind, 422, form=form, errors=errors)
    return _answer_panel(kind)


@bp.post("/<kind>/test")
@admin_required
def test(kind: str):
    """Save, then make a real call to the server (e.g. list its models) and show what came back."""
    form, errors = _save(_kind_or_404(kind))
    if errors:
        return _answer_panel(kind, 422, form=form, errors=errors)
    conn = get_db()
    try:
        description = build_remote(kind, backends.as_config(backends.get(conn, kind))).health()
    except GenerationError as exc:
        log.info("connection test of %s failed: %s", kind, exc.detail or exc)
        backends.set_health(conn, kind, False, exc.detail or str(exc))
        tested = {"ok": False, "message": str(exc), "detail": exc.detail}
    else:
        backends.set_health(conn, kind, True, description)
        tested = {"ok": True, "message": _("Connected: %(what)s", what=description), "detail": ""}
    return _answer_panel(kind, tested=tested) if is_htmx() else (
        render_template("admin_backends.html", **page_context({kind: panel_context(kind, tested=tested)})))


@bp.post("/default")
@admin_required
def default():
    kind = request.form.get("kind", "builtin")
    conn = get_db()
    enabled = {row["kind"] for row in backends.enabled(conn)}
    if kind != "builtin" and kind not in enabled:
        abort(422)
    backends.set_default(conn, None if kind == "builtin" else kind)
    return redirect(url_for("admin_backends.index"), 303)
