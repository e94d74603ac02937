"""`flask --app app backup PATH` and `restore PATH`: a consistent snapshot under load, an empty folder only."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from imagegen.builtin import BuiltinBackend
from models import demo, users
from models.db import connect
from tests.conftest import AuthActions, make_app

PASSWORD = "correct horse"


@pytest.fixture
def live(tmp_path):
    """An instance with a member and two picture posts (real files in media/)."""
    app = make_app(tmp_path / "live")
    conn = connect(app.config["DATABASE"])
    member = users.create_user(conn, "ana", PASSWORD)
    for seed in (1, 2):
        media, info, version = demo.draw(BuiltinBackend(), "a lighthouse at sunset", seed, "flat",
                                         app.config["MEDIA_DIR"])
        demo.picture_post(conn, member["id"], {"prompt": "a lighthouse at sunset", "seed": seed, "style": "flat",
                                               "media": media, "info": info, "version": version}, f"#sea {seed}")
    yield app, conn, member["id"]
    conn.close()
    app.extensions["easel_worker"].stop()


def fresh(tmp_path, name="restored"):
    app = make_app(tmp_path / name)
    return app, app.test_cli_runner()


def archive_of(folder: Path) -> Path:
    [archive] = folder.glob("easel-backup-*.tar.gz")
    return archive


class Writer(threading.Thread):
    """Shares a text post every millisecond or so on its own connection, remembering each commit."""

    def __init__(self, db_path: str, user_id: int):
        super().__init__(daemon=True)
        self.db_path, self.user_id = db_path, user_id
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        conn = connect(self.db_path)
        try:
            while not self.stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                post_id = conn.execute("INSERT INTO posts (user_id, caption, created_at) VALUES (?, ?, ?)",
                                       (self.user_id, f"note {len(self.committed)}", time.time())).lastrowid
                conn.execute("UPDATE users SET bio = ? WHERE id = ?", (f"wrote {post_id}", self.user_id))
                conn.execute("COMMIT")
                self.committed.append(post_id)
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            conn.close()


def test_backup_under_concurrent_writes_restores_everything_committed_before(live, tmp_path):
    app, conn, user_id = live
    writer = Writer(app.config["DATABASE"], user_id)
    writer.start()
    while len(writer.committed) < 50:
        time.sleep(0.005)
    before = set(writer.committed)  # committed before the backup began
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    during = len(writer.committed)
    time.sleep(0.05)
    writer.stop.set()
    writer.join()
    assert writer.error is None
    assert result.exit_code == 0, result.output
    assert "Copying the database" in result.output and "Wrote " in result.output
    assert during > len(before)  # the writer kept committing while the backup ran

    restored, runner = fresh(tmp_path)
    result = runner.invoke(args=["restore", str(archive_of(tmp_path / "backups"))])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    db = connect(restored.config["DATABASE"])
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {row[0] for row in db.execute("SELECT id FROM posts WHERE generation_id IS NULL")}
        assert before <= ids  # every post committed before the backup began
        assert ids <= set(writer.committed)  # and nothing that was never committed
        names = [n for row in db.execute("SELECT name, thumb_name FROM media") for n in row]
        assert len(names) == 4 and all((Path(restored.config["MEDIA_DIR"]) / n).is_file() for n in names)
        assert db.execute("PRAGMA user_version").fetchone()[0] == conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()
        restored.extensions["easel_worker"].stop()
    assert (tmp_path / "restored" / "secret_key").read_text() == (tmp_path / "live" / "secret_key").read_text()


def test_archive_holds_manifest_database_key_and_media(live, tmp_path):
    app, conn, _user = live
    target = tmp_path / "nightly.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    with tarfile.open(target) as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        manifest = json.loads(tar.extractfile("backup.json").read())
    assert names[:3] == ["backup.json", "easel.db", "secret_key"]
    assert sorted(names[3:]) == sorted(f"media/{n}" for row in conn.execute("SELECT name, thumb_name FROM media")
                                       for n in row)
    assert {m.name: m.mode & 0o777 for m in members}["secret_key"] == 0o600
    from app import __version__

    assert manifest["version"] == __version__ and manifest["format"] == 1
    assert manifest["schema_version"] == conn.execute("PRAGMA user_version").fetchone()[0]
    assert manifest["counts"] == {"members": 1, "posts": 2, "generations": 2, "media": 2}
    assert manifest["media_files"] == 4 and manifest["missing_media"] == []
    assert manifest["secret_key"] is True and len(manifest["database_sha256"]) == 64

    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
    assert app.test_cli_runner().invoke(args=["backup", str(target), "--force"]).exit_code == 0


def test_a_referenced_file_missing_on_disk_is_reported_not_fatal(live, tmp_path):
    app, conn, _user = live
    name = conn.execute("SELECT name FROM media ORDER BY id LIMIT 1").fetchone()[0]
    (Path(app.config["MEDIA_DIR"]) / name).unlink()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 0, result.output
    assert f"media/{name} is referenced but was not on disk" in result.output


def test_restore_refuses_a_folder_that_is_not_empty(live, tmp_path):
    app, conn, _user = live
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    conn.execute("INSERT INTO posts (user_id, caption, created_at) VALUES (1, 'after the backup', 0)")
    result = runner.invoke(args=["restore", str(tmp_path / "b.tar.gz")])
    assert result.exit_code != 0
    assert "is not empty (1 member; 3 posts; 2 generations; 2 media; 4 file(s) in media/)" in result.output
    assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 3  # nothing was touched

    # A folder with only a stray file in media/ (no rows) is refused too.
    other, other_runner = fresh(tmp_path, "other")
    (Path(other.config["MEDIA_DIR"]) / "leftover.png").write_bytes(b"x")
    result = other_runner.invoke(args=["restore", str(tmp_path / "b.tar.gz")])
    assert result.exit_code != 0 and "1 file(s) in media/" in result.output
    other.extensions["easel_worker"].stop()


def test_restored_instance_keeps_sessions_valid(live, tmp_path):
    app, _conn, _user = live
    client = app.test_client()
    assert AuthActions(client).login("ana", PASSWORD).status_code == 303
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    restored, runner = fresh(tmp_path)
    assert runner.invoke(args=["restore", str(tmp_path / "b.tar.gz")]).exit_code == 0
    restored.extensions["easel_worker"].stop()
    started = make_app(tmp_path / "restored")  # what the next start-up reads: the original secret key
    try:
        other = started.test_client()
        other.set_cookie("session", client.get_cookie("session").value)
        assert other.get("/settings").status_code == 200
    finally:
        started.extensions["easel_worker"].stop()


def _tar(path: Path, entries: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("entries, message", [
    ({"easel.db": b"x"}, "not an Easel backup"),
    ({"backup.json": b'{"format": 1, "schema_version": 9999}'}, "newer Easel"),
    ({"backup.json": b'{"format": 1, "schema_version": 1}', "../evil": b"x"}, "Unexpected entry '../evil'"),
    ({"backup.json": b'{"format": 1, "schema_version": 1}', "media/../../x": b"x"}, "Unexpected entry"),
    ({"backup.json": b'{"format": 1, "schema_version": 1}'}, "holds no database"),
])
def test_restore_refuses_what_is_not_a_sound_backup(tmp_path, entries, message):
    _tar(tmp_path / "bad.tar.gz", entries)
    app, runner = fresh(tmp_path)
    result = runner.invoke(args=["restore", str(tmp_path / "bad.tar.gz")])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "evil").exists() and not list(Path(app.instance_path).glob(".restore-*"))
    app.extensions["easel_worker"].stop()


def test_restore_refuses_a_damaged_database(live, tmp_path):
    app, _conn, _user = live
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        entries = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    db = bytearray(entries["easel.db"])
    db[5000:5100] = b"\xff" * 100
    entries["easel.db"] = bytes(db)
    _tar(tmp_path / "damaged.tar.gz", entries)
    restored, runner = fresh(tmp_path)
    result = runner.invoke(args=["restore", str(tmp_path / "damaged.tar.gz")])
    assert result.exit_code != 0 and "does not match its checksum" in result.output
    assert connect(restored.config["DATABASE"]).execute("SELECT count(*) FROM users").fetchone()[0] == 0
    restored.extensions["easel_worker"].stop()


def flask_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EASEL_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=Path(__file__).parent.parent,
                          env=env, capture_output=True, text=True, timeout=120)


def test_command_line_round_trip_with_dated_names_and_keep(live, tmp_path):
    app, conn, _user = live
    folder = tmp_path / "backups"
    folder.mkdir()
    for n in range(2):  # older backups, to be pruned
        (folder / f"easel-backup-2020010{n + 1}-000000.tar.gz").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup: left alone")
    done = flask_cli(Path(app.instance_path), "backup", str(folder), "--keep", "2")
    assert done.returncode == 0, done.stderr
    assert "Deleted the old backup easel-backup-20200101-000000.tar.gz (keeping 2)." in done.stdout
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "easel-backup-20200102-000000.tar.gz" and names[2] == "notes.txt"
    newest = folder / names[1]
    done = flask_cli(tmp_path / "cli-restored", "restore", str(newest))
    assert done.returncode == 0, done.stderr
    restored = sqlite3.connect(tmp_path / "cli-restored" / "easel.db")
    assert restored.execute("SELECT count(*) FROM posts").fetchone()[0] == 2
    restored.close()
    again = flask_cli(tmp_path / "cli-restored", "restore", str(newest))
    assert again.returncode == 1 and "is not empty" in again.stderr


def test_account_export_zips_are_not_backed_up_and_show_as_expired_after_a_restore(live, tmp_path):
    app, conn, user_id = live
    exports = Path(app.instance_path) / "exports"
    exports.mkdir()
    (exports / "abc.zip").write_bytes(b"zip")
    conn.execute("INSERT INTO account_exports (user_id, status, file_name, created_at, expires_at)"
                 " VALUES (?, 'done', 'abc.zip', 0, ?)", (user_id, time.time() + 86400))
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")]).exit_code == 0
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        assert not [name for name in tar.getnames() if "zip" in name]
    restored, runner = fresh(tmp_path)
    assert runner.invoke(args=["restore", str(tmp_path / "b.tar.gz")]).exit_code == 0
    db = connect(restored.config["DATABASE"])
    assert db.execute("SELECT status FROM account_exports").fetchone()[0] == "expired"
    db.close()
    assert "No problems found." in runner.invoke(args=["doctor"]).output
    restored.extensions["easel_worker"].stop()
