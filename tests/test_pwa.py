"""Installable (issue 9): the web app manifest and its icons, the service worker at the root, the offline page."""

import re
from pathlib import Path

from PIL import Image

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Easel" and manifest["short_name"] == "Easel"
    assert manifest["id"] == manifest["start_url"] == manifest["scope"] == "/" and manifest["display"] == "standalone"
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


def test_post_page_lets_phones_load_the_thumbnail(app, client, db):
    """The original PNG for wide screens; the WebP thumbnail (640w) in srcset and for small screens."""
    from tests.sharing_helpers import member, picture_post

    member(app, "ana")
    wide = picture_post(app, db, "ana", caption="wide", size=(768, 512))
    small = picture_post(app, db, "ana", caption="small", size=(96, 64))
    page = client.get(f"/p/{wide}").get_data(as_text=True)
    full, thumb = re.search(r'<img src="(/media/\w+\.png)" srcset="(/media/\w+-thumb\.webp) 640w, \1 768w" '
                            r'sizes="566px" width="768" height="512"', page).groups()
    assert f'<source media="(max-width: 640px)" srcset="{thumb}">' in page
    # Same size as its thumbnail: no srcset to choose from, the thumbnail still goes to phones.
    page = client.get(f"/p/{small}").get_data(as_text=True)
    assert re.search(r'<img src="/media/\w+\.png" width="96" height="64"', page)
    assert re.search(r'<source media="\(max-width: 640px\)" srcset="/media/\w+-thumb\.webp">', page)
    # Feed cards always show the thumbnail.
    feed = client.get("/latest").get_data(as_text=True)
    assert feed.count("-thumb.webp") >= 2 and ".png" not in feed.split("<main", 1)[1].split("</main>")[0]
