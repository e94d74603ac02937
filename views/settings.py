"""/settings: display name, bio and avatar (an upload, or one of your own pictures); blocked and muted lists."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from imagegen import uploads
from imagegen.media import store_image
from models import profiles, users
from models.db import get_db
from views.helpers import is_htmx, json_error, wants_json

bp = Blueprint("settings", __name__)


@bp.app_context_processor
def _header_avatar():
    """`header_avatar_name()` for the account menu: read once per request, and only when drawn."""
    def header_avatar_name() -> str | None:
        if not current_user.is_authenticated:
            return None
        if "header_avatar_name" not in g:
            g.header_avatar_name = profiles.avatar_name(get_db(), current_user.id)
        return g.header_avatar_name

    return {"header_avatar_name": header_avatar_name}


def _messages() -> dict[str, str]:
    return {
        "display_name_long": _("Use at most %(n)d characters.", n=profiles.DISPLAY_NAME_MAX),
        "display_name_control": _("Use letters, digits, spaces and punctuation only."),
        "bio_long": _("Use at most %(n)d characters.", n=profiles.BIO_MAX),
        "too_large": _("That picture is larger than %(n)d MB. Choose a smaller one.",
                       n=uploads.MAX_BYTES // (1024 * 1024)),
        "type": _("Upload a JPEG, PNG or WebP picture."),
        "too_many_pixels": _("That picture has more than %(n)d megapixels. Choose a smaller one.",
                             n=uploads.MAX_PIXELS // 1_000_000),
        "broken": _("That picture could not be read. Try saving it again and uploading the copy."),
    }


def _form_context(member_id: int, values: dict | None = None, errors: dict | None = None,
                  saved: bool = False) -> dict:
    """What the settings form (page and partial) needs; values default to what is stored."""
    conn = get_db()
    member = profiles.member_with_avatar(conn, member_id)
    if values is None:
        values = {"display_name": member["display_name"], "bio": member["bio"]}
    return {
        "member": member,
        "values": values,
        "errors": errors or {},
        "saved": saved,
        "pictures": profiles.generation_images(conn, member_id),
        "limits": {"display_name": profiles.DISPLAY_NAME_MAX, "bio": profiles.BIO_MAX},
    }


def _read_avatar_upload() -> tuple[object | None, str | None]:
    """(clean square image or None, error code or None) for the `avatar` file field."""
    upload = request.files.get("avatar")
    if upload is None or not upload.filename:
        return None, None
    data = upload.stream.read(uploads.MAX_BYTES + 1)
    try:
        return uploads.avatar_from_upload(data), None
    except uploads.UploadError as error:
        return None, (None if error.code == "empty" else error.code)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    conn = get_db()
    if request.method == "GET":
        saved = "saved" in get_flashed_messages()
        return render_template("settings.html", **_form_context(current_user.id, saved=saved),
                               blocked=profiles.blocked_members(conn, current_user.id),
                               muted=profiles.muted_members(conn, current_user.id))

    display_name = (request.form.get("display_name") or "").strip()
    bio = (request.form.get("bio") or "").replace("\r\n", "\n").strip()
    codes = profiles.validate_profile(display_name, bio)
    image, upload_error = _read_avatar_upload()
    if upload_error:
        codes["avatar"] = upload_error
    picked = None
    choice = request.form.get("avatar_media") or ""
    if choice and image is None:
        if not choice.isdigit():
            abort(404)
        try:
            picked = profiles.own_generation_image(conn, current_user.id, int(choice))
        except profiles.NotYourMedia:
            abort(404)  # someone else's picture (or none at all)
    values = {"display_name": display_name, "bio": bio}

    if codes:
        messages = _messages()
        errors = {field: messages[code] for field, code in codes.items()}
        if wants_json():
            return json_error(_("Please correct the marked fields."), 422, errors)
        context = _form_context(current_user.id, values, errors)
        if is_htmx():
            return render_template("partials/_profile_settings_form.html", **context), 422
        return render_template("settings.html", **context, blocked=profiles.blocked_members(conn, current_user.id),
                               muted=profiles.muted_members(conn, current_user.id)), 422

    media_dir = current_app.config["MEDIA_DIR"]
    if picked is not None:
        image = uploads.avatar_from_file(Path(media_dir) / picked["name"])
    stored = store_image(image, media_dir) if image is not None else None
    profiles.update_profile(conn, current_user.id, display_name, bio, avatar=stored)
    if request.form.get("remove_avatar") == "1" and stored is None:
        profiles.remove_avatar(conn, current_user.id)

    if wants_json():
        member = users.get_user(conn, current_user.id)
        name = profiles.avatar_name(conn, current_user.id)
        return jsonify({"display_name": member["display_name"], "bio": member["bio"],
                        "avatar": url_for("media.file", name=name) if name else None})
    if is_htmx():
        return render_template("partials/_profile_settings_form.html", **_form_context(current_user.id, saved=True))
    flash("saved")
    return redirect(url_for("settings.settings"), 303)
