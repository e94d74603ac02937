"""/admin/federation (admins): domain rules (suspend, silence, allow), limited-federation mode, the queue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import federation
from models import deliveries, domain_rules, instance
from models.db import get_db
from views import instance as instance_view
from views.helpers import wants_json
from views.roles import admin_required

bp = Blueprint("admin_federation", __name__, url_prefix="/admin/federation")
NOTE_MAX = 300


def _labels() -> dict[str, str]:
    return {"suspend": _("Suspend: nothing in or out, follows end"),
            "silence": _("Silence: only people who follow them see their posts"),
            "allow": _("Allow (for limited federation)")}


def _page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    conn = get_db()
    context = {
        "rules": domain_rules.all_rules(conn), "labels": _labels(), "errors": errors or {},
        "values": values or {"domain": "", "action": "suspend", "note": ""},
        "limited": bool(instance_view.setting("federation_limited")),
        "enabled": federation.enabled(current_app.config, conn),
        "public_url": current_app.config.get("PUBLIC_URL") or "",
        "queue": deliveries.counts(conn),
    }
    return render_template("admin_federation.html", **context), status


@bp.get("")
@admin_required
def index():
    return _page()


@bp.post("/rules")
@admin_required
def add_rule():
    domain = domain_rules.normalise(request.form.get("domain", ""))
    action = request.form.get("action", "")
    note = (request.form.get("note") or "").strip()
    errors = {}
    if domain is None:
        errors["domain"] = _("Enter a server's domain, like example.social.")
    elif domain == federation.local_host(current_app.config):
        errors["domain"] = _("That is this instance.")
    if action not in domain_rules.ACTIONS:
        errors["action"] = _("Pick one of the actions offered.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Use at most %(n)d characters.", n=NOTE_MAX)
    if errors:
        if wants_json():
            return jsonify({"errors": errors}), 422
        return _page(errors, {"domain": request.form.get("domain", ""), "action": action, "note": note}, 422)
    domain_rules.set_rule(get_db(), current_user.row, domain, action, note)
    if wants_json():
        return jsonify({"domain": domain, "action": action})
    return redirect(url_for("admin_federation.index"), 303)


@bp.post("/rules/remove")
@admin_required
def remove_rule():
    domain = domain_rules.normalise(request.form.get("domain", ""))
    if domain is None or not domain_rules.remove_rule(get_db(), current_user.row, domain):
        abort(404)
    if wants_json():
        return jsonify({"removed": domain})
    return redirect(url_for("admin_federation.index"), 303)


@bp.post("/mode")
@admin_required
def mode():
    limited = request.form.get("limited") in ("1", "on", "true")
    instance.update(get_db(), current_user.row, {"federation_limited": limited}, instance_view.config_defaults())
    instance_view.forget()
    if wants_json():
        return jsonify({"limited": limited})
    return redirect(url_for("admin_federation.index"), 303)
