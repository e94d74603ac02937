"""/settings: name and bio validation, avatar upload (safe decoding, re-encoding, EXIF/GPS stripped),
picking one of your own generations, and who may use it."""

import io
import os
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from imagegen import uploads
from tests.conftest import AuthActions, wait_for_status


def png_bytes(width=300, height=200, color=(40, 120, 200), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), color if mode == "RGB" else 0).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps(width=300, height=200) -> bytes:
    """A camera-like JPEG: rotated by its EXIF orientation, with a maker and a GPS position."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to view
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def upload(auth, data: bytes, filename="me.png", htmx=False, json=False, **fields):
    """POST /settings as multipart. The body is encoded in memory: the test client would spool a
    large one to a temporary file that nobody closes (a ResourceWarning, so an error here)."""
    form = {"csrf_token": auth.token(), "display_name": "", "bio": "",
            "avatar": FileStorage(io.BytesIO(data), filename=filename), **fields}
    boundary, body = encode_multipart(form)
    headers = {"Accept": "application/json"} if json else {}
    if htmx:
        headers["HX-Request"] = "true"
    return auth.client.post("/settings", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                            headers=headers)


def avatar_row(db):
    return db.execute(
        "SELECT m.* FROM users u JOIN media m ON m.id = u.avatar_media_id WHERE u.username = 'ana'"
    ).fetchone()


def stored_files(app) -> list[Path]:
    return sorted(Path(app.config["MEDIA_DIR"]).glob("*"))


@pytest.fixture
def ana(auth):
    auth.signup("ana")
    return auth


def test_signed_out_settings_go_to_login(client, auth):
    response = client.get("/settings")
    assert response.status_code == 302 and "/login?next=/settings" in response.headers["Location"]
    posted = auth.post("/settings", {"display_name": "X"})
    assert posted.status_code == 302 and "/login" in posted.headers["Location"]
    assert client.get("/settings", headers={"Accept": "application/json"}).status_code == 401


def test_settings_page_shows_form_and_menu_link(client, ana):
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="display_name"' in page and 'name="bio"' in page and 'name="avatar"' in page
    assert 'enctype="multipart/form-data"' in page and 'href="/settings"' in page
    assert "You are not blocking anyone" in page and "You are not muting anyone" in page


def test_save_name_and_bio_redirects_with_saved_notice(client, ana, db):
    response = ana.post("/settings", {"display_name": "  Ana Lima ", "bio": "Line one\r\nLine two"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings"
    row = db.execute("SELECT display_name, bio FROM users WHERE username = 'ana'").fetchone()
    assert tuple(row) == ("Ana Lima", "Line one\nLine two")
    page = client.get("/settings").get_data(as_text=True)
    assert "Saved." in page and 'value="Ana Lima"' in page
    assert "Saved." not in client.get("/settings").get_data(as_text=True)  # shown once


def test_save_htmx_answers_form_partial_and_json_answers_fields(client, ana):
    partial = ana.post("/settings", {"display_name": "Ana", "bio": "hi"}, htmx=True)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "Saved." in body and "<html" not in body and 'id="profile-settings"' in body
    answer = ana.post("/settings", {"display_name": "Ana B", "bio": "hello"}, json=True)
    assert answer.get_json() == {"display_name": "Ana B", "bio": "hello", "avatar": None}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"display_name": "x" * 51, "bio": ""}, "display_name", "at most 50 characters"),
        ({"display_name": "bad\x07name", "bio": ""}, "display_name", "letters, digits"),
        ({"display_name": "ok", "bio": "y" * 301}, "bio", "at most 300 characters"),
    ],
)
def test_bad_profile_input_is_422_next_to_field_and_changes_nothing(app, client, ana, db, fields, field, message):
    ana.post("/settings", {"display_name": "Before", "bio": "Old bio"})
    files_before = stored_files(app)
    # A valid avatar sent along with bad text is not stored either.
    page = upload(ana, png_bytes(), **fields)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and message in html and f'id="e-{field}"' in html
    assert "Nothing was saved" in html
    partial = ana.post("/settings", fields, htmx=True)
    assert partial.status_code == 422 and message in partial.get_data(as_text=True)
    answer = ana.post("/settings", fields, json=True)
    assert answer.status_code == 422 and message in answer.get_json()["errors"][field]
    row = db.execute("SELECT display_name, bio, avatar_media_id FROM users WHERE username = 'ana'").fetchone()
    assert tuple(row) == ("Before", "Old bio", None)
    assert stored_files(app) == files_before
    assert db.execute("SELECT count(*) FROM media").fetchone()[0] == 0


def test_limits_are_inclusive(ana, db):
    assert ana.post("/settings", {"display_name": "x" * 50, "bio": "y" * 300}).status_code == 303
    assert db.execute("SELECT length(display_name), length(bio) FROM users").fetchone()[:] == (50, 300)


def test_avatar_upload_is_reencoded_square_without_metadata(app, client, ana, db):
    original = png_bytes(300, 200)
    response = upload(ana, original, display_name="Ana")
    assert response.status_code == 303
    media = avatar_row(db)
    assert media["generation_id"] is None and media["user_id"] == 1
    assert (media["width"], media["height"]) == (uploads.AVATAR_SIZE, uploads.AVATAR_SIZE)
    folder = Path(app.config["MEDIA_DIR"])
    with Image.open(folder / media["name"]) as stored:
        assert stored.size == (400, 400) and stored.format == "PNG"
        assert not stored.getexif() and "exif" not in stored.info
    with Image.open(folder / media["thumb_name"]) as thumb:
        assert thumb.format == "WEBP" and thumb.width == thumb.height
    assert all(path.read_bytes() != original for path in folder.iterdir())
    json_answer = ana.post("/settings", {"display_name": "Ana", "bio": ""}, json=True).get_json()
    assert json_answer["avatar"] == f"/media/{media['thumb_name']}"


def test_jpeg_gps_and_camera_data_are_stripped_and_orientation_applied(app, ana, db):
    original = jpeg_with_gps(300, 200)
    assert upload(ana, original, filename="holiday.jpg").status_code == 303
    folder = Path(app.config["MEDIA_DIR"])
    for name in (avatar_row(db)["name"], avatar_row(db)["thumb_name"]):
        data = (folder / name).read_bytes()
        assert b"SpyCam" not in data and b"Exif" not in data
        with Image.open(folder / name) as stored:
            exif = stored.getexif()
            assert not exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    with Image.open(folder / avatar_row(db)["name"]) as stored:
        stored = stored.convert("RGB")
        # Rotated upright (the blue left half is now the top), then centre-cropped.
        top, bottom = stored.getpixel((200, 20)), stored.getpixel((200, 380))
        assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK"])
def test_other_pixel_modes_are_accepted(ana, db, mode):
    buffer = io.BytesIO()
    image = Image.new("RGB", (120, 90), (10, 200, 10)).convert(mode)
    image.save(buffer, "JPEG" if mode == "CMYK" else "PNG")
    assert upload(ana, buffer.getvalue()).status_code == 303
    assert avatar_row(db)["width"] == 400


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "WEBP")
    return buffer.getvalue()


def test_webp_is_accepted(ana, db):
    assert upload(ana, webp_bytes(), filename="x.webp").status_code == 303
    assert avatar_row(db) is not None


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "filename", "message"),
    [
        (gif_bytes, "cat.gif", "Upload a JPEG, PNG or WebP picture."),
        (gif_bytes, "cat.png", "Upload a JPEG, PNG or WebP picture."),  # the decoded format counts, not the name
        (lambda: b"just some text, honestly\n" * 40, "notes.png", "Upload a JPEG, PNG or WebP picture."),
        (lambda: png_bytes()[:200], "cut.png", "could not be read"),
        (lambda: os.urandom(8 * 1024 * 1024 + 10), "huge.png", "larger than 8 MB"),
        (lambda: png_bytes(7000, 7000, mode="1"), "wide.png", "more than 40 megapixels"),
        (lambda: png_bytes(14000, 14000, mode="1"), "bomb.png", "more than 40 megapixels"),
    ],
    ids=["gif", "gif-named-png", "text-named-png", "truncated", "over-8mb", "over-40mpx", "decompression-bomb"],
)
def test_bad_uploads_are_422_with_message_and_store_nothing(app, ana, db, make, filename, message):
    data = make()
    page = upload(ana, data, filename=filename, display_name="Changed")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and message in html and 'id="e-avatar"' in html
    answer = upload(ana, data, filename=filename, json=True)
    assert answer.status_code == 422 and message in answer.get_json()["errors"]["avatar"]
    row = db.execute("SELECT display_name, avatar_media_id FROM users WHERE username = 'ana'").fetchone()
    assert tuple(row) == ("", None)
    assert db.execute("SELECT count(*) FROM media").fetchone()[0] == 0
    assert stored_files(app) == []


def test_body_over_the_server_cap_is_413_not_a_crash(ana):
    response = upload(ana, b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 413


def test_empty_file_field_keeps_the_current_avatar(ana, db):
    upload(ana, png_bytes())
    before = avatar_row(db)["id"]
    assert upload(ana, b"", filename="").status_code == 303
    assert avatar_row(db)["id"] == before


def test_remove_avatar(client, ana, db):
    upload(ana, png_bytes())
    assert ana.post("/settings", {"display_name": "", "bio": "", "remove_avatar": "1"}).status_code == 303
    assert avatar_row(db) is None


def test_pick_own_generation_as_avatar_and_not_someone_elses(app, client, ana, db, worker):
    generation_id = ana.generate("a blue whale under the moon", size="768x512")
    wait_for_status(client, generation_id)
    media_id = db.execute("SELECT id FROM media WHERE generation_id = ?", (generation_id,)).fetchone()[0]
    page = client.get("/settings").get_data(as_text=True)
    assert f'name="avatar_media" value="{media_id}"' in page
    assert ana.post("/settings", {"display_name": "", "bio": "", "avatar_media": str(media_id)}).status_code == 303
    media = avatar_row(db)
    assert (media["width"], media["height"]) == (400, 400)  # cropped square from the 768x512 picture
    chosen = media["id"]

    bob = AuthActions(app.test_client())
    bob.signup("bob")
    refused = bob.post("/settings", {"display_name": "Bob", "bio": "", "avatar_media": str(media_id)})
    assert refused.status_code == 404
    assert bob.post("/settings", {"display_name": "Bob", "bio": "", "avatar_media": "99999"}).status_code == 404
    assert bob.post("/settings", {"display_name": "Bob", "bio": "", "avatar_media": "abc"}).status_code == 404
    row = db.execute("SELECT display_name, avatar_media_id FROM users WHERE username = 'bob'").fetchone()
    assert tuple(row) == ("", None)
    # An uploaded avatar is not a generation: it cannot be "picked" by id either.
    assert ana.post("/settings", {"display_name": "", "bio": "", "avatar_media": str(chosen)}).status_code == 404
    assert f'value="{media_id}"' not in bob.client.get("/settings").get_data(as_text=True)


def test_uploads_module_rejects_without_touching_global_pillow_limits():
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(uploads.UploadError) as error:
        uploads.decode_upload(png_bytes(14000, 14000, mode="1"))
    assert error.value.code == "too_many_pixels" and Image.MAX_IMAGE_PIXELS == before
