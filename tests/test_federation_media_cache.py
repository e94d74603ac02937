"""Issue 10: remote pictures get local thumbnails, fetched in the background with size and time caps."""

from __future__ import annotations

import io
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from federation.media_cache import make_thumbnail, thumb_name
from models import federation as fed_model
from models import instance
from models.db import connect
from tests.federation_helpers import fed_app


class ImageServer:
    """Another server's media host on 127.0.0.1: path -> (status, body, content type, hold).

    A route with a `hold` (an Event) answers only once the test sets it: a server as slow as the test likes.
    """

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes, str, threading.Event | None]] = {}
        self.gets: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.gets.append(self.path)
                status, body, kind, hold = fake.routes.get(self.path, (404, b"not found", "text/plain", None))
                if hold is not None:
                    hold.wait(5)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def serve(self, path: str, body: bytes, status: int = 200, kind: str = "image/jpeg",
              hold: threading.Event | None = None) -> str:
        self.routes[path] = (status, body, kind, hold)
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def picture(width: int, height: int, fmt: str = "JPEG", noise: bool = False, **save) -> bytes:
    image = Image.effect_noise((width, height), 80).convert("RGB") if noise else Image.new("RGB", (width, height),
                                                                                            (30, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def exif_jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = orientation
    return picture(width, height, "JPEG", exif=exif.tobytes())


@pytest.fixture
def images():
    server = ImageServer()
    yield server
    server.close()


def _app(tmp_path, **overrides):
    config = {"ALLOW_PRIVATE_FEDERATION": True, "REMOTE_MEDIA_MAX_BYTES": 200_000, "REMOTE_MEDIA_TIMEOUT": 2.0,
              "REMOTE_MEDIA_MAX_PIXELS": 1_000_000, **overrides}
    return fed_app(tmp_path / "data", **config)


@pytest.fixture
def app(tmp_path):
    app = _app(tmp_path)
    yield app
    app.extensions["easel_media_cache"].stop()


@pytest.fixture
def cache(app):
    return app.extensions["easel_media_cache"]


def remote_post(db, *urls: str, uri: str = "https://remote.example/notes/1") -> int:
    bob = fed_model.upsert_remote(db, "https://remote.example/users/bob", {
        "username": "bob", "domain": "remote.example", "inbox_url": "https://remote.example/users/bob/inbox",
        "public_key_id": "https://remote.example/users/bob#main-key", "public_key_pem": "x"})
    return fed_model.store_remote_post(db, bob["id"], uri, "From afar", None,
                                       [{"url": url, "width": 1600, "height": 1200, "alt": "far"} for url in urls])


def page(client, post_id: int) -> str:
    response = client.get(f"/p/{post_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def local_src(url: str) -> str:
    return f'src="/media/remote/{thumb_name(url)}"'


def test_thumbnail_made_upright_small_without_exif_and_shown(app, cache, db, images):
    url = images.serve("/files/a.jpg", exif_jpeg(1000, 800, orientation=6))  # 6: turn 90° to stand upright
    post_id = remote_post(db, url)
    client = app.test_client()
    latest = client.get("/latest").get_data(as_text=True)
    assert f'src="{url}"' in page(client, post_id) and f'src="{url}"' in latest  # before: the remote URL

    assert cache.fetch_one(db, url) == "stored"
    path = cache.folder / thumb_name(url)
    with Image.open(path) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (512, 640))
        assert "exif" not in thumb.info and len(thumb.getexif()) == 0
    assert b"SecretCam" not in path.read_bytes()

    shown = page(client, post_id)
    assert local_src(url) in shown and f'href="{url}"' in shown  # full size stays the original
    assert local_src(url) in client.get("/latest").get_data(as_text=True)  # the cached card was drawn again
    served = client.get(f"/media/remote/{thumb_name(url)}")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["Cache-Control"] == "public, max-age=604800"
    served.close()
    assert client.get(f"/p/{post_id}", headers={"Accept": "application/json"}).get_json()["images"] == [url]
    assert cache.fetch_one(db, url) == "fresh" and images.gets == ["/files/a.jpg"]


@pytest.mark.parametrize("fmt, mode", [("PNG", "RGBA"), ("GIF", "P"), ("WEBP", "RGB")])
def test_png_gif_and_webp_accepted(fmt, mode):
    buffer = io.BytesIO()
    Image.new(mode, (900, 300)).save(buffer, format=fmt)
    data, width, height = make_thumbnail(buffer.getvalue(), max_pixels=1_000_000)
    assert (width, height) == (640, 213)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "WEBP"


@pytest.mark.parametrize("body, kind, status", [
    (picture(400, 400, "PNG", noise=True), "image/png", 200),  # ~480 KB: over the 200 KB cap
    (b"<html><body>not a picture</body></html>", "image/png", 200),
    (picture(1100, 1000, "PNG"), "image/png", 200),  # 1.1 Mpx: over the pixel cap (a small file, a big bomb)
    (b"%PDF-1.4 something", "application/pdf", 200),
    (b"gone", "text/plain", 404),
])
def test_refused_leaves_no_file_and_is_not_retried_soon(app, cache, db, images, body, kind, status):
    url = images.serve("/files/bad", body, status=status, kind=kind)
    remote_post(db, url)
    assert cache.fetch_one(db, url) == "failed"
    assert not (cache.folder / thumb_name(url)).exists()
    assert not [p for p in cache.folder.iterdir() if p.name.endswith(".webp") or p.name.startswith(".tmp")]
    assert cache.fetch_one(db, url) == "waiting" and len(images.gets) == 1


def test_private_address_refused_without_allow_private(tmp_path, images):
    app = _app(tmp_path, ALLOW_PRIVATE_FEDERATION=False)
    cache = app.extensions["easel_media_cache"]
    conn = connect(app.config["DATABASE"])
    try:
        url = images.serve("/files/a.jpg", picture(100, 100))
        remote_post(conn, url)
        assert cache.fetch_one(conn, url) == "failed"
        assert images.gets == [] and not (cache.folder / thumb_name(url)).exists()
    finally:
        conn.close()


def test_a_remote_authors_avatar_is_cached_too(app, cache, db, images):
    avatar = images.serve("/files/bob.png", picture(400, 400, "PNG"))
    post_id = remote_post(db, images.serve("/files/a.jpg", picture(800, 600)))
    db.execute("UPDATE users SET avatar_url = ? WHERE domain = 'remote.example'", (avatar,))
    client = app.test_client()
    assert f'src="{avatar}"' in page(client, post_id)  # until the thread has it: the remote URL
    assert f'src="{avatar}"' in client.get("/latest").get_data(as_text=True)

    assert cache.fetch_one(db, avatar) == "stored"
    assert local_src(avatar) in page(client, post_id) and f'src="{avatar}"' not in page(client, post_id)
    assert local_src(avatar) in client.get("/latest").get_data(as_text=True)  # the cached card was drawn again
    with Image.open(cache.folder / thumb_name(avatar)) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (400, 400))


def test_page_never_waits_for_a_slow_server(app, cache, db, images):
    slow = threading.Event()
    url = images.serve("/files/slow.jpg", picture(800, 600), hold=slow)
    post_id = remote_post(db, url)
    client = app.test_client()
    page(client, post_id)  # templates compiled: what is timed below is the request alone
    cache.poll = 0.05
    cache.start()
    deadline = time.monotonic() + 5
    while not images.gets and time.monotonic() < deadline:  # the thread is now waiting on the slow server
        time.sleep(0.02)
    assert images.gets
    started = time.monotonic()
    shown = page(client, post_id)
    assert time.monotonic() - started < 1.0 and not slow.is_set()  # answered while the server still holds on
    assert f'src="{url}"' in shown
    slow.set()
    while not (cache.folder / thumb_name(url)).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert local_src(url) in page(client, post_id)
    cache.stop()
    assert not cache.running


def test_thread_gets_past_a_failure_and_remembers_it(app, cache, db, images):
    bad, good = images.serve("/files/gone.jpg", b"gone", status=410), images.serve("/files/ok.jpg", picture(90, 60))
    remote_post(db, bad, good)
    cache.poll = 0.05
    cache.start()
    deadline = time.monotonic() + 5
    while not (cache.folder / thumb_name(good)).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    cache.notify()  # another round: the failed one is not asked for again
    time.sleep(0.15)
    cache.stop()
    assert (cache.folder / thumb_name(good)).exists() and not (cache.folder / thumb_name(bad)).exists()
    assert images.gets == ["/files/gone.jpg", "/files/ok.jpg"]


def test_nothing_fetched_while_federation_is_off(app, cache, db, images):
    instance.save(db, {"federation_enabled": False})
    url = images.serve("/files/a.jpg", picture(100, 100))
    post_id = remote_post(db, url)
    cache.poll = 0.02
    cache.start()
    page(app.test_client(), post_id)  # a page asks for it too
    time.sleep(0.2)
    cache.stop()
    assert images.gets == [] and not cache.folder.exists()


def test_size_cap_evicts_the_least_recently_shown(app, cache, db, images):
    urls = [images.serve(f"/files/{n}.png", picture(200, 200, "PNG", noise=True), kind="image/png")
            for n in "abc"]
    post_ids = [remote_post(db, url, uri=f"https://remote.example/notes/{n}") for n, url in enumerate(urls)]
    for url in urls:
        assert cache.fetch_one(db, url) == "stored"
    paths = [cache.folder / thumb_name(url) for url in urls]
    now = time.time()
    for age, path in zip((300, 200, 100), paths, strict=True):  # a was shown longest ago, c last
        os.utime(path, (now - age, path.stat().st_mtime))
    page(app.test_client(), post_ids[0])  # ... but now a is on a page again
    sizes = [path.stat().st_size for path in paths]
    cache.cache_bytes = int((sizes[0] + sizes[2]) / 0.9) + 1  # room for two of the three
    assert cache.maintain()["evicted"] == 1
    assert [path.exists() for path in paths] == [True, False, True]


def test_expired_thumbnail_removed_then_fetched_again(app, cache, db, images):
    url = images.serve("/files/a.jpg", picture(100, 100))
    post_id = remote_post(db, url)
    assert cache.fetch_one(db, url) == "stored"
    path = cache.folder / thumb_name(url)
    month_ago = time.time() - 31 * 86400
    os.utime(path, (month_ago, month_ago))
    assert f'src="{url}"' in page(app.test_client(), post_id)  # too old to show
    assert cache.maintain()["expired"] == 1 and not path.exists()
    assert cache.fetch_one(db, url) == "stored" and path.exists() and len(images.gets) == 2


def test_only_thumbnail_names_are_served(app, cache):
    cache.folder.mkdir(parents=True, exist_ok=True)
    (cache.folder / ("0" * 64 + ".failed")).write_bytes(b"")
    client = app.test_client()
    for name in ("..%2Fsecret_key", "..%2F..%2Fsecret_key", "%2e%2e%2fsecret_key", "a" * 64 + ".png",
                 "A" * 64 + ".webp", "0" * 64 + ".webp", "0" * 64 + ".failed", "0" * 64 + ".webp%00"):
        assert client.get(f"/media/remote/{name}").status_code == 404, name
