"""Installable (issue 9): the web app manifest and its icons, the service worker at the root, the offline page."""

from pathlib import Path

from PIL import Image

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Easel" and manifest["short_name"] == "Easel"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == "#f6f5f2"
    icons = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        served = client.get(src)
        assert served.status_code == 200 and served.mimetype == "image/png"
        with Image.open(STATIC / src.removeprefix("/static/")) as image:
            assert f"{image.width}x{image.height}" == sizes
        served.close()


def test_manifest_takes_the_instance_name(client, db):
    from models import instance

    instance.save(db, {"name": "Komunitas Gambar Bersama", "description": "Gambar dari kata-kata"})
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert manifest["name"] == "Komunitas Gambar Bersama"
    assert manifest["short_name"] == "Komunitas"  # a home screen shows about 12 characters
    assert manifest["description"] == "Gambar dari kata-kata"


def test_short_name():
    from views.pwa import short_name

    assert short_name("Easel") == "Easel"
    assert short_name("Supercalifragilistic") == "Supercalifra"


def test_pages_link_the_manifest_icons_and_worker_script(client):
    page = client.get("/explore").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in page
    assert '<script src="/static/js/pwa.js" data-sw="/sw.js" defer></script>' in page
    with Image.open(STATIC / "img" / "apple-touch-icon.png") as image:
        assert image.size == (180, 180)


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    assert 'const OFFLINE = "/offline"' in body and 'headers.has("HX-Request")' in body
    response.close()


def test_offline_page_shows_no_account(client, auth):
    auth.signup("ana")
    page = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in page
    assert "nav-account" not in page and "@ana" not in page
    assert 'class="language-switch"' not in page and 'class="theme-switch"' not in page
