"""/studio/styles: every style on the same prompt and seed, generated once and cached."""

from imagegen.builtin import STYLES
from tests.conftest import make_app
from tests.fakes import WrappedBuiltin


def test_gallery_shows_every_style_and_is_cached(tmp_path):
    backend = WrappedBuiltin()
    app = make_app(tmp_path / "d", BACKEND=backend)
    client = app.test_client()
    page = client.get("/studio/styles").get_data(as_text=True)
    assert len(STYLES) >= 8
    for key, label in STYLES:
        assert label in page and f"/studio?style={key}" in page
    assert page.count("-thumb.webp") == len(STYLES)
    assert backend.calls == len(STYLES)
    gallery = page.split('<ul class="style-grid">')[1]  # the page's CSRF token is signed with the time
    assert client.get("/studio/styles").get_data(as_text=True).split('<ul class="style-grid">')[1] == gallery
    assert backend.calls == len(STYLES)  # served from the cache in the media folder
    thumb = page.split('src="/media/')[1].split('"')[0]
    response = client.get("/media/" + thumb)
    assert response.status_code == 200 and response.mimetype == "image/webp"
    response.close()


def test_gallery_regenerates_when_files_are_gone(tmp_path):
    backend = WrappedBuiltin()
    app = make_app(tmp_path / "d", BACKEND=backend)
    client = app.test_client()
    client.get("/studio/styles")
    for path in (tmp_path / "d" / "media").glob("*-thumb.webp"):
        path.unlink()
    client.get("/studio/styles")
    assert backend.calls == 2 * len(STYLES)


def test_studio_prefills_style_from_gallery_link(client, auth):
    auth.signup()
    page = client.get("/studio?style=neon").get_data(as_text=True)
    assert '<option value="neon" selected>' in page
