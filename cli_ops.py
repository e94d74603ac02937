"""Operating commands: `flask --app app backup | restore | doctor | dataset export | seed-demo`
(README "Operating Easel").

Like cli.py they run on the data folder EASEL_DATA_DIR names, work while the server runs, and never
start the generation workers. Messages are plain English for the terminal; failures exit non-zero.
"""

from __future__ import annotations

import getpass
import secrets
import sqlite3
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from models import backup as backups
from models import dataset as datasets
from models import demo, instance
from models import doctor as checks
from models.db import close_thread_connections, get_db

_size = backups.human_size


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _version() -> str:
    from app import __version__

    return __version__


def _operator() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), help="When PATH is a folder: keep only the newest N backups.")
@click.option("--force", is_flag=True, help="Replace PATH if it is an existing .tar.gz file.")
def backup(path: Path, keep: int | None, force: bool) -> None:
    """Write a consistent backup (database, media, secret key) to PATH.

    PATH ending in .tar.gz is the archive itself; any other PATH is a folder that gets a dated
    easel-backup-YYYYMMDD-HHMMSS.tar.gz. Safe while the server runs.
    """
    config = current_app.config
    try:
        result = backups.create(current_app.instance_path, config["DATABASE"], config["MEDIA_DIR"], path,
                                _version(), echo=click.echo, overwrite=force)
    except (backups.BackupError, OSError, sqlite3.Error) as exc:
        _fail(f"Backup failed: {exc}")
    click.echo(f"Wrote {result.path} ({_size(result.bytes)}, {backups.describe(result.counts)}) "
               f"in {result.seconds:.1f} s.")
    if keep and result.path.parent == path:
        for old in backups.prune(path, keep):
            click.echo(f"Deleted the old backup {old.name} (keeping {keep}).")
    elif keep:
        click.echo("--keep applies only when PATH is a folder; nothing was deleted.")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
def restore(archive: Path) -> None:
    """Restore a backup ARCHIVE into this (empty) data folder, then check its integrity.

    Point EASEL_DATA_DIR at a new folder first; a folder with members, posts or pictures is refused.
    """
    config = current_app.config
    close_thread_connections()  # the app's own connection must not hold the database we overwrite
    try:
        backups.restore(archive, current_app.instance_path, config["DATABASE"], config["MEDIA_DIR"], echo=click.echo)
    except (backups.BackupError, OSError, sqlite3.Error) as exc:
        _fail(f"Restore failed: {exc}")
    click.echo(f"Done. Start Easel on {current_app.instance_path} (python app.py --data-dir ...).")


@click.command("doctor")
@with_appcontext
@click.option("--clean", is_flag=True, help="Delete the orphaned files found.")
@click.option("--vacuum", is_flag=True, help="Rebuild the database without free pages (VACUUM).")
@click.option("--grace", type=click.IntRange(min=0), default=checks.GRACE_SECONDS, show_default=True,
              help="Seconds a new unreferenced file is left alone (the worker may be about to use it).")
def doctor(clean: bool, vacuum: bool, grace: int) -> None:
    """Check the database and the media folder; report (and with --clean remove) orphaned files.

    Exits 1 when the integrity check fails or referenced files are missing.
    """
    from imagegen.account_export import exports_dir

    config = current_app.config
    data_dir, media_dir, exports = Path(current_app.instance_path), Path(config["MEDIA_DIR"]), exports_dir(config)
    conn = get_db()
    problems = []

    click.echo("Integrity check...")
    failures = backups.integrity_problems(conn)
    if failures:
        problems.append("integrity check failed")
        for line in failures[:20]:
            click.echo(f"  {line}")
        click.echo("  The database is damaged: stop Easel and restore the latest backup.")
    else:
        click.echo("  ok")

    busy, frames, done = checks.checkpoint(conn)
    if busy:
        click.echo(f"WAL checkpoint: {done} of {frames} frames copied; readers were busy, the log stays.")
    else:
        click.echo(f"WAL checkpoint: {done} frames copied into the database, log truncated.")

    found = checks.check_files(conn, media_dir, exports, grace=grace)
    click.echo(f"Orphaned files (on disk, referenced by nothing): {len(found.orphans)}"
               + (f", {_size(found.orphan_bytes)}" if found.orphans else ""))
    for relative in found.orphans[:50]:
        click.echo(f"  {relative}")
    if len(found.orphans) > 50:
        click.echo(f"  ... and {len(found.orphans) - 50} more")
    if found.too_new:
        click.echo(f"  ({found.too_new} unreferenced file(s) newer than {grace} s left alone)")
    if found.orphans and clean:
        freed = checks.remove_orphans(data_dir, found.orphans)
        click.echo(f"  Removed {len(found.orphans)} orphaned file(s), {_size(freed)} freed.")
    elif found.orphans:
        click.echo("  Run again with --clean to delete them.")

    click.echo(f"Missing files (referenced, not on disk): {len(found.missing)}")
    for relative in found.missing[:50]:
        posts = checks.posts_using(conn, relative.partition("/")[2]) if relative.startswith("media/") else []
        click.echo(f"  {relative}" + (f" (posts {', '.join(map(str, posts))})" if posts else ""))
    if found.missing:
        problems.append(f"{len(found.missing)} missing file(s)")
        click.echo("  Restore them from a backup; doctor never deletes rows.")

    if vacuum:
        before = checks.sizes(config["DATABASE"], media_dir, exports)["database"]
        click.echo("VACUUM (writers wait until it ends)...")
        started = time.monotonic()
        checks.vacuum(conn)
        checks.checkpoint(conn)
        after = checks.sizes(config["DATABASE"], media_dir, exports)["database"]
        click.echo(f"  {_size(before)} -> {_size(after)} in {time.monotonic() - started:.1f} s")

    size = checks.sizes(config["DATABASE"], media_dir, exports)
    click.echo(f"Database: {_size(size['database'])} (write-ahead log {_size(size['wal'])})")
    click.echo(f"Media: {_size(size['media'])} in {size['media_files']} files")
    click.echo(f"Account exports: {_size(size['exports'])} in {size['export_files']} files")
    if problems:
        _fail("Problems found: " + "; ".join(problems) + ".")
    click.echo("No problems found.")


dataset_cli = AppGroup("dataset", help="Training datasets made only of pictures whose authors opted in.")


@dataset_cli.command("export")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="OUT may hold an earlier export: replace its train/ and manifest.json.")
def dataset_export(out: Path, force: bool) -> None:
    """Write consenting pictures to OUT as a Hugging Face imagefolder (train/ + metadata.jsonl + manifest.json)."""
    conn = get_db()
    try:
        result = datasets.write(conn, out, current_app.config["MEDIA_DIR"],
                                instance_name=instance.get(conn, "name"), version=_version(),
                                requested_by=_operator(), force=force, echo=click.echo)
    except (datasets.DatasetError, OSError, sqlite3.Error) as exc:
        _fail(f"Dataset export failed: {exc}")
    click.echo(f"Wrote {result.items} pictures from {result.posts} posts by {result.members} members to {out} "
               f"(manifest sha256 {result.manifest_sha256[:16]}...).")
    if result.missing:
        click.echo(f"{len(result.missing)} picture(s) were missing on disk and left out.")
    if not result.items:
        click.echo("No member has opted in to training use yet: the dataset is empty.")


@click.command("seed-demo")
@with_appcontext
@click.option("--members", type=click.IntRange(1, 1000), default=20, show_default=True, help="Demo members to create.")
@click.option("--posts", type=click.IntRange(0, 100_000), default=200, show_default=True,
              help="Picture posts to share.")
@click.option("--images", type=click.IntRange(1, 10_000), default=40, show_default=True,
              help="Distinct pictures to draw (posts beyond that reuse them).")
@click.option("--password", help="The demo members' shared password (default: a random one, printed).")
@click.option("--force", is_flag=True, help="Add another batch even if demo members exist already.")
def seed_demo(members: int, posts: int, images: int, password: str | None, force: bool) -> None:
    """Fill the instance with demo members (demo_ada, demo_bruno, ...) and their posts, drawn by the builtin."""
    from imagegen.builtin import BuiltinBackend

    conn = get_db()
    existing = demo.demo_members(conn)
    if existing and not force:
        _fail(f"This instance already has {existing} demo members; pass --force to add another batch.")
    password = password or secrets.token_urlsafe(9)
    if len(password) < 8:
        _fail("Use a password of at least 8 characters.")
    click.echo(f"Seeding {members} members and {posts} posts ({min(images, posts)} distinct pictures)...")
    made = demo.seed(conn, BuiltinBackend(), current_app.config["MEDIA_DIR"], members=members, posts=posts,
                     images=images, password=password, echo=click.echo)
    click.echo(f"Done in {made['seconds']:.1f} s. Sign in as any demo member, e.g. demo_ada, with the password: "
               f"{password}")
    if made["admin"]:
        click.echo(f"{made['admin']} is the instance admin (there was none).")


def init_app(app) -> None:
    for command in (backup, restore, doctor, dataset_cli, seed_demo):
        app.cli.add_command(command)

