"""`flask --app app dataset export OUT/` (consenting pictures only, imagefolder layout, verifiable manifest)
and /admin/data (consent figures and the history of exports, admins only)."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from imagegen.builtin import BuiltinBackend
from models import consent, demo, users
from models.db import connect
from tests.conftest import AuthActions, make_app

PASSWORD = "correct horse"


class Instance:
    """Three members and their picture posts, each post known by its seed."""

    def __init__(self, app):
        self.app = app
        self.db = connect(app.config["DATABASE"])
        self.ids = {name: users.create_user(self.db, name, PASSWORD)["id"] for name in ("ana", "bea", "cem")}
        media, info, version = demo.draw(BuiltinBackend(), "a lake", 1, "flat", app.config["MEDIA_DIR"])
        self.picture = {"media": media, "info": info, "version": version, "style": "flat"}
        self.posts: dict[int, int] = {}  # seed -> post id

    def post(self, author: str, seed: int, prompt: str = "a lake at dawn", show_prompt: bool = True,
             remix_of: int | None = None) -> int:
        picture = {**self.picture, "prompt": prompt, "seed": seed}
        self.posts[seed] = demo.picture_post(self.db, self.ids[author], picture, f"post {seed}", remix_of=remix_of,
                                             show_prompt=show_prompt)
        return self.posts[seed]

    def consent(self, author: str, yes: bool, named: bool = False) -> None:
        consent.set_member_consent(self.db, self.ids[author], consent=yes, attribution=named)

    def override(self, seed: int, choice: str) -> None:
        consent.set_post_consent(self.db, self.posts[seed], choice)

    def export(self, out: Path, *args: str):
        return self.app.test_cli_runner().invoke(args=["dataset", "export", str(out), *args])


@pytest.fixture
def inst(tmp_path):
    app = make_app(tmp_path / "data")
    instance = Instance(app)
    yield instance
    instance.db.close()
    app.extensions["easel_worker"].stop()


def metadata(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "train" / "metadata.jsonl").read_text().splitlines()]


def seeds(out: Path) -> set[int]:
    return {line["seed"] for line in metadata(out)}


def consented_seeds(db) -> set[int]:
    return {row["seed"] for row in consent.consented_posts(db)}


def test_consent_toggles_change_the_dataset_exactly(inst, tmp_path):
    for seed, author in ((11, "ana"), (12, "ana"), (21, "bea"), (31, "cem"), (32, "cem")):
        inst.post(author, seed)
    inst.consent("ana", True, named=True)
    inst.consent("bea", True)
    inst.override(12, "refuse")  # ana said yes, but not for this one
    inst.override(32, "allow")  # cem said no, but yes for this one
    result = inst.export(tmp_path / "first")
    assert result.exit_code == 0, result.output
    assert seeds(tmp_path / "first") == {11, 21, 32} == consented_seeds(inst.db)
    assert "Wrote 3 pictures from 3 posts by 3 members" in result.output

    inst.consent("bea", False)  # revoked: gone from every later export
    inst.override(12, "default")
    inst.override(32, "default")
    result = inst.export(tmp_path / "second")
    assert result.exit_code == 0, result.output
    assert seeds(tmp_path / "second") == {11, 12} == consented_seeds(inst.db)
    assert seeds(tmp_path / "first") == {11, 21, 32}  # an earlier export is not rewritten

    rows = inst.db.execute("SELECT items, members, out_path FROM dataset_exports ORDER BY id").fetchall()
    assert [tuple(row) for row in rows] == [(3, 3, str((tmp_path / "first").resolve())),
                                            (2, 1, str((tmp_path / "second").resolve()))]


def test_deleted_hidden_and_suspended_posts_stay_out(inst, tmp_path):
    for seed in (1, 2, 3):
        inst.post("ana", seed)
    inst.post("bea", 4)
    inst.consent("ana", True)
    inst.consent("bea", True)
    inst.db.execute("UPDATE posts SET deleted_at = 1 WHERE id = ?", (inst.posts[2],))
    inst.db.execute("UPDATE posts SET moderation = 'hidden' WHERE id = ?", (inst.posts[3],))
    inst.db.execute("UPDATE users SET status = 'suspended' WHERE username = 'bea'")
    assert inst.export(tmp_path / "out").exit_code == 0
    assert seeds(tmp_path / "out") == {1}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_hashes_verify_and_every_line_is_complete(inst, tmp_path):
    inst.post("ana", 1, prompt="a red sailboat at sunset")
    inst.post("ana", 2, remix_of=inst.posts[1])
    inst.post("bea", 3, prompt="my secret prompt", show_prompt=False)
    inst.post("cem", 4)
    inst.post("bea", 5, remix_of=inst.posts[4])  # a remix of a post that is not in the dataset
    inst.consent("ana", True, named=True)
    inst.consent("bea", True)
    out = tmp_path / "ds"
    result = inst.export(out)
    assert result.exit_code == 0, result.output

    manifest = json.loads((out / "manifest.json").read_text())
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == written
    for name, digest in manifest["files"].items():
        assert sha256(out / name) == digest, name
    [row] = inst.db.execute("SELECT * FROM dataset_exports").fetchall()
    assert row["manifest_sha256"] == sha256(out / "manifest.json")
    assert row["requested_by"].startswith("command line")
    assert manifest["counts"] == {"items": 4, "posts": 4, "members": 2, "attributed_members": 1, "missing_files": 0}
    assert manifest["instance"] == "Easel" and manifest["format"] == "imagefolder"
    from app import __version__

    assert manifest["software"] == {"name": "Easel", "version": __version__}
    assert abs(row["consent_snapshot_at"] - row["created_at"]) < 60
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["consent_snapshot_at"])

    lines = {line["seed"]: line for line in metadata(out)}
    assert set(lines) == {1, 2, 3, 5}
    first = lines[1]
    assert first == {
        "file_name": "000001.png", "prompt": "a red sailboat at sunset", "negative_prompt": "", "seed": 1,
        "size": "512x512", "width": 512, "height": 512, "style": "flat", "backend": "builtin", "model": None,
        "generator_version": "builtin-3", "likes": 0, "reposts": 0, "remixes": 1, "is_remix": False,
        "remix_of": None, "created_at": first["created_at"], "author": "ana",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["created_at"])
    assert (lines[2]["is_remix"], lines[2]["remix_of"]) == (True, "000001.png")
    assert (lines[5]["is_remix"], lines[5]["remix_of"]) == (True, None)
    assert lines[3]["author"] is None and lines[3]["prompt"] == "" and lines[5]["author"] is None
    assert all((out / "train" / line["file_name"]).is_file() for line in lines.values())
    # File names never carry a post id (an unattributed item must not link back to its author).
    assert sorted(line["file_name"] for line in lines.values()) == ["000001.png", "000002.png", "000003.png",
                                                                    "000004.png"]


def test_output_folder_must_be_empty_unless_forced(inst, tmp_path):
    inst.post("ana", 1)
    inst.consent("ana", True)
    out = tmp_path / "out"
    assert inst.export(out).exit_code == 0
    (out / "train" / "stale.png").write_bytes(b"old")
    (out / "NOTES.md").write_text("mine")
    result = inst.export(out)
    assert result.exit_code != 0 and "is not empty" in result.output and "--force" in result.output
    assert inst.db.execute("SELECT count(*) FROM dataset_exports").fetchone()[0] == 1
    result = inst.export(out, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "train" / "stale.png").exists() and (out / "NOTES.md").read_text() == "mine"
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {"train/000001.png", "train/metadata.jsonl"}
    (tmp_path / "a-file").write_text("x")
    assert "is a file" in inst.export(tmp_path / "a-file").output


def test_nobody_opted_in_gives_an_empty_dataset(inst, tmp_path):
    inst.post("ana", 1)
    result = inst.export(tmp_path / "out")
    assert result.exit_code == 0 and "No member has opted in" in result.output
    assert (tmp_path / "out" / "train" / "metadata.jsonl").read_text() == ""


def test_a_missing_picture_is_left_out_and_said(inst, tmp_path):
    inst.post("ana", 1)
    inst.consent("ana", True)
    (Path(inst.app.config["MEDIA_DIR"]) / inst.picture["media"]["name"]).unlink()
    result = inst.export(tmp_path / "out")
    assert result.exit_code == 0 and "is missing on disk; skipped" in result.output
    assert metadata(tmp_path / "out") == []
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["counts"]["missing_files"] == 1


# --- /admin/data ------------------------------------------------------------------------

@pytest.fixture
def admin_env(tmp_path):
    app = make_app(tmp_path / "web")
    admin = AuthActions(app.test_client())
    assert admin.signup("root", PASSWORD).status_code == 303  # the first account is the admin
    instance = Instance.__new__(Instance)
    instance.app, instance.db = app, connect(app.config["DATABASE"])
    instance.ids = {name: users.create_user(instance.db, name, PASSWORD)["id"] for name in ("ana", "bea", "cem")}
    media, info, version = demo.draw(BuiltinBackend(), "a lake", 1, "flat", app.config["MEDIA_DIR"])
    instance.picture, instance.posts = {"media": media, "info": info, "version": version, "style": "flat"}, {}
    yield instance, admin
    instance.db.close()
    app.extensions["easel_worker"].stop()


def test_admin_data_page_shows_consent_now_and_the_export_history(admin_env, tmp_path):
    inst, admin = admin_env
    page = admin.client.get("/admin/data").get_data(as_text=True)
    assert "No dataset has been exported yet." in page
    assert 'href="/admin/data" aria-current="page"' in page  # in the admin menu
    for seed, author in ((1, "ana"), (2, "ana"), (3, "bea"), (4, "cem")):
        inst.post(author, seed)
    inst.consent("ana", True, named=True)
    inst.consent("bea", True)
    inst.override(3, "refuse")
    assert inst.export(tmp_path / "set-one").exit_code == 0
    response = admin.client.get("/admin/data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'stat-number">2</span>\s*<span class="stat-label">posts may go into a dataset', page)
    assert re.search(r'stat-number">1</span>\s*<span class="stat-label">member contributes', page)
    assert re.search(r'stat-number">2</span>\s*<span class="stat-label">members opted in', page)
    assert "1 of them may be named" in page
    assert str((tmp_path / "set-one").resolve()) in page and "command line" in page
    assert "flask --app app dataset export" in page

    body = admin.client.get("/admin/data", headers={"Accept": "application/json"}).get_json()
    assert body["consented"] == {"posts": 2, "members": 1, "members_opted_in": 2, "members_attributed": 1}
    assert body["crawlers"] == {"block_ai_crawlers": True, "hide_from_search": False}
    [export] = body["exports"]
    assert export["items"] == 2 and export["created_at"].endswith("Z") and len(export["manifest_sha256"]) == 64

    dashboard = admin.client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/data"' in dashboard


def test_only_admins_may_open_admin_data(admin_env):
    inst, _admin = admin_env
    member = AuthActions(inst.app.test_client())
    assert member.login("ana", PASSWORD).status_code == 303
    assert member.client.get("/admin/data").status_code == 403
    inst.db.execute("UPDATE users SET role = 'moderator' WHERE username = 'ana'")
    assert member.client.get("/admin/data").status_code == 403
    assert 'href="/admin/data"' not in member.client.get("/admin").get_data(as_text=True)
    visitor = inst.app.test_client().get("/admin/data")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
