"""The worker thread with the real builtin backend: results, retries, failures, recovery, concurrency."""

import hashlib
import threading
import time
from pathlib import Path

from PIL import Image

from models import generations
from models.db import connect, now
from tests.conftest import AuthActions, make_app, wait_for_status
from tests.fakes import CrashingBackend, FailingBackend, SlowBackend, WrappedBuiltin


def test_worker_makes_png_and_thumbnail_content_addressed(app, client, auth, worker, db):
    auth.signup()
    generation_id = auth.generate("a lighthouse at sunset, two boats", seed="7", size="768x512", count="2")
    body = wait_for_status(client, generation_id)
    assert body["progress"] == 1 and body["error"] is None and len(body["images"]) == 2
    rows = db.execute("SELECT * FROM media WHERE generation_id = ? ORDER BY position", (generation_id,)).fetchall()
    assert [(r["position"], r["seed"]) for r in rows] == [(0, 7), (1, 8)]
    media_dir = Path(app.config["MEDIA_DIR"])
    for row in rows:
        original = (media_dir / row["name"]).read_bytes()
        assert row["name"] == hashlib.sha256(original).hexdigest() + ".png"
        with Image.open(media_dir / row["name"]) as image:
            assert image.format == "PNG" and image.size == (768, 512)
        with Image.open(media_dir / row["thumb_name"]) as thumb:
            assert thumb.format == "WEBP" and thumb.size == (640, 427)
        assert (row["thumb_width"], row["thumb_height"]) == (640, 427)
    assert rows[0]["name"] != rows[1]["name"]
    job = db.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    assert job["status"] == "done" and job["attempts"] == 1 and job["generator_version"]
    assert job["started_at"] <= job["finished_at"]


def test_same_inputs_same_file(client, auth, worker, db):
    auth.signup()
    first = auth.generate("blue night, many stars", seed="99", style="flat")
    second = auth.generate("blue night, many stars", seed="99", style="flat")
    wait_for_status(client, first)
    wait_for_status(client, second)
    names = [r[0] for r in db.execute("SELECT name FROM media ORDER BY generation_id")]
    assert names[0] == names[1]


def test_media_is_served_with_immutable_cache(client, auth, worker):
    auth.signup()
    body = wait_for_status(client, auth.generate("a cat"))
    response = client.get(body["images"][0])
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()
    assert client.get("/media/../easel.db").status_code == 404
    assert client.get("/media/secret_key").status_code == 404
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404


def test_progress_is_recorded_while_running(tmp_path):
    app = make_app(tmp_path / "d", BACKEND=SlowBackend(0.15))
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a volcano")
    app.extensions["easel_worker"].start()
    try:
        seen = set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            body = client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).get_json()
            seen.add((body["status"], body["progress"]))
            if body["status"] == "done":
                break
            time.sleep(0.05)
        running = sorted(p for s, p in seen if s == "running" and 0 < p < 1)
        assert len(running) >= 2, seen
        card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "hx-trigger" not in card  # the finished card stops polling
        assert "<img" in card and "Share to the feed" in card
    finally:
        app.extensions["easel_worker"].stop()


def test_failure_retries_with_backoff_then_succeeds(tmp_path):
    backend = FailingBackend(failures=2)
    app = make_app(tmp_path / "d", BACKEND=backend)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a windmill")
    app.extensions["easel_worker"].start()
    try:
        body = wait_for_status(client, generation_id)
    finally:
        app.extensions["easel_worker"].stop()
    assert body["error"] is None and backend.calls == 3
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT attempts FROM generations").fetchone()[0] == 3
    conn.close()


def test_failure_after_three_attempts_shows_reason_and_retry(tmp_path):
    backend = FailingBackend(failures=3)
    app = make_app(tmp_path / "d", BACKEND=backend)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a bridge")
    app.extensions["easel_worker"].start()
    try:
        body = wait_for_status(client, generation_id, ("failed",))
        assert body["error"] == "The GPU server is not answering." and backend.calls == 3
        card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "The GPU server is not answering." in card and "Try again" in card
        assert "hx-trigger" not in card
        response = auth.post(f"/generations/{generation_id}/retry", htmx=True)
        assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.get_data(as_text=True)
        body = wait_for_status(client, generation_id)
        assert len(body["images"]) == 1 and body["error"] is None
        assert auth.post(f"/generations/{generation_id}/retry", json=True).status_code == 409
    finally:
        app.extensions["easel_worker"].stop()


def test_internal_error_becomes_readable_message(tmp_path):
    app = make_app(tmp_path / "d", BACKEND=CrashingBackend(), MAX_ATTEMPTS=1)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a cat")
    app.extensions["easel_worker"].start()
    try:
        body = wait_for_status(client, generation_id, ("failed",))
    finally:
        app.extensions["easel_worker"].stop()
    assert body["error"] == "The generator hit an internal error (RuntimeError)."


def test_job_left_running_by_a_crash_completes_once_after_restart(tmp_path):
    data = tmp_path / "d"
    first = make_app(data)
    auth = AuthActions(first.test_client())
    auth.signup()
    generation_id = auth.generate("a temple in the rain")
    conn = connect(first.config["DATABASE"])
    job = generations.claim_next(conn)  # a worker took it... and the process died
    assert job["id"] == generation_id
    assert conn.execute("SELECT status FROM generations").fetchone()[0] == "running"

    backend = WrappedBuiltin()
    second = make_app(data, BACKEND=backend)
    second.extensions["easel_worker"].start()
    try:
        client = second.test_client()
        AuthActions(client).login()
        wait_for_status(client, generation_id)
    finally:
        second.extensions["easel_worker"].stop()
    assert backend.calls == 1
    assert conn.execute("SELECT count(*) FROM media WHERE generation_id = ?", (generation_id,)).fetchone()[0] == 1
    assert conn.execute("SELECT attempts FROM generations").fetchone()[0] == 2
    # The stale worker waking up later cannot store a second result.
    assert generations.complete(conn, job, [], {}, "x") is False
    conn.close()


def test_stopping_gives_the_job_back_untouched(tmp_path):
    app = make_app(tmp_path / "d", BACKEND=SlowBackend(0.3))
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a lake")
    pool = app.extensions["easel_worker"]
    pool.start()
    wait_for_status(client, generation_id, ("running",))
    pool.stop()
    conn = connect(app.config["DATABASE"])
    row = conn.execute("SELECT status, attempts, progress FROM generations").fetchone()
    conn.close()
    assert tuple(row) == ("queued", 0, 0)


def test_two_workers_run_each_job_exactly_once(tmp_path):
    backend = WrappedBuiltin()
    app = make_app(tmp_path / "d", BACKEND=backend, WORKERS=2, QUEUE_CAP=20)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    ids = [auth.generate(f"a kite number {n}", size="512x512") for n in range(8)]
    app.extensions["easel_worker"].start()
    try:
        for generation_id in ids:
            wait_for_status(client, generation_id)
    finally:
        app.extensions["easel_worker"].stop()
    assert backend.calls == 8
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM media").fetchone()[0] == 8
    assert conn.execute("SELECT sum(attempts) FROM generations").fetchone()[0] == 8
    conn.close()


def test_claim_is_atomic_across_threads(app, db):
    from models import users

    user = users.create_user(db, "ana", "correct horse")
    for n in range(20):
        generations.enqueue(db, user["id"], prompt=f"p{n}", negative_prompt="", seed=n, width=512, height=512,
                            style="flat", count=1, backend="builtin", queue_cap=100, per_hour=100)
    claimed, lock = [], threading.Lock()

    def grab():
        conn = connect(app.config["DATABASE"])
        while (job := generations.claim_next(conn)) is not None:
            with lock:
                claimed.append(job["id"])
        conn.close()

    threads = [threading.Thread(target=grab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == list(range(1, 21))


def test_backoff_delays_the_retry(app, db):
    from models import users

    user = users.create_user(db, "ana", "correct horse")
    generations.enqueue(db, user["id"], prompt="p", negative_prompt="", seed=1, width=512, height=512,
                        style="flat", count=1, backend="builtin", queue_cap=5, per_hour=30)
    job = generations.claim_next(db)
    assert generations.fail_attempt(db, job, "nope", max_attempts=3, backoff=60) == "queued"
    assert generations.claim_next(db) is None  # not runnable for a minute
    assert generations.next_run_after(db) > now() + 50
