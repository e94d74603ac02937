"""/admin/settings: the instance's name, description, rules, contact, registration mode and quotas."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import instance
from models.db import get_db
from views import i18n
from views import instance as instance_view
from views.helpers import is_htmx, json_error, wants_json
from views.roles import admin_required

bp = Blueprint("admin_settings", __name__, url_prefix="/admin/settings")


def _messages(field: str, code: str) -> str:
    if code == "required":
        return _("Give the instance a name.")
    if code == "too_long":
        return _("Use at most %(n)d characters.", n=instance.LIMITS[field])
    if code == "control":
        return _("Keep it on one line.")
    if code == "mode":
        return _("Pick one of the registration modes offered.")
    if code == "locale":
        return _("Pick one of the languages offered.")
    low, high = instance.RANGES[field]
    return _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)


def _page(values: dict, errors: dict, saved: bool = False, status: int = 200):
    context = {"values": values, "errors": errors, "saved": saved, "limits": instance.LIMITS,
               "ranges": instance.RANGES, "modes": [(mode, instance_view.mode_label(mode))
                                                    for mode in instance.REGISTRATION_MODES]}
    return render_template("admin_settings.html", **context), status


@bp.get("")
@admin_required
def index():
    return _page(instance_view.settings(), {}, saved=request.args.get("saved") == "1")


@bp.post("")
@admin_required
def save():
    values, codes = instance.validate(request.form, i18n.available())
    if codes:
        errors = {field: _messages(field, code) for field, code in codes.items()}
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        return _page(values, errors, status=422)
    instance.update(get_db(), current_user.row, values, instance_view.config_defaults())
    instance_view.forget()
    if wants_json():
        return {"ok": True, "settings": instance_view.settings()}
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("admin_settings.index", saved=1)}
    return redirect(url_for("admin_settings.index", saved=1), 303)
