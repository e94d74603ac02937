"""Account exports: asking for one, the worker thread making the zip, what the zip holds (and that
it round-trips through the importer), progress, download rights, expiry and crash recovery."""

import csv
import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from imagegen import account_export
from models import account_exports
from models.db import connect
from tests.conftest import AuthActions, make_app, wait_for_status

JSON = {"Accept": "application/json"}


def share(auth, prompt, **fields):
    generation_id = auth.generate(prompt, **{k: v for k, v in fields.items() if k in ("count", "seed")})
    wait_for_status(auth.client, generation_id)
    extra = {k: v for k, v in fields.items() if k not in ("count", "seed")}
    response = auth.post(f"/generations/{generation_id}/share", {"caption": f"about {prompt}", **extra}, json=True)
    assert response.status_code == 201
    return response.get_json()["post_id"]


def member(app, name):
    actions = AuthActions(app.test_client())
    actions.signup(name)
    return actions


def wait_for_export(client, export_id, statuses=("done", "failed"), timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/settings/data/exports/{export_id}", headers=JSON).get_json()
        if body["status"] in statuses:
            return body
        assert time.monotonic() < deadline, f"export {export_id} stuck in {body['status']}"
        time.sleep(0.05)


def request_export(auth):
    response = auth.post("/settings/data/exports", json=True)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["id"]


def download(client, export_id) -> zipfile.ZipFile:
    response = client.get(f"/settings/data/exports/{export_id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.data
    response.close()  # send_file's open file
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture
def community(app, client, auth, worker):
    """ana (signed in on `client`) posts, replies, quotes, reposts, likes, bookmarks, follows two
    members, blocks one and mutes one, and keeps an unshared generation."""
    bob, cy, dan, eve = (member(app, name) for name in ("bob", "cy", "dan", "eve"))
    bob_post = share(bob, "a blue whale")
    auth.signup("ana")
    pair = share(auth, "two red foxes", count="2", seed="7")
    private = share(auth, "my secret recipe", show_prompt="0")
    unshared = auth.generate("never shared")
    wait_for_status(client, unshared)
    reply = auth.post(f"/p/{bob_post}/reply", {"text": "lovely whale"}, json=True).get_json()["post_id"]
    quote = auth.post(f"/p/{bob_post}/quote", {"text": "look at this"}, json=True).get_json()["post_id"]
    auth.post(f"/p/{bob_post}/repost")
    auth.post(f"/p/{bob_post}/like")
    auth.post(f"/p/{bob_post}/bookmark")
    for name in ("bob", "cy"):
        auth.post(f"/u/{name}/follow")
    auth.post("/u/dan/block")
    auth.post("/u/eve/mute")
    return {"bob_post": bob_post, "pair": pair, "private": private, "unshared": unshared, "reply": reply,
            "quote": quote, "bob": bob, "cy": cy, "dan": dan, "eve": eve}


def test_export_round_trip(app, client, auth, community, db):
    page = auth.post("/settings/data/exports")
    assert page.status_code == 303 and page.headers["Location"].endswith("/settings/data#export")
    export_id = db.execute("SELECT id FROM account_exports").fetchone()[0]
    status = wait_for_export(client, export_id)
    assert status["status"] == "done" and status["download_url"] == f"/settings/data/exports/{export_id}/download"
    archive = download(client, export_id)
    names = set(archive.namelist())
    assert {"README.txt", "posts.json", "generations.json", "following.csv", "blocks.csv", "mutes.csv",
            "likes.json", "bookmarks.json"} <= names

    # Every post, each with its fields, and every image it references, byte for byte.
    posts = json.loads(archive.read("posts.json"))
    ana_posts = [row[0] for row in db.execute(
        "SELECT id FROM posts WHERE user_id = (SELECT id FROM users WHERE username = 'ana') ORDER BY id")]
    assert [p["id"] for p in posts] == ana_posts and len(ana_posts) == 5
    by_id = {p["id"]: p for p in posts}
    pair = by_id[community["pair"]]
    assert pair["url"] == f"http://localhost/p/{community['pair']}"
    assert (pair["prompt"], pair["seed"], pair["size"], pair["caption"]) == ("two red foxes", 7, "512x512",
                                                                             "about two red foxes")
    assert pair["created_at"].endswith("Z") and pair["consent"] == {"training_allowed": False,
                                                                   "setting": "follows account"}
    assert len(pair["images"]) == 2
    assert by_id[community["private"]]["prompt"] == "my secret recipe"  # their own, though hidden from others
    assert by_id[community["private"]]["prompt_shown"] is False
    assert by_id[community["reply"]]["reply_to"] == community["bob_post"]
    assert by_id[community["quote"]]["quote_of_url"] == f"http://localhost/p/{community['bob_post']}"
    assert [p["repost_of"] for p in posts if p["repost_of"]] == [community["bob_post"]]
    media_dir = Path(app.config["MEDIA_DIR"])
    for post in posts:
        for image in post["images"]:
            assert archive.read(image["file"]) == (media_dir / Path(image["file"]).name).read_bytes()

    generations = json.loads(archive.read("generations.json"))
    assert [g["prompt"] for g in generations] == ["two red foxes", "my secret recipe", "never shared"]
    unshared = generations[2]
    assert unshared["status"] == "done" and unshared["post_id"] is None and len(unshared["images"]) == 1
    assert unshared["images"][0]["file"] in names

    with archive.open("following.csv") as fh:
        following = list(csv.reader(io.TextIOWrapper(fh, "utf-8")))
    assert following == [["Account address", "Show boosts", "Notify on new posts", "Languages"],
                         ["bob@localhost", "true", "false", ""], ["cy@localhost", "true", "false", ""]]
    assert list(csv.reader(io.StringIO(archive.read("blocks.csv").decode()))) == [["dan@localhost"]]
    assert list(csv.reader(io.StringIO(archive.read("mutes.csv").decode()))) == [
        ["Account address", "Hide notifications"], ["eve@localhost", "true"]]
    for file_name in ("likes.json", "bookmarks.json"):
        marked = json.loads(archive.read(file_name))
        assert [(m["post_id"], m["author"], m["url"]) for m in marked] == [
            (community["bob_post"], "bob@localhost", f"http://localhost/p/{community['bob_post']}")]
    readme = archive.read("README.txt").decode()
    for file_name in ("posts.json", "generations.json", "following.csv", "blocks.csv", "mutes.csv", "media/"):
        assert file_name in readme

    # Importing the exported following.csv into a fresh account restores the follows.
    fay = member(app, "fay")
    result = fay.post("/settings/data/import", {
        "kind": "following", "file": (io.BytesIO(archive.read("following.csv")), "following.csv")})
    assert result.status_code == 200
    followed = [row[0] for row in db.execute(
        """SELECT u.username FROM follows f JOIN users u ON u.id = f.followee_id
           WHERE f.follower_id = (SELECT id FROM users WHERE username = 'fay') ORDER BY u.username""")]
    assert followed == ["bob", "cy"]
    archive.close()


def test_public_url_names_the_host(tmp_path):
    app = make_app(tmp_path / "data", PUBLIC_URL="https://easel.example/")
    pool = app.extensions["easel_worker"]
    pool.start()
    try:
        bob, ana = member(app, "bob"), member(app, "ana")
        ana.post("/u/bob/follow")
        export_id = request_export(ana)
        wait_for_export(ana.client, export_id)
        archive = download(ana.client, export_id)
        assert archive.read("following.csv").decode().splitlines()[1] == "bob@easel.example,true,false,"
        archive.close()
    finally:
        pool.stop()
        assert bob


def test_progress_card_polls_until_done(app, client, auth, db):
    auth.signup("ana")
    export_id = request_export(auth)  # no worker running yet: it waits in the queue
    page = client.get("/settings/data").get_data(as_text=True)
    assert f'hx-get="/settings/data/exports/{export_id}"' in page and 'hx-trigger="every 2s"' in page
    assert "Your export is queued" in page and "Request an export" not in page
    card = client.get(f"/settings/data/exports/{export_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in card and "<html" not in card
    db.execute("UPDATE account_exports SET status = 'running', progress = 0.4")
    card = client.get(f"/settings/data/exports/{export_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'value="40"' in card and "Making your export" in card
    db.execute("UPDATE account_exports SET status = 'queued', progress = 0")
    pool = app.extensions["easel_worker"]
    pool.start()
    wait_for_export(client, export_id)
    card = client.get(f"/settings/data/exports/{export_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in card  # polling stops
    assert f'href="/settings/data/exports/{export_id}/download"' in card and "Your export is ready" in card
    assert "Request a new export" in client.get("/settings/data").get_data(as_text=True)


def test_one_export_at_a_time(client, auth, db):
    auth.signup("ana")
    request_export(auth)
    again = auth.post("/settings/data/exports")
    assert again.status_code == 409 and "already being made" in again.get_data(as_text=True)
    assert auth.post("/settings/data/exports", json=True).status_code == 409
    assert db.execute("SELECT count(*) FROM account_exports").fetchone()[0] == 1


def test_exports_per_day_are_limited(tmp_path):
    app = make_app(tmp_path / "data", EXPORTS_PER_DAY=2)
    ana = member(app, "ana")
    conn = connect(app.config["DATABASE"])
    try:
        for _ in range(2):
            request_export(ana)
            conn.execute("UPDATE account_exports SET status = 'failed'")
        refused = ana.post("/settings/data/exports")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 80000
        assert "2 exports a day" in refused.get_data(as_text=True)
        assert conn.execute("SELECT count(*) FROM account_exports").fetchone()[0] == 2
        conn.execute("UPDATE account_exports SET created_at = created_at - 86401")
        request_export(ana)
    finally:
        conn.close()


def test_only_the_owner_sees_or_downloads(app, client, auth, worker, db):
    auth.signup("ana")
    export_id = request_export(auth)
    wait_for_export(client, export_id)
    bob = member(app, "bob")
    assert bob.client.get(f"/settings/data/exports/{export_id}/download").status_code == 404
    assert bob.client.get(f"/settings/data/exports/{export_id}", headers=JSON).status_code == 404
    assert f"/settings/data/exports/{export_id}" not in bob.client.get("/settings/data").get_data(as_text=True)
    stranger = app.test_client()
    response = stranger.get(f"/settings/data/exports/{export_id}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert AuthActions(stranger).post("/settings/data/exports").status_code == 302
    assert db.execute("SELECT count(*) FROM account_exports").fetchone()[0] == 1
    assert client.get("/settings/data/exports/999/download").status_code == 404


def test_expired_exports_are_deleted(app, client, auth, worker, db):
    auth.signup("ana")
    export_id = request_export(auth)
    wait_for_export(client, export_id)
    row = account_exports.get(db, export_id)
    path = account_export.exports_dir(app.config) / row["file_name"]
    assert path.is_file()
    db.execute("UPDATE account_exports SET expires_at = ? WHERE id = ?", (time.time() - 1, export_id))
    assert client.get(f"/settings/data/exports/{export_id}/download").status_code == 404
    assert not path.exists()
    assert account_exports.get(db, export_id)["status"] == "expired"
    assert "has expired" in client.get("/settings/data").get_data(as_text=True)


def test_worker_loop_sweeps_expired_exports(app, db, auth):
    auth.signup("ana")
    folder = account_export.exports_dir(app.config)
    folder.mkdir()
    (folder / "old.zip").write_bytes(b"zip")
    db.execute(
        """INSERT INTO account_exports (user_id, status, progress, file_name, size_bytes, created_at, finished_at,
           expires_at) VALUES (1, 'done', 1, 'old.zip', 3, 1, 2, 3)"""
    )
    assert account_export.run_next(db, app.config, lambda: False) is False  # nothing queued
    assert not (folder / "old.zip").exists()
    assert db.execute("SELECT status FROM account_exports").fetchone()[0] == "expired"


def test_a_deleted_accounts_export_goes_at_once(app, client, auth, worker, db):
    auth.signup("ana")
    export_id = request_export(auth)
    wait_for_export(client, export_id)
    path = account_export.exports_dir(app.config) / account_exports.get(db, export_id)["file_name"]
    db.execute("UPDATE users SET status = 'deleted' WHERE username = 'ana'")
    assert account_exports.expire_due(db, account_export.exports_dir(app.config)) == 1
    assert not path.exists() and account_exports.get(db, export_id)["status"] == "expired"


def test_a_running_export_is_requeued_at_start_up(app, client, auth, db):
    auth.signup("ana")
    folder = account_export.exports_dir(app.config)
    folder.mkdir()
    (folder / "half.zip.part").write_bytes(b"PK")  # what a crash mid-write leaves behind
    db.execute("INSERT INTO account_exports (user_id, status, progress, started_at, created_at)"
               " VALUES (1, 'running', 0.6, 5, 4)")
    pool = app.extensions["easel_worker"]
    pool.start()
    try:
        body = wait_for_export(client, 1)
    finally:
        pool.stop()
    assert body["status"] == "done"
    archive = download(client, 1)
    assert "posts.json" in archive.namelist()
    archive.close()
    assert db.execute("SELECT count(*) FROM account_exports").fetchone()[0] == 1


def test_a_stopping_worker_gives_the_export_back(app, auth, db):
    auth.signup("ana")
    request_export(auth)
    assert account_export.run_next(db, app.config, lambda: True) is True
    row = account_exports.get(db, 1)
    assert (row["status"], row["progress"], row["started_at"]) == ("queued", 0, None)
    assert list(account_export.exports_dir(app.config).glob("*")) == []  # no .part left behind


def test_a_broken_export_fails_with_a_message(app, auth, db, monkeypatch):
    auth.signup("ana")
    request_export(auth)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(account_export, "build", broken)
    account_export.run_next(db, app.config, lambda: False)
    row = account_exports.get(db, 1)
    assert row["status"] == "failed" and "OSError" in row["error"]
    page = auth.client.get("/settings/data").get_data(as_text=True)
    assert "could not be made" in page and "Request a new export" in page
