"""Dataset exports for the operator: consenting pictures in Hugging Face's `imagefolder` layout.

    OUT/train/000001.png ...        the pictures (PNG originals, copied as stored)
    OUT/train/metadata.jsonl        one JSON object per picture (file_name relative to train/)
    OUT/manifest.json               counts, sha256 of every file written, consent snapshot time

What may go in is decided by models.consent.consented_posts() alone, read in one transaction (the
consent snapshot). File names are a running number, never a post id: an item whose author did not
allow attribution must not point back at them through a link into the instance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models import consent
from models.db import now, transaction

MANIFEST = "manifest.json"
SPLIT = "train"


class DatasetError(Exception):
    """An export that cannot go on; the message says why."""


@dataclass
class Result:
    out: Path
    items: int
    posts: int
    members: int
    snapshot_at: float
    manifest_sha256: str
    missing: list[str] = field(default_factory=list)
    export_id: int = 0


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _copy_hashed(source: Path, dest: Path) -> str:
    """Copy a file and return the sha256 of what was written, in one pass."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(dest, "wb") as dst:
        while block := src.read(1 << 20):
            digest.update(block)
            dst.write(block)
    return digest.hexdigest()


def _write_hashed(dest: Path, data: bytes) -> str:
    dest.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def prepare(out: str | os.PathLike, force: bool) -> Path:
    """Check the output folder: it must be empty (or missing), unless `force` replaces an earlier export."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DatasetError(f"{out} is a file, not a folder.")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise DatasetError(f"{out} is not empty. Choose a new folder, or pass --force to replace the "
                               f"dataset in it ({SPLIT}/ and {MANIFEST}; other files are left alone).")
        if (out / SPLIT).is_dir():
            shutil.rmtree(out / SPLIT)
        (out / MANIFEST).unlink(missing_ok=True)
    (out / SPLIT).mkdir(parents=True, exist_ok=True)
    return out


def snapshot(conn: sqlite3.Connection) -> tuple[float, list[sqlite3.Row], dict[int, list[tuple]], dict]:
    """(snapshot time, consenting posts, their images, seed of each image) read in one transaction."""
    with transaction(conn, immediate=False):
        taken = now()
        posts = consent.consented_posts(conn)
        images = consent.post_media_files(conn, [row["id"] for row in posts])
        seeds = _seeds(conn, [row["id"] for row in posts])
    return taken, posts, images, seeds


def _seeds(conn: sqlite3.Connection, post_ids: list[int]) -> dict[int, list[int | None]]:
    """Each picture's own seed (generation seed + its variation), per post in the order of
    consent.post_media_files(). By post, not by file: identical pictures share one content-addressed file."""
    found: dict[int, list[int | None]] = {}
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        for post_id, seed in conn.execute(
            f"""SELECT pm.post_id, m.seed FROM post_media pm JOIN media m ON m.id = pm.media_id
                WHERE pm.post_id IN ({','.join('?' * len(chunk))}) AND m.name IS NOT NULL
                ORDER BY pm.post_id, pm.position""", chunk
        ):
            found.setdefault(post_id, []).append(seed)
    return found


def write(conn: sqlite3.Connection, out: str | os.PathLike, media_dir: str | os.PathLike, *, instance_name: str,
          version: str, requested_by: str, force: bool = False,
          echo: Callable[[str], None] = lambda _message: None) -> Result:
    """Export every consenting picture to `out` and record the export in dataset_exports."""
    out = prepare(out, force)
    train = out / SPLIT
    taken, posts, images, seeds = snapshot(conn)
    total = sum(len(images.get(row["id"], [])) for row in posts)
    echo(f"Consent snapshot {_iso(taken)}: {len(posts)} posts, {total} pictures.")
    hashes: dict[str, str] = {}
    lines: list[dict] = []
    first_file: dict[int, str] = {}  # post id -> its first picture's file name, for remix_of
    members, attributed, missing = set(), set(), []
    step = max(1, total // 10)
    for row in posts:
        post_seeds = seeds.get(row["id"], [])
        for position, (name, width, height) in enumerate(images.get(row["id"], [])):
            source = Path(media_dir) / name
            file_name = f"{len(lines) + len(missing) + 1:06d}{source.suffix or '.png'}"
            if not source.is_file():
                missing.append(name)
                echo(f"Warning: media/{name} is missing on disk; skipped (run `flask --app app doctor`).")
                continue
            hashes[f"{SPLIT}/{file_name}"] = _copy_hashed(source, train / file_name)
            first_file.setdefault(row["id"], file_name)
            members.add(row["user_id"])
            if row["training_attribution"]:
                attributed.add(row["user_id"])
            seed = post_seeds[position] if position < len(post_seeds) else None
            lines.append(_metadata(row, file_name, width, height, row["seed"] if seed is None else seed))
            done = len(lines) + len(missing)
            if done % step == 0 or done == total:
                echo(f"  {done}/{total} pictures")
    for line in lines:  # a remix names its parent's first picture when the parent is in the dataset too
        parent = line["remix_of"]
        line["remix_of"] = first_file.get(parent) if parent else None
    metadata = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    hashes[f"{SPLIT}/metadata.jsonl"] = _write_hashed(train / "metadata.jsonl", metadata)
    manifest = {
        "format": "imagefolder",
        "instance": instance_name,
        "software": {"name": "Easel", "version": version},
        "created_at": _iso(time.time()),
        "consent_snapshot_at": _iso(taken),
        "counts": {"items": len(lines), "posts": len(first_file), "members": len(members),
                   "attributed_members": len(attributed), "missing_files": len(missing)},
        "files": dict(sorted(hashes.items())),
    }
    body = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    manifest_sha = _write_hashed(out / MANIFEST, body)
    result = Result(out, len(lines), len(first_file), len(members), taken, manifest_sha, missing)
    result.export_id = record(conn, result, requested_by)
    return result


def _metadata(row: sqlite3.Row, file_name: str, width: int, height: int, seed: int) -> dict:
    """One line of metadata.jsonl."""
    return {
        "file_name": file_name,
        "prompt": row["prompt"],
        "negative_prompt": row["negative_prompt"],
        "seed": seed,
        "size": f"{row['width']}x{row['height']}",
        "width": width,
        "height": height,
        "style": row["style"],
        "backend": row["backend"],
        "model": row["model"] or None,
        "generator_version": row["generator_version"] or None,
        "likes": row["like_count"],
        "reposts": row["repost_count"],
        "remixes": row["remix_count"],
        "is_remix": row["remix_of"] is not None,
        "remix_of": row["remix_of"],  # a post id until write() turns it into a file name (or None)
        "created_at": _iso(row["created_at"]),
        "author": row["username"] if row["training_attribution"] else None,
    }


def record(conn: sqlite3.Connection, result: Result, requested_by: str) -> int:
    with transaction(conn):
        return conn.execute(
            """INSERT INTO dataset_exports (created_at, consent_snapshot_at, out_path, items, members,
                   manifest_sha256, requested_by) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (now(), result.snapshot_at, str(Path(result.out).resolve()), result.items, result.members,
             result.manifest_sha256, requested_by),
        ).lastrowid


def history(conn: sqlite3.Connection, limit: int = 50) -> list[sqlite3.Row]:
    """The latest dataset exports, newest first."""
    return conn.execute("SELECT * FROM dataset_exports ORDER BY id DESC LIMIT ?", (limit,)).fetchall()


def consenting_members(conn: sqlite3.Connection) -> dict:
    """Members' own settings: how many opted in, and how many of those may be named."""
    row = conn.execute(
        """SELECT count(*) AS opted_in, coalesce(sum(training_attribution), 0) AS attributed FROM users
           WHERE domain IS NULL AND status = 'active' AND training_consent = 1"""
    ).fetchone()
    return {"opted_in": row["opted_in"], "attributed": row["attributed"]}
