"""Writing a member's account export: one zip with their posts, generations, images and lists.

Run by the worker's export thread (imagegen/worker.py); pure file work over the rows that
models/account_exports.py reads. The zip is written as `<random>.zip.part` and renamed when
complete, so a crash never leaves a half-written file that looks finished.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import secrets
import time
import zipfile
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from models import account_exports as exports

log = logging.getLogger("easel.exports")

README = """\
Your Easel account export
=========================

Made {made} for @{username} from {base_url}

posts.json        Every post you made (pictures, replies, quotes and reposts), oldest first:
                  id, url, caption, the prompt and its parameters (your own prompt is included
                  even where you hid it from others), remix_of / reply_to / quote_of / repost_of
                  (post ids, with urls), counts, created_at (ISO 8601, UTC), the picture files
                  under media/, and the training-data consent of each post.
generations.json  Every picture you asked the studio for, shared or not: parameters, status,
                  created/finished times and its files under media/.
media/            Your original pictures (PNG), named as posts.json and generations.json say.
following.csv     The accounts you follow, in Mastodon's format (Account address, Show boosts,
                  Notify on new posts, Languages). Import it on another Easel or on Mastodon.
blocks.csv        The accounts you block: one address per line, no header (Mastodon's format).
mutes.csv         The accounts you mute (Account address, Hide notifications), Mastodon's format.
likes.json        The posts you liked: post id, url, author, when.
bookmarks.json    The posts you bookmarked: post id, url, author, when.
account.json      Your profile and your training-data consent settings.

Addresses are name@host; accounts on this server use {host}.
"""


def _iso(timestamp: float | None) -> str | None:
    if not timestamp:
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class _Links:
    """Post URLs and account addresses relative to the address the member used."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).netloc or "localhost"

    def post(self, post_id: int | None) -> str | None:
        return f"{self.base}/p/{post_id}" if post_id else None

    def account(self, username: str, domain: str | None) -> str:
        return f"{username}@{domain or self.host}"


def _consent(post: dict) -> dict:
    override = post["post_consent"]
    allowed = bool(post["member_consent"] if override is None else override)
    return {"training_allowed": allowed,
            "setting": "follows account" if override is None else ("allowed" if override else "refused")}


def _posts_json(conn, user_id: int, links: _Links, files: set[str]) -> list[dict]:
    rows = exports.posts(conn, user_id)
    images = exports.post_images(conn, [row["id"] for row in rows])
    out = []
    for row in rows:
        pictures = images.get(row["id"], [])
        files.update(picture["name"] for picture in pictures)
        item = {
            "id": row["id"], "url": links.post(row["id"]), "caption": row["caption"],
            "created_at": _iso(row["created_at"]),
            "reply_to": row["reply_to"], "reply_to_url": links.post(row["reply_to"]),
            "quote_of": row["quote_of"], "quote_of_url": links.post(row["quote_of"]),
            "repost_of": row["repost_of"], "repost_of_url": links.post(row["repost_of"]),
            "remix_of": row["remix_of"], "remix_of_url": links.post(row["remix_of"]),
            "like_count": row["like_count"], "reply_count": row["reply_count"],
            "repost_count": row["repost_count"], "remix_count": row["remix_count"],
            "images": [{"file": f"media/{p['name']}", "width": p["width"], "height": p["height"], "alt": p["alt"]}
                       for p in pictures],
            "moderation": row["moderation"],
        }
        if row["generation_id"] is not None:
            item.update({
                "generation_id": row["generation_id"], "prompt": row["prompt"],
                "negative_prompt": row["negative_prompt"], "prompt_shown": bool(row["show_prompt"]),
                "seed": row["seed"], "size": f"{row['width']}x{row['height']}", "style": row["style"],
                "backend": row["backend"], "generator_version": row["generator_version"],
                "remix_policy": row["remix_policy"], "consent": _consent(row),
            })
        out.append(item)
    return out


def _generations_json(conn, user_id: int, links: _Links, files: set[str]) -> list[dict]:
    images = exports.generation_images(conn, user_id)
    out = []
    for row in exports.generations(conn, user_id):
        pictures = images.get(row["id"], [])
        files.update(picture["name"] for picture in pictures)
        try:
            info = json.loads(row["info"] or "{}")
        except ValueError:
            info = {}
        out.append({
            "id": row["id"], "prompt": row["prompt"], "negative_prompt": row["negative_prompt"], "seed": row["seed"],
            "size": f"{row['width']}x{row['height']}", "style": row["style"], "count": row["count"],
            "backend": row["backend"], "model": info.get("model", ""), "generator_version": row["generator_version"],
            "remix_of": row["remix_of"], "remix_of_url": links.post(row["remix_of"]),
            "status": row["status"], "error": row["error"], "created_at": _iso(row["created_at"]),
            "finished_at": _iso(row["finished_at"]), "post_id": row["post_id"], "post_url": links.post(row["post_id"]),
            "images": [{"file": f"media/{p['name']}", "seed": p["seed"], "width": p["width"], "height": p["height"]}
                       for p in pictures],
        })
    return out


def _marked_json(rows, links: _Links) -> list[dict]:
    return [{"post_id": row["post_id"], "url": links.post(row["post_id"]),
             "author": links.account(row["username"], row["domain"]), "created_at": _iso(row["created_at"])}
            for row in rows]


def _csv(header: list[str] | None, rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _dump(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def build(conn, job, media_dir: str | os.PathLike, exports_dir: str | os.PathLike,
          progress: Callable[[float], None]) -> tuple[str, int]:
    """Write the member's zip into exports_dir; returns (file name, size in bytes)."""
    user_id = job["user_id"]
    member = exports.member(conn, user_id)
    if member is None or member["status"] == "deleted":
        raise LookupError("the account no longer exists")
    links = _Links(job["base_url"] or "http://localhost")
    files: set[str] = set()
    posts = _posts_json(conn, user_id, links, files)
    made = _generations_json(conn, user_id, links, files)
    progress(0.05)
    texts = {
        "README.txt": README.format(made=_iso(job["created_at"]), username=member["username"],
                                    base_url=links.base, host=links.host),
        "account.json": _dump({
            "username": member["username"], "address": links.account(member["username"], None),
            "display_name": member["display_name"], "bio": member["bio"], "created_at": _iso(member["created_at"]),
            "training_consent": bool(member["training_consent"]),
            "training_attribution": bool(member["training_attribution"]),
        }),
        "posts.json": _dump(posts),
        "generations.json": _dump(made),
        "following.csv": _csv(["Account address", "Show boosts", "Notify on new posts", "Languages"],
                              [[links.account(r["username"], r["domain"]), "true", "false", ""]
                               for r in exports.following(conn, user_id)]),
        "blocks.csv": _csv(None, [[links.account(r["username"], r["domain"])] for r in exports.blocks(conn, user_id)]),
        "mutes.csv": _csv(["Account address", "Hide notifications"],
                          [[links.account(r["username"], r["domain"]), "true"] for r in exports.mutes(conn, user_id)]),
        "likes.json": _dump(_marked_json(exports.likes(conn, user_id), links)),
        "bookmarks.json": _dump(_marked_json(exports.bookmarks(conn, user_id), links)),
    }
    folder = Path(exports_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.zip"
    part = folder / f"{name}.part"
    media = sorted(files)
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file_name, body in texts.items():
                archive.writestr(file_name, body)
            for number, media_name in enumerate(media, start=1):
                source = Path(media_dir) / media_name
                if source.exists():  # PNGs are already compressed
                    archive.write(source, f"media/{media_name}", compress_type=zipfile.ZIP_STORED)
                else:
                    log.warning("export %d: media file %s is missing", job["id"], media_name)
                progress(0.05 + 0.9 * number / len(media))
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(part, folder / name)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return name, (folder / name).stat().st_size


class Stopping(Exception):
    """The worker is shutting down: the export goes back to the queue and starts again later."""


PROGRESS_WRITE_INTERVAL = 0.5


def exports_dir(config) -> Path:
    """<data dir>/exports, where finished zips wait for their download."""
    return Path(config.get("EXPORTS_DIR") or Path(config["DATABASE"]).parent / "exports")


def run_next(conn, config, stopping: Callable[[], bool]) -> bool:
    """Expire old zips, then make the oldest queued export; False when there was nothing to do."""
    folder = exports_dir(config)
    expired = exports.expire_due(conn, folder)
    if expired:
        log.info("expired %d account export(s)", expired)
    job = exports.claim_next(conn)
    if job is None:
        return False
    last_write = 0.0

    def progress(fraction: float) -> None:
        nonlocal last_write
        if stopping():
            raise Stopping()
        moment = time.monotonic()
        if moment - last_write >= PROGRESS_WRITE_INTERVAL:
            last_write = moment
            exports.set_progress(conn, job["id"], fraction)

    try:
        name, size = build(conn, job, config["MEDIA_DIR"], folder, progress)
    except Stopping:
        exports.release(conn, job["id"])
    except Exception as exc:  # a bug must not kill the thread; the member sees a plain message
        log.exception("account export %d failed", job["id"])
        exports.fail(conn, job["id"], f"The export could not be made ({type(exc).__name__}). Please ask again.")
    else:
        exports.finish(conn, job["id"], name, size, float(config.get("EXPORT_KEEP_SECONDS") or exports.KEEP_SECONDS))
        log.info("account export %d done (%d bytes)", job["id"], size)
    return True
