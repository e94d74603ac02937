"""`flask --app app doctor [--clean] [--vacuum]`: integrity, checkpoint, orphaned and missing files, sizes."""

import json
import os
import re
import time
from pathlib import Path

import pytest

from imagegen.builtin import BuiltinBackend
from models import demo, users
from models.db import connect
from tests.conftest import make_app

HOUR_AGO = time.time() - 3600


@pytest.fixture
def env(tmp_path):
    """An instance with one picture post; `media` is its media folder."""
    app = make_app(tmp_path / "data")
    conn = connect(app.config["DATABASE"])
    member = users.create_user(conn, "ana", "correct horse")
    media, info, version = demo.draw(BuiltinBackend(), "a lake at dawn", 3, "flat", app.config["MEDIA_DIR"])
    demo.picture_post(conn, member["id"], {"prompt": "a lake at dawn", "seed": 3, "style": "flat", "media": media,
                                           "info": info, "version": version}, "first light")
    yield app, conn, Path(app.config["MEDIA_DIR"]), media
    conn.close()
    app.extensions["easel_worker"].stop()


def doctor(app, *args):
    return app.test_cli_runner().invoke(args=["doctor", *args])


def plant(path: Path, data: bytes = b"stray", age: float = HOUR_AGO) -> Path:
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (age, age))
    return path


def test_a_healthy_instance(env):
    app, _conn, _media, _stored = env
    result = doctor(app)
    assert result.exit_code == 0, result.output
    for line in ("Integrity check...\n  ok", "WAL checkpoint:", "Orphaned files (on disk, referenced by nothing): 0",
                 "Missing files (referenced, not on disk): 0", "Database: ", "Media: ", "No problems found."):
        assert line in result.output
    assert "in 2 files" in result.output  # the picture and its thumbnail


def test_finds_a_planted_orphan_and_a_planted_missing_file_and_clean_removes_only_the_orphan(env):
    app, conn, media, stored = env
    orphan = plant(media / ("ab" * 32 + ".png"), b"x" * 2048)
    (media / stored["name"]).unlink()  # the post's picture is gone; its row stays
    result = doctor(app)
    assert result.exit_code == 1
    assert f"Orphaned files (on disk, referenced by nothing): 1, 2.0 KB\n  media/{orphan.name}\n" in result.output
    assert "Run again with --clean to delete them." in result.output
    assert f"Missing files (referenced, not on disk): 1\n  media/{stored['name']} (posts 1)" in result.output
    assert "Problems found: 1 missing file(s)." in result.output
    assert orphan.exists()  # reported, not touched

    result = doctor(app, "--clean")
    assert "Removed 1 orphaned file(s), 2.0 KB freed." in result.output
    assert not orphan.exists()
    assert (media / stored["thumb_name"]).exists()  # referenced files stay
    assert conn.execute("SELECT count(*) FROM media").fetchone()[0] == 1  # doctor never deletes rows
    again = doctor(app, "--clean")
    assert "Orphaned files (on disk, referenced by nothing): 0" in again.output
    assert f"media/{stored['name']} (posts 1)" in again.output and again.exit_code == 1


def test_new_unreferenced_files_are_left_alone(env):
    app, _conn, media, _stored = env
    young = plant(media / ("cd" * 32 + ".png"), age=time.time())
    result = doctor(app, "--clean")
    assert "Orphaned files (on disk, referenced by nothing): 0" in result.output
    assert "(1 unreferenced file(s) newer than 600 s left alone)" in result.output
    assert young.exists()
    assert "Orphaned files (on disk, referenced by nothing): 1" in doctor(app, "--grace", "0").output


def test_the_style_gallery_and_waiting_account_exports_are_not_orphans(env):
    app, conn, media, _stored = env
    pictures = [plant(media / ("e1" * 32 + ".png")), plant(media / ("e1" * 32 + "-thumb.webp"))]
    index = media / "style-gallery-builtin.json"
    index.write_text(json.dumps({"version": "builtin-3", "styles": [
        {"style": "flat", "name": pictures[0].name, "thumb_name": pictures[1].name}]}))
    os.utime(index, (HOUR_AGO, HOUR_AGO))
    exports = Path(app.instance_path) / "exports"
    waiting = plant(exports / "f00d.zip")
    stray = plant(exports / "dead.zip.part")
    conn.execute("INSERT INTO account_exports (user_id, status, file_name, created_at) VALUES (1, 'done', ?, 0)",
                 (waiting.name,))
    conn.execute("INSERT INTO account_exports (user_id, status, file_name, created_at)"
                 " VALUES (1, 'done', 'gone.zip', 0)")
    result = doctor(app, "--clean")
    assert "Orphaned files (on disk, referenced by nothing): 1" in result.output
    assert "exports/dead.zip.part" in result.output and not stray.exists()
    assert all(p.exists() for p in (*pictures, index, waiting))
    assert "exports/gone.zip" in result.output and result.exit_code == 1


def test_vacuum_and_checkpoint(env):
    app, conn, _media, _stored = env
    conn.execute("CREATE TABLE filler (x BLOB)")
    conn.executemany("INSERT INTO filler VALUES (?)", [(b"x" * 4000,) for _ in range(200)])
    conn.execute("DROP TABLE filler")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = os.path.getsize(app.config["DATABASE"])
    result = doctor(app, "--vacuum")
    assert result.exit_code == 0, result.output
    assert re.search(r"VACUUM \(writers wait until it ends\)\.\.\.\n  [\d.]+ [KMG]?B -> [\d.]+ [KMG]?B in ",
                     result.output)
    assert os.path.getsize(app.config["DATABASE"]) < before - 500_000
    assert os.path.getsize(app.config["DATABASE"] + "-wal") == 0  # truncated by the checkpoint


def test_a_failed_integrity_check_is_reported_and_exits_1(env, monkeypatch):
    import models.backup

    app, _conn, _media, _stored = env
    complaint = "*** in database main ***\nPage 7: btreeInitPage() returns error code 11"
    monkeypatch.setattr(models.backup, "integrity_problems", lambda conn: complaint.split("\n"))
    result = doctor(app)
    assert result.exit_code == 1
    assert "Page 7: btreeInitPage() returns error code 11" in result.output
    assert "stop Easel and restore the latest backup" in result.output
    assert "Problems found: integrity check failed." in result.output
