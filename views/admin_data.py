"""/admin/data (admins only): training-data consent as it stands now, and the history of dataset exports.

Exports themselves are made on the command line (`flask --app app dataset export OUT/`): they write
a folder on the server, which is the operator's business, not a web request's.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from models import consent
from models import dataset as datasets
from models.db import get_db
from views import instance as instance_view
from views.admin import admin_menu
from views.helpers import isotime, wants_json
from views.roles import admin_required

bp = Blueprint("admin_data", __name__, url_prefix="/admin/data")

HISTORY = 50


@bp.get("")
@admin_required
def index():
    conn = get_db()
    posts, members = consent.consented_count(conn)
    opted = datasets.consenting_members(conn)
    exports = datasets.history(conn, HISTORY)
    settings = instance_view.settings()
    if wants_json():
        return jsonify({
            "consented": {"posts": posts, "members": members, "members_opted_in": opted["opted_in"],
                          "members_attributed": opted["attributed"]},
            "crawlers": {"block_ai_crawlers": settings["block_ai_crawlers"],
                         "hide_from_search": settings["hide_from_search"]},
            "exports": [{**dict(row), "created_at": isotime(row["created_at"]),
                         "consent_snapshot_at": isotime(row["consent_snapshot_at"])} for row in exports],
        })
    return render_template("admin_data.html", posts=posts, members=members, opted=opted, exports=exports,
                           settings=settings, links=admin_menu())
