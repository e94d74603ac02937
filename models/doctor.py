"""`flask --app app doctor`: the instance's health on disk.

Integrity check, a WAL checkpoint, media files nobody references (orphans) and references whose
file is gone (missing), sizes, and VACUUM on request. Safe while the server runs: files younger
than `grace` seconds are never called orphans, because the worker writes a picture's files a
moment before it commits the row that names them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from models.backup import referenced_media
from models.dashboard import database_bytes, folder_bytes

GRACE_SECONDS = 600


@dataclass
class Files:
    orphans: list[str] = field(default_factory=list)  # relative to the data folder: media/x.png, exports/y.zip
    orphan_bytes: int = 0
    too_new: int = 0  # unreferenced, but younger than the grace period
    missing: list[str] = field(default_factory=list)


def checkpoint(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """PRAGMA wal_checkpoint(TRUNCATE): (busy, WAL frames, frames checkpointed); busy=1 means readers held on."""
    row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return row[0], row[1], row[2]


def _gallery_files(media_dir: Path) -> set[str]:
    """The style gallery's cache (imagegen/gallery.py): its index files and the pictures they list."""
    names = set()
    for index in media_dir.glob("style-gallery-*.json"):
        names.add(index.name)
        try:
            entries = json.loads(index.read_text()).get("styles", [])
        except (OSError, ValueError, AttributeError):
            continue
        for entry in entries:
            names.update(entry.get(key) for key in ("name", "thumb_name") if entry.get(key))
    return names


def _export_files(conn: sqlite3.Connection) -> set[str]:
    """Account export zips waiting for their download."""
    return {row[0] for row in conn.execute(
        "SELECT file_name FROM account_exports WHERE status = 'done' AND file_name IS NOT NULL")}


def check_files(conn: sqlite3.Connection, media_dir: str | os.PathLike, exports_dir: str | os.PathLike,
                grace: float = GRACE_SECONDS, at: float | None = None) -> Files:
    """Compare the media and exports folders with what the database references."""
    at = time.time() if at is None else at
    media_dir, exports_dir = Path(media_dir), Path(exports_dir)
    media_names = set(referenced_media(conn))
    export_names = _export_files(conn)
    found = Files()
    for folder, known in ((media_dir, media_names | _gallery_files(media_dir)), (exports_dir, export_names)):
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not entry.is_file(follow_symlinks=False) or entry.name in known:
                continue
            stat = entry.stat(follow_symlinks=False)
            if at - stat.st_mtime < grace:
                found.too_new += 1
                continue
            found.orphans.append(f"{folder.name}/{entry.name}")
            found.orphan_bytes += stat.st_size
    found.missing = [f"media/{name}" for name in sorted(media_names) if not (media_dir / name).is_file()]
    found.missing += [f"exports/{name}" for name in sorted(export_names) if not (exports_dir / name).is_file()]
    return found


def remove_orphans(data_dir: str | os.PathLike, orphans: list[str]) -> int:
    """Delete the orphans check_files() found; returns the bytes freed."""
    freed = 0
    for relative in orphans:
        path = Path(data_dir) / relative
        try:
            freed += path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            pass
    return freed


def posts_using(conn: sqlite3.Connection, media_name: str) -> list[int]:
    """The posts that show a media file (to tell the operator what a missing file breaks)."""
    return [row[0] for row in conn.execute(
        """SELECT pm.post_id FROM post_media pm JOIN media m ON m.id = pm.media_id
           WHERE m.name = ? OR m.thumb_name = ? ORDER BY pm.post_id LIMIT 20""", (media_name, media_name))]


def sizes(db_path: str | os.PathLike, media_dir: str | os.PathLike, exports_dir: str | os.PathLike) -> dict:
    media_bytes, media_files = folder_bytes(media_dir)
    exports_bytes, export_files = folder_bytes(exports_dir) if Path(exports_dir).is_dir() else (0, 0)
    wal = Path(f"{db_path}-wal")
    return {"database": database_bytes(db_path), "wal": wal.stat().st_size if wal.exists() else 0,
            "media": media_bytes, "media_files": media_files, "exports": exports_bytes, "export_files": export_files}


def vacuum(conn: sqlite3.Connection) -> None:
    """Rebuild the database file without free pages (holds the write lock while it runs)."""
    conn.execute("VACUUM")

