"""Local thumbnails of remote pictures and avatars (issue 10), fetched in the background, never during
a request (so readers' browsers never ask other servers, which would learn who reads what).

A remote post's pictures are media rows with a `remote_url`. A daemon thread in the serving process
(started and stopped beside the delivery thread) fetches each new one through the SSRF-safe fetcher,
checks with Pillow that it really is a picture, and writes a WebP thumbnail (longest side at most
640 px, no EXIF) to `media/remote/<sha256 of the URL>.webp`. There is no database state: a page
computes the name from the URL and, with one stat, shows the thumbnail or, until it exists, the
remote URL as before (which also asks the thread for it).

File times carry the bookkeeping: a thumbnail's mtime is when it was fetched (older than
REMOTE_MEDIA_MAX_AGE_DAYS: deleted, fetched again when next shown), its atime when it was last shown
(set by the thread; the least recently shown go first when the folder passes
REMOTE_MEDIA_CACHE_BYTES). A failed fetch leaves `<hash>.failed`, whose mtime is when to try again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageOps

import federation
from federation import fetch
from federation.background import BackgroundThread
from models import domain_rules, instance
from models.db import connect

log = logging.getLogger("easel.media_cache")

SUBFOLDER = "remote"
NAME_RE = re.compile(r"[0-9a-f]{64}\.webp")
THUMB_MAX_SIDE = 640
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPT = "image/webp, image/png, image/jpeg, image/gif"
RECENT_ROWS = 500  # at start, the newest media rows are looked at again (posts stored while we were down)
BATCH = 100
WANTED_MAX = 500  # pictures pages asked for, waiting for the thread
MAINTAIN_EVERY = 600.0
EVICT_TO = 0.9  # evicting stops at 90% of the cap, so one new thumbnail does not evict again


class NotAnImage(Exception):
    """The bytes are not a picture we accept (format, size, or broken)."""


def thumb_name(remote_url: str) -> str:
    return hashlib.sha256(remote_url.encode()).hexdigest() + ".webp"


def make_thumbnail(data: bytes, max_pixels: int, max_side: int = THUMB_MAX_SIDE) -> tuple[bytes, int, int]:
    """A WebP thumbnail (longest side <= max_side, upright, no metadata) of JPEG/PNG/WebP/GIF bytes."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            if image.width * image.height > max_pixels:  # read from the header, before decoding
                raise NotAnImage(f"{image.width}x{image.height} is more than {max_pixels} pixels")
            image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale
            image.load()
            upright = ImageOps.exif_transpose(image)
            alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            upright = upright.convert("RGBA" if alpha else "RGB")
            upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow's own bomb check (past 89 Mpx) warns, or raises where warnings are errors (the tests).
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise NotAnImage(f"{type(exc).__name__}: {exc}") from None
    clean = Image.new(upright.mode, upright.size)  # a fresh image carries no EXIF, XMP or ICC profile
    clean.paste(upright)
    buffer = io.BytesIO()
    clean.save(buffer, format="WEBP", quality=80, method=4)
    return buffer.getvalue(), clean.width, clean.height


def new_remote_pictures(conn: sqlite3.Connection, after_id: int, limit: int = BATCH) -> list[tuple[int, str]]:
    """(media id, remote URL) of remote posts' pictures stored after `after_id`, oldest first."""
    return [(row[0], row[1]) for row in conn.execute(
        """SELECT m.id, m.remote_url FROM media m
           WHERE m.id > ? AND m.remote_url IS NOT NULL
             AND EXISTS (SELECT 1 FROM post_media pm JOIN posts p ON p.id = pm.post_id
                         WHERE pm.media_id = m.id AND p.deleted_at IS NULL)
           ORDER BY m.id LIMIT ?""", (after_id, limit))]


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RemoteMediaCache(BackgroundThread):
    """The thumbnail folder, what pages ask of it, and the thread that fills it."""

    thread_name = "easel-remote-media"

    def __init__(self, app):
        self.app = app
        config = app.config
        self.folder = Path(config["MEDIA_DIR"]) / SUBFOLDER
        self.max_bytes = int(config["REMOTE_MEDIA_MAX_BYTES"])
        self.max_pixels = int(config["REMOTE_MEDIA_MAX_PIXELS"])
        self.timeout = float(config["REMOTE_MEDIA_TIMEOUT"])
        self.cache_bytes = int(config["REMOTE_MEDIA_CACHE_BYTES"])
        self.max_age = float(config["REMOTE_MEDIA_MAX_AGE_DAYS"]) * 86400
        self.retry = float(config["REMOTE_MEDIA_RETRY_SECONDS"])
        self.poll = 5.0  # seconds between looks for newly stored remote posts
        self._lock = threading.Lock()
        self._wanted: OrderedDict[str, None] = OrderedDict()
        self._used: set[str] = set()
        self._stored_bytes = 0  # written since the last maintenance: a cheap hint to evict early
        super().__init__()

    # --- what pages ask (request threads: a stat, never a fetch) -------------------------------

    def cached_name(self, remote_url: str | None) -> str | None:
        """The thumbnail's name when a fresh one is on disk; otherwise None (and the thread is asked)."""
        if not remote_url:
            return None
        name = thumb_name(remote_url)
        try:
            fetched_at = os.stat(self.folder / name).st_mtime
        except OSError:
            fetched_at = None
        if fetched_at is None or fetched_at < time.time() - self.max_age:
            self.want(remote_url)
            return None
        with self._lock:
            self._used.add(name)
        return name

    def card_fact(self, post: dict) -> tuple:
        """Which of a card's remote pictures (and its author's avatar) have a thumbnail: part of the post
        card's cache key."""
        images = list(post.get("images") or ())
        quoted = post.get("quoted")
        if quoted and quoted.get("images"):
            images.append(quoted["images"][0])
        pictures = tuple(self.cached_name(image["remote_url"]) for image in images if image.get("remote_url"))
        avatar = post.get("remote_avatar_url")
        return (*pictures, self.cached_name(avatar)) if avatar else pictures

    def shown(self, name: str) -> None:
        """A thumbnail was served: it counts as recently used."""
        with self._lock:
            self._used.add(name)

    def want(self, remote_url: str) -> None:
        """Ask the thread for a picture a page shows without a thumbnail (not one that failed lately)."""
        if not self.running or not remote_url.startswith(("https://", "http://")):
            return
        try:
            if os.stat(self.folder / (thumb_name(remote_url)[:-5] + ".failed")).st_mtime > time.time():
                return
        except OSError:
            pass
        with self._lock:
            if remote_url in self._wanted:
                return
            self._wanted[remote_url] = None
            while len(self._wanted) > WANTED_MAX:
                self._wanted.popitem(last=False)
        self._wake.set()

    # --- fetching -------------------------------------------------------------------------------

    def fetch_one(self, conn: sqlite3.Connection, remote_url: str) -> str:
        """Fetch and store one thumbnail: 'fresh', 'waiting' (failed lately), 'refused', 'stored' or 'failed'."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = thumb_name(remote_url)
        path, marker = self.folder / name, self.folder / (name[:-5] + ".failed")
        now = time.time()
        try:
            if path.stat().st_mtime >= now - self.max_age:
                return "fresh"
        except OSError:
            pass
        try:
            if marker.stat().st_mtime > now:
                return "waiting"
        except OSError:
            pass
        host = (urlsplit(remote_url).hostname or "").lower()
        if not domain_rules.allowed(conn, host, bool(instance.get(conn, "federation_limited"))):
            return "refused"
        config = self.app.config
        try:
            status, _headers, body = fetch.request(
                "GET", remote_url, allow_private=federation.allow_private(config), headers={"Accept": ACCEPT},
                max_bytes=self.max_bytes, timeout=self.timeout)
            if status != 200:
                raise fetch.FetchError(f"{remote_url} answered {status}", status=status)
            data, width, height = make_thumbnail(body, self.max_pixels)
        except (fetch.FetchError, NotAnImage) as exc:
            log.info("remote picture %s not cached: %s", remote_url, exc)
            self.failed(remote_url)
            return "failed"
        _write_atomically(path, data)
        marker.unlink(missing_ok=True)
        with self._lock:
            self._stored_bytes += len(data)
            over = self._stored_bytes > self.cache_bytes * (1 - EVICT_TO)
        if over:
            self.maintain()
        log.debug("remote picture %s cached as %s (%dx%d)", remote_url, name, width, height)
        return "stored"

    def failed(self, remote_url: str) -> None:
        """Remember a failure: not tried again for REMOTE_MEDIA_RETRY_SECONDS (an expired thumbnail goes too)."""
        name = thumb_name(remote_url)
        marker = self.folder / (name[:-5] + ".failed")
        retry_at = time.time() + self.retry
        marker.touch()
        os.utime(marker, (retry_at, retry_at))
        (self.folder / name).unlink(missing_ok=True)

    # --- keeping the folder within its caps -------------------------------------------------------

    def _flush_used(self) -> None:
        """Record when thumbnails were last shown (the atime), keeping when they were fetched (the mtime)."""
        with self._lock:
            used, self._used = self._used, set()
        now = time.time()
        for name in used:
            try:
                fetched_at = os.stat(self.folder / name).st_mtime
                os.utime(self.folder / name, (now, fetched_at))
            except OSError:
                pass

    def maintain(self, now: float | None = None) -> dict:
        """Delete expired thumbnails and stale failure marks; evict the least recently shown over the cap."""
        now = time.time() if now is None else now
        self._flush_used()
        removed = {"expired": 0, "evicted": 0, "marks": 0}
        if not self.folder.is_dir():
            return removed
        kept, total = [], 0
        for entry in os.scandir(self.folder):
            if not entry.is_file(follow_symlinks=False):
                continue
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.name.endswith(".failed"):
                if stat.st_mtime <= now:
                    Path(entry.path).unlink(missing_ok=True)
                    removed["marks"] += 1
            elif entry.name.startswith(".tmp-"):
                if stat.st_mtime < now - 3600:  # left by a crash mid-write
                    Path(entry.path).unlink(missing_ok=True)
            elif stat.st_mtime < now - self.max_age:
                Path(entry.path).unlink(missing_ok=True)
                removed["expired"] += 1
            else:
                kept.append((stat.st_atime, entry.path, stat.st_size))
                total += stat.st_size
        if total > self.cache_bytes:
            for _shown_at, path, size in sorted(kept):
                if total <= self.cache_bytes * EVICT_TO:
                    break
                Path(path).unlink(missing_ok=True)
                total -= size
                removed["evicted"] += 1
        with self._lock:
            self._stored_bytes = 0
        return removed

    # --- the thread ------------------------------------------------------------------------------

    def _take_wanted(self) -> list[str]:
        with self._lock:
            wanted = list(self._wanted)
            self._wanted.clear()
        return wanted

    def _loop(self) -> None:
        conn = connect(self.app.config["DATABASE"])
        config = dict(self.app.config)
        maintained = 0.0
        try:
            cursor = max(0, (conn.execute("SELECT max(id) FROM media").fetchone()[0] or 0) - RECENT_ROWS)
            while not self._stop.is_set():
                busy = False
                try:
                    if time.time() - maintained > MAINTAIN_EVERY:
                        self.maintain()
                        maintained = time.time()
                    if federation.enabled(config, conn):  # while federation is off nothing is fetched
                        rows = new_remote_pictures(conn, cursor)
                        busy = len(rows) == BATCH
                        for url in [url for _id, url in rows] + self._take_wanted():
                            if self._stop.is_set():
                                break
                            try:
                                self.fetch_one(conn, url)
                            except Exception:  # a picture that trips a bug is remembered as failed, not retried
                                log.exception("remote picture %s failed", url)
                                self.failed(url)
                        if rows and not self._stop.is_set():
                            cursor = rows[-1][0]
                    else:
                        self._take_wanted()
                    self._flush_used()
                except Exception:  # a bug (or a full disk) must not kill the thread; the next round tries again
                    log.exception("remote media cache round failed")
                if not busy:
                    self._wake.wait(self.poll)
                    self._wake.clear()
        finally:
            conn.close()


def init_app(app) -> RemoteMediaCache:
    """The cache on `app.extensions`, and `remote_thumb(url)` for templates; the thread is not started."""
    cache = app.extensions["easel_media_cache"] = RemoteMediaCache(app)
    app.jinja_env.globals["remote_thumb"] = cache.cached_name
    return cache
