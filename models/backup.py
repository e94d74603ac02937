"""Backups: a consistent snapshot of the database and the media it references, as one .tar.gz.

The snapshot uses SQLite's online backup API in a single step: it reads one consistent version of
the database (a read transaction; in WAL mode writers go on meanwhile), so a backup taken under
load holds every transaction committed before it began and nothing half-written. Media files are
content-addressed and never change once written, so copying them after the snapshot is safe; a
file deleted in between is reported, not fatal.

The archive also holds the instance's secret key: restored sessions, "remember me" cookies and
CSRF tokens keep working. The archive is as secret as the database anyway (password hashes,
two-factor secrets), so keep it where only the operator can read it (it is written 0600).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.db import connect, migrate, transaction
from models.schema import MIGRATIONS

FORMAT = 1
MANIFEST = "backup.json"
ARCHIVE_RE = re.compile(r"easel-backup-\d{8}-\d{6}(?:-\d+)?\.tar\.gz")
# What a restore accepts from an archive: these names, and media/<one safe file name>.
TOP_LEVEL = ("easel.db", "secret_key", MANIFEST)
SAFE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,200}")
GZIP_LEVEL = 3  # pictures are PNG/WebP already: harder compression costs a Pi minutes for nothing

Echo = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    bytes: int
    counts: dict
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _quiet(_message: str) -> None:
    pass


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def snapshot(db_path: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Copy the live database into `dest` in one step of the online backup API (one consistent version)."""
    source = connect(str(db_path))
    try:
        target = sqlite3.connect(str(dest))
        try:
            source.backup(target)  # pages=-1: everything in one step, so concurrent writes never restart it
        finally:
            target.close()
    finally:
        source.close()


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """PRAGMA integrity_check's complaints ([] when the database is sound)."""
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def referenced_media(conn: sqlite3.Connection) -> list[str]:
    """Every media file a row of the database names (originals and thumbnails; avatars are media rows too)."""
    names = set()
    for name, thumb in conn.execute("SELECT name, thumb_name FROM media"):
        names.update(n for n in (name, thumb) if n)
    return sorted(names)


def counts(conn: sqlite3.Connection) -> dict:
    """What a database holds, for backup.json and the messages."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "members": one("SELECT count(*) FROM users WHERE domain IS NULL"),
        "posts": one("SELECT count(*) FROM posts WHERE deleted_at IS NULL"),
        "generations": one("SELECT count(*) FROM generations"),
        "media": one("SELECT count(*) FROM media"),
    }


def describe(found: dict) -> str:
    """'3 members, 10 posts, 4 generations, 8 media' from counts()."""
    return ", ".join(f"{found[key]} {key}" for key in ("members", "posts", "generations", "media") if key in found)


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def human_size(n: float) -> str:
    """1536 -> '1.5 KB'."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def archive_path(target: str | os.PathLike, at: float) -> Path:
    """A file named *.tar.gz / *.tgz is used as given; anything else is a folder for dated archives."""
    target = Path(target)
    if target.name.endswith((".tar.gz", ".tgz")):
        return target
    stamp = dt.datetime.fromtimestamp(at, dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    path, n = target / f"easel-backup-{stamp}.tar.gz", 1
    while path.exists():
        n += 1
        path = target / f"easel-backup-{stamp}-{n}.tar.gz"
    return path


def create(data_dir: str | os.PathLike, db_path: str | os.PathLike, media_dir: str | os.PathLike,
           target: str | os.PathLike, version: str, echo: Echo = _quiet, overwrite: bool = False) -> Result:
    """Write a backup archive of the instance to `target` (a .tar.gz path, or a folder for a dated name)."""
    started = time.time()
    out = archive_path(target, started)
    if out.exists() and not overwrite:
        raise BackupError(f"{out} already exists; choose another name or pass --force to replace it.")
    out.parent.mkdir(parents=True, exist_ok=True)
    secret = Path(data_dir) / "secret_key"
    with tempfile.TemporaryDirectory(prefix=".easel-backup-", dir=out.parent) as work:
        copy = Path(work) / "easel.db"
        echo(f"Copying the database ({human_size(os.path.getsize(db_path))}) with SQLite's online backup...")
        snapshot(db_path, copy)
        conn = sqlite3.connect(copy)
        try:
            problems = integrity_problems(conn)
            if problems:
                raise BackupError("The database copy failed its integrity check: " + "; ".join(problems[:5])
                                  + ". Run `flask --app app doctor` on the instance.")
            names = referenced_media(conn)
            manifest = {
                "format": FORMAT,
                "software": "Easel",
                "version": version,
                "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
                "created_at": _iso(started),
                "created_at_unix": started,
                "counts": counts(conn),
                "database_sha256": "",
                "secret_key": secret.exists(),
            }
        finally:
            conn.close()
        manifest["database_sha256"] = sha256_file(copy)
        echo(f"Database copied and checked: {manifest['counts']['members']} members, "
             f"{manifest['counts']['posts']} posts, {len(names)} media files referenced.")

        missing = [name for name in names if not (Path(media_dir) / name).is_file()]
        manifest["media_files"] = len(names) - len(missing)
        manifest["missing_media"] = missing
        partial = Path(work) / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=GZIP_LEVEL) as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(copy, arcname="easel.db", filter=_private)
            if secret.exists():
                tar.add(secret, arcname="secret_key", filter=_private)
            present = [name for name in names if name not in set(missing)]
            step = max(1, len(present) // 10)
            for number, name in enumerate(present, start=1):
                try:
                    tar.add(Path(media_dir) / name, arcname=f"media/{name}")
                except FileNotFoundError:  # deleted since the snapshot (its row went with it)
                    missing.append(name)
                if number % step == 0 or number == len(present):
                    echo(f"  media {number}/{len(present)}")
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    for name in missing:
        echo(f"Warning: media/{name} is referenced but was not on disk; it is not in the backup.")
    return Result(out, out.stat().st_size, manifest["counts"], missing, time.time() - started)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def prune(folder: str | os.PathLike, keep: int) -> list[Path]:
    """Delete all but the `keep` newest dated archives in a folder; returns what was deleted."""
    # The names carry the time (UTC), so they sort oldest to newest.
    archives = sorted((p for p in Path(folder).iterdir() if ARCHIVE_RE.fullmatch(p.name)),
                      key=lambda p: _archive_order(p.name), reverse=True)
    doomed = archives[keep:]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def _archive_order(name: str) -> tuple[str, int]:
    stamp, _, rest = name.removeprefix("easel-backup-").removesuffix(".tar.gz").partition("-")
    time_part, _, n = rest.partition("-")
    return f"{stamp}{time_part}", int(n or 1)


# --- restore ------------------------------------------------------------------------------

def not_empty(conn: sqlite3.Connection, data_dir: str | os.PathLike) -> list[str]:
    """Why a data folder is not empty enough to restore into ([] = fine).

    `flask --app app restore` loads the app first, which creates the database (migrated, no rows),
    the media folder and a secret key: that much is "empty". Anything else is refused.
    """
    reasons = []
    found = counts(conn)
    for what in ("members", "posts", "generations", "media"):
        if found[what]:
            reasons.append(f"{found[what]} {what if found[what] != 1 else what.rstrip('s')}")
    folder = Path(data_dir)
    files = [p for p in (folder / "media").rglob("*") if p.is_file()] if (folder / "media").is_dir() else []
    if files:
        reasons.append(f"{len(files)} file(s) in media/")
    expected = {"easel.db", "easel.db-wal", "easel.db-shm", "easel.db-journal", "secret_key", "media"}
    others = sorted(p.name for p in folder.iterdir()
                    if p.name not in expected and not p.name.startswith(".restore-")
                    and not (p.is_dir() and not any(p.iterdir())))  # an empty folder (exports/) is fine
    if others:
        reasons.append("other files: " + ", ".join(others[:5]))
    return reasons


def read_manifest(tar: tarfile.TarFile) -> dict:
    member = tar.next()
    if member is None or member.name != MANIFEST or not member.isfile():
        raise BackupError("This is not an Easel backup (backup.json is not its first entry).")
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except ValueError:
        raise BackupError("The backup's backup.json is damaged.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this Easel reads format {FORMAT}.")
    if int(manifest.get("schema_version", 0)) > len(MIGRATIONS):
        raise BackupError(f"The backup comes from a newer Easel (schema {manifest['schema_version']}, this one "
                          f"knows {len(MIGRATIONS)}); upgrade Easel first.")
    return manifest


def _member_target(member: tarfile.TarInfo) -> str:
    """The archive name of an entry we accept, or BackupError (no links, devices, '..' or absolute paths)."""
    name = member.name
    if not member.isfile():
        raise BackupError(f"Unexpected entry {name!r} in the backup (only plain files are restored).")
    if name in TOP_LEVEL:
        return name
    folder, _, base = name.partition("/")
    if folder == "media" and SAFE_NAME_RE.fullmatch(base):
        return name
    raise BackupError(f"Unexpected entry {name!r} in the backup.")


def restore(archive: str | os.PathLike, data_dir: str | os.PathLike, db_path: str | os.PathLike,
            media_dir: str | os.PathLike, echo: Echo = _quiet) -> dict:
    """Restore an archive into an empty data folder; returns its manifest. Refuses a folder in use."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    conn = connect(str(db_path))
    try:
        reasons = not_empty(conn, data_dir)
    finally:
        conn.close()
    if reasons:
        raise BackupError(f"The data folder {data_dir} is not empty ({'; '.join(reasons)}). Restore into a new, "
                          "empty folder, e.g. EASEL_DATA_DIR=/srv/easel-restored flask --app app restore ARCHIVE.")
    stage = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                manifest = read_manifest(tar)
                echo(f"Backup of {manifest.get('created_at')} (Easel {manifest.get('version')}, "
                     f"schema {manifest.get('schema_version')}): {describe(manifest.get('counts') or {})}.")
                files = 0
                for member in tar:
                    name = _member_target(member)
                    path = stage / name
                    path.parent.mkdir(exist_ok=True)
                    with tar.extractfile(member) as src, open(path, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    files += 1
                    if files % 500 == 0:
                        echo(f"  {files} files unpacked")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"The backup could not be read ({exc}).") from None
        copy = stage / "easel.db"
        if not copy.is_file():
            raise BackupError("The backup holds no database (easel.db).")
        if manifest.get("database_sha256") and sha256_file(copy) != manifest["database_sha256"]:
            raise BackupError("The database in the backup does not match its checksum: the file is damaged.")
        echo("Checking the database from the backup...")
        source = sqlite3.connect(copy)
        try:
            problems = integrity_problems(source)
            if problems:
                raise BackupError("The database in the backup fails its integrity check: " + "; ".join(problems[:5]))
            target = connect(str(db_path))
            try:
                source.backup(target)
                problems = integrity_problems(target)
                if problems:
                    raise BackupError("The restored database fails its integrity check: " + "; ".join(problems[:5]))
                before = target.execute("PRAGMA user_version").fetchone()[0]
                after = migrate(target)
                if after != before:
                    echo(f"Database migrated from schema {before} to {after}.")
                # Account export zips are short-lived downloads and not in backups: their members
                # see them as expired (and may ask again) instead of a link to a missing file.
                with transaction(target):
                    target.execute("UPDATE account_exports SET status = 'expired' WHERE status = 'done'")
                restored_counts = counts(target)
            finally:
                target.close()
        finally:
            source.close()
        media = stage / "media"
        moved = 0
        if media.is_dir():
            for path in media.iterdir():
                os.replace(path, Path(media_dir) / path.name)
                moved += 1
        secret = stage / "secret_key"
        if secret.is_file():
            os.chmod(secret, 0o600)
            os.replace(secret, Path(data_dir) / "secret_key")
        echo(f"Restored {restored_counts['members']} members, {restored_counts['posts']} posts and {moved} media "
             f"files; integrity check ok.")
        return manifest
    finally:
        shutil.rmtree(stage, ignore_errors=True)
