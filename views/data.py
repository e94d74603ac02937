"""/settings/data: training-data consent, account exports (made by the worker), and importing lists.

Also the per-post consent control (POST /p/<id>/consent) and the `training_use(post)` helper the
post page uses to say whether a picture may be used to train AI models.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from imagegen.account_export import exports_dir
from models import account_exports, account_import, consent, posts
from models.db import get_db
from views.helpers import is_htmx, isotime, json_error, redirect_back, wants_json
from views.limits import wait_text

bp = Blueprint("data", __name__)

BOOLEAN = {"": False, "0": False, "1": True, "on": True}


@bp.app_context_processor
def _training_use():
    """`training_use(post)` for the post page: {'allowed', 'choice', 'member_consent'}."""

    def training_use(post) -> dict:
        settings = consent.member_settings(get_db(), post["user_id"])
        member_consent = settings["training_consent"] if settings else 0
        return {**consent.post_state(post["training_consent"], member_consent), "member_consent": bool(member_consent)}

    return {"training_use": training_use}


def _base_url() -> str:
    """The address members use: PUBLIC_URL when set, else the host this request came to."""
    return str(current_app.config.get("PUBLIC_URL") or "").rstrip("/") or request.host_url.rstrip("/")


def _export_json(row) -> dict:
    done = row["status"] == "done"
    return {
        "id": row["id"], "status": row["status"], "progress": row["progress"], "error": row["error"] or None,
        "created_at": isotime(row["created_at"]), "expires_at": isotime(row["expires_at"]) if done else None,
        "size_bytes": row["size_bytes"] if done else None,
        "download_url": url_for("data.download", export_id=row["id"]) if done else None,
    }


def _page_context(**extra) -> dict:
    conn = get_db()
    account_exports.expire_due(conn, exports_dir(current_app.config))
    exports = account_exports.for_user(conn, current_user.id)
    return {
        "settings": consent.member_settings(conn, current_user.id),
        "exports": exports,
        "active": next((row for row in exports if row["status"] in account_exports.ACTIVE), None),
        "import_errors": {},
        "export_error": None,
        "kinds": _import_kinds(),
        **extra,
    }


def _import_kinds() -> list[tuple[str, str]]:
    return [("following", _("Accounts to follow")), ("blocks", _("Accounts to block")),
            ("mutes", _("Accounts to mute"))]


@bp.get("/settings/data")
@login_required
def index():
    saved = "consent_saved" in get_flashed_messages()
    return render_template("data_settings.html", **_page_context(saved=saved))


@bp.post("/settings/data/consent")
@login_required
def save_consent():
    """Opt all your posts in or out of training use; allow or refuse naming you in datasets."""
    raw = {name: request.form.get(name, "") for name in ("training_consent", "training_attribution")}
    errors = {name: _("Choose yes or no.") for name, value in raw.items() if value not in BOOLEAN}
    if errors:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        return render_template("data_settings.html", **_page_context(consent_errors=errors)), 422
    allowed, named = BOOLEAN[raw["training_consent"]], BOOLEAN[raw["training_attribution"]]
    consent.set_member_consent(get_db(), current_user.id, consent=allowed, attribution=named)
    if wants_json():
        return jsonify({"training_consent": allowed, "training_attribution": named})
    flash("consent_saved")
    return redirect(url_for("data.index") + "#training", 303)


@bp.post("/settings/data/exports")
@login_required
def request_export():
    """Queue an export of the member's account; the worker makes the zip."""
    conn = get_db()
    per_day = int(current_app.config.get("EXPORTS_PER_DAY") or 3)
    try:
        export_id = account_exports.request(conn, current_user.id, _base_url(), per_day)
    except account_exports.ExportBusy:
        return _export_refused(409, _("An export is already being made. It will be ready in a moment."))
    except account_exports.TooManyExports as error:
        message = _("You can ask for %(n)d exports a day. Please wait %(wait)s.", n=per_day,
                    wait=wait_text(error.retry_after))
        return _export_refused(429, message, {"Retry-After": str(error.retry_after)})
    current_app.extensions["easel_worker"].notify_export()
    if wants_json():
        return jsonify(_export_json(account_exports.get(conn, export_id))), 202
    if is_htmx():
        return render_template("partials/_export_status.html", export=account_exports.get(conn, export_id))
    return redirect(url_for("data.index") + "#export", 303)


def _export_refused(code: int, message: str, headers: dict | None = None):
    if wants_json():
        body, status = json_error(message, code)
        return body, status, headers or {}
    return render_template("data_settings.html", **_page_context(export_error=message)), code, headers or {}


def _own_export(export_id: int):
    row = account_exports.get(get_db(), export_id)
    if row is None or row["user_id"] != current_user.id:
        abort(404)  # someone else's export is not there for you
    return row


@bp.get("/settings/data/exports/<int:export_id>")
@login_required
def export_status(export_id: int):
    """The export's status card (htmx polls it while the worker runs); JSON for scripts."""
    account_exports.expire_due(get_db(), exports_dir(current_app.config))
    row = _own_export(export_id)
    if wants_json():
        return jsonify(_export_json(row))
    if is_htmx():
        return render_template("partials/_export_status.html", export=row)
    return redirect(url_for("data.index") + "#export", 303)


@bp.get("/settings/data/exports/<int:export_id>/download")
@login_required
def download(export_id: int):
    account_exports.expire_due(get_db(), exports_dir(current_app.config))
    row = _own_export(export_id)
    path = exports_dir(current_app.config) / (row["file_name"] or "")
    if row["status"] != "done" or not row["file_name"] or not path.is_file():
        abort(404)
    day = isotime(row["finished_at"])[:10]
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=f"easel-{current_user.username}-{day}.zip", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/settings/data/import")
@login_required
def import_list():
    """Follow, block or mute the accounts a CSV file lists (Mastodon's formats, or Easel's)."""
    kind = request.form.get("kind", "")
    errors = {}
    if kind not in account_import.KINDS:
        errors["kind"] = _("Choose what the file lists.")
    upload = request.files.get("file")
    data = b""
    if upload is None or not upload.filename:
        errors["file"] = _("Choose a CSV file.")
    elif not upload.filename.lower().endswith((".csv", ".txt")):
        errors["file"] = _("Choose a CSV file (its name ends in .csv).")
    else:
        data = upload.stream.read(account_import.MAX_BYTES + 1)
    addresses = []
    if not errors:
        try:
            addresses = account_import.parse(data)
        except account_import.BadFile as error:
            errors["file"] = _bad_file_message(error)
    if errors:
        if wants_json():
            return json_error(_("Nothing was imported. Please correct the marked fields."), 422, errors)
        return render_template("data_settings.html", **_page_context(import_errors=errors, import_kind=kind)), 422
    result = account_import.apply(get_db(), current_user.id, kind, addresses, _local_hosts())
    if wants_json():
        body = {"kind": kind, "done": result.done, "already": result.already,
                "not_found": result.not_found, "remote": result.remote, "refused": result.refused}
        if result.requested:  # members who approve new followers (issue 10); other answers stay as they were
            body["requested"] = result.requested
        return jsonify(body)
    return render_template("import_result.html", result=result)


def _local_hosts() -> set[str]:
    hosts = {request.host.lower()}
    public = urlsplit(str(current_app.config.get("PUBLIC_URL") or "")).netloc
    if public:
        hosts.add(public.lower())
    return hosts


def _bad_file_message(error: account_import.BadFile) -> str:
    if error.code == "too_large":
        return _("That file is larger than 1 MB.")
    if error.code == "too_many_rows":
        return _("That file lists more than %(n)d accounts. Split it into smaller files.", n=account_import.MAX_ROWS)
    if error.code == "empty":
        return _("That file lists no accounts.")
    if error.code == "bad_line":
        return _("Line %(n)d is not an account address (name@server). Nothing was imported.", n=error.line)
    return _("That is not a CSV file. Export the list again and upload the .csv file.")


@bp.post("/p/<int:post_id>/consent")
@login_required
def post_consent(post_id: int):
    """The author allows or refuses training use of one post, or lets it follow their setting."""
    conn = get_db()
    row = posts.get_row(conn, post_id)
    if row is None or row["deleted_at"] or row["generation_id"] is None:
        abort(404)
    if row["user_id"] != current_user.id:
        abort(403)
    choice = request.form.get("consent", "")
    if choice not in consent.POST_CHOICES:
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422,
                              {"consent": _("Choose allow, refuse or follow your setting.")})
        if is_htmx():
            return render_template("partials/_training_use.html", post=row,
                                   error=_("Choose allow, refuse or follow your setting.")), 422
        abort(422)
    consent.set_post_consent(conn, post_id, choice)
    row = posts.get_row(conn, post_id)
    if wants_json():
        state = consent.post_state(row["training_consent"], consent.member_settings(conn, current_user.id)[0])
        return jsonify({"consent": state["choice"], "allowed": state["allowed"]})
    if is_htmx():
        return render_template("partials/_training_use.html", post=row, saved=True)
    return redirect_back(url_for("posts.post", post_id=post_id))
