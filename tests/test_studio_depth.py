"""The studio's depth: variations, history filters, cancel, delete, reproduce, the fair queue."""

import time
from pathlib import Path

from models import generations
from models.db import connect
from tests.conftest import AuthActions, make_app, wait_for_status
from tests.fakes import SlowBackend, WrappedBuiltin


def test_variations_share_a_chosen_subset_each_with_alt(client, auth, worker, db):
    auth.signup()
    generation_id = auth.generate("three kites over a field", count="4", seed="100")
    body = wait_for_status(client, generation_id)
    assert len(body["images"]) == 4 and len(set(body["images"])) == 4
    card = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert card.count('name="images"') == 4 and 'name="alt_3"' in card
    response = auth.post(
        f"/generations/{generation_id}/share",
        {
            "caption": "two of four",
            "images": ["1", "3"],
            "alt_1": "kites, second try",
            "alt_3": "kites, last try",
        },
        json=True,
    )
    post_id = response.get_json()["post_id"]
    rows = db.execute(
        """SELECT pm.position, pm.alt, m.seed FROM post_media pm JOIN media m ON m.id = pm.media_id
           WHERE pm.post_id = ? ORDER BY pm.position""",
        (post_id,),
    ).fetchall()
    assert [tuple(r) for r in rows] == [(0, "kites, second try", 101), (1, "kites, last try", 103)]
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    assert 'alt="kites, second try"' in page and 'alt="kites, last try"' in page


def test_share_needs_a_valid_image_choice(client, auth, worker, db):
    auth.signup()
    generation_id = auth.generate("a kite", count="2")
    wait_for_status(client, generation_id)
    for choice in (["5"], ["0", "0"], ["x"]):
        response = auth.post(f"/generations/{generation_id}/share", {"images": choice}, json=True)
        assert response.status_code == 422 and "at least one" in response.get_json()["errors"]["images"]
    assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_history_filters(client, auth, worker, db):
    auth.signup()
    done = auth.generate("a finished one")
    wait_for_status(client, done)
    shared = auth.generate("a shared one")
    wait_for_status(client, shared)
    auth.post(f"/generations/{shared}/share", {"caption": "x"})
    failed = auth.generate("a failed one")
    wait_for_status(client, failed)
    db.execute("UPDATE generations SET status = 'failed', error = 'nope' WHERE id = ?", (failed,))
    pages = {
        show: client.get(f"/studio?show={show}").get_data(as_text=True) for show in ("all", "done", "failed", "shared")
    }
    assert all(p in pages["all"] for p in ("a finished one", "a shared one", "a failed one"))
    assert "a finished one" in pages["done"] and "a failed one" not in pages["done"]
    assert "a failed one" in pages["failed"] and "a finished one" not in pages["failed"]
    assert "a shared one" in pages["shared"] and "a finished one" not in pages["shared"]
    assert client.get("/studio?show=bogus").status_code == 200


def test_cancel_a_running_job_stops_at_the_next_step(tmp_path):
    backend = SlowBackend(0.25)
    app = make_app(tmp_path / "d", BACKEND=backend)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    generation_id = auth.generate("a slow volcano")
    pool = app.extensions["easel_worker"]
    pool.start()
    try:
        wait_for_status(client, generation_id, ("running",))
        response = auth.post(f"/generations/{generation_id}/cancel", htmx=True)
        assert response.status_code == 200 and "Cancelled." in response.get_data(as_text=True)
        time.sleep(1.0)  # the worker notices at its next progress step and drops the job
        body = client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).get_json()
        assert body["status"] == "cancelled" and body["images"] == []
        assert auth.post(f"/generations/{generation_id}/cancel", json=True).status_code == 409
        # the worker is free for the next job
        assert wait_for_status(client, auth.generate("next one"))["status"] == "done"
    finally:
        pool.stop()
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM media WHERE generation_id = ?", (generation_id,)).fetchone()[0] == 0
    conn.close()


def test_cancel_a_queued_job(client, auth, db):
    auth.signup()
    generation_id = auth.generate("waiting")
    assert auth.post(f"/generations/{generation_id}/cancel", json=True).get_json()["status"] == "cancelled"
    assert generations.claim_next(db) is None


def test_delete_removes_files_unless_shared(app, client, auth, worker, db):
    auth.signup()
    media_dir = Path(app.config["MEDIA_DIR"])
    lonely = auth.generate("a lonely picture", seed="5")
    wait_for_status(client, lonely)
    names = [
        n for row in db.execute("SELECT name, thumb_name FROM media WHERE generation_id = ?", (lonely,)) for n in row
    ]
    assert all((media_dir / n).exists() for n in names)
    shared = auth.generate("a shared picture", seed="6")
    wait_for_status(client, shared)
    post_id = auth.post(f"/generations/{shared}/share", {"caption": "kept"}, json=True).get_json()["post_id"]
    assert auth.post(f"/generations/{lonely}/delete", htmx=True).get_data(as_text=True) == ""
    assert not any((media_dir / n).exists() for n in names)
    assert client.get(f"/generations/{lonely}").status_code == 404
    assert auth.post(f"/generations/{shared}/delete", json=True).status_code == 200
    assert "a shared picture" not in client.get("/studio").get_data(as_text=True)
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    image = page.split('src="/media/')[1].split('"')[0]
    response = client.get("/media/" + image)
    assert response.status_code == 200
    response.close()


def test_delete_while_waiting_is_409(client, auth):
    auth.signup()
    generation_id = auth.generate("queued")
    assert auth.post(f"/generations/{generation_id}/delete", json=True).status_code == 409


def test_reproduce_is_byte_identical_with_the_builtin(client, auth, worker, db):
    auth.signup("ana")
    generation_id = auth.generate("a lighthouse in the rain", seed="42", count="2", style="watercolour")
    wait_for_status(client, generation_id)
    post_id = auth.post(f"/generations/{generation_id}/share", {"caption": "rainy"}, json=True).get_json()["post_id"]
    auth.logout()
    auth.signup("budi")
    response = auth.post(f"/p/{post_id}/reproduce", json=True)
    assert response.status_code == 201
    again = wait_for_status(client, response.get_json()["id"])
    assert again["identical"] is True and again["reproduce_of"] == post_id
    card = client.get(f"/generations/{again['id']}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Byte-identical to the original post." in card


def test_reproduce_of_a_hidden_prompt_is_refused_for_others(client, auth, worker, db):
    auth.signup("ana")
    generation_id = auth.generate("secret prompt")
    wait_for_status(client, generation_id)
    post_id = auth.post(f"/generations/{generation_id}/share", {"show_prompt": "0"}, json=True).get_json()["post_id"]
    auth.logout()
    auth.signup("budi")
    assert auth.post(f"/p/{post_id}/reproduce", json=True).status_code == 403
    assert db.execute("SELECT count(*) FROM generations").fetchone()[0] == 1


def test_fair_queue_round_robin(tmp_path):
    """Member A queues 10, member B queues 1: B's finishes before A's 3rd."""
    backend = WrappedBuiltin()
    app = make_app(tmp_path / "d", BACKEND=backend, QUEUE_CAP=20)
    client_a, client_b = app.test_client(), app.test_client()
    a, b = AuthActions(client_a), AuthActions(client_b)
    a.signup("ana")
    b.signup("budi")
    a_ids = [a.generate(f"a job {n}") for n in range(10)]
    b_id = b.generate("b job")
    assert (
        client_b.get(f"/generations/{b_id}", headers={"Accept": "application/json"}).get_json()["queue_position"] == 2
    )
    app.extensions["easel_worker"].start()
    try:
        for generation_id in a_ids:
            wait_for_status(client_a, generation_id)
        wait_for_status(client_b, b_id)
    finally:
        app.extensions["easel_worker"].stop()
    conn = connect(app.config["DATABASE"])
    order = [row[0] for row in conn.execute("SELECT id FROM generations ORDER BY started_at")]
    conn.close()
    assert order.index(b_id) < order.index(a_ids[2])


def test_waiting_card_shows_an_estimate_from_recent_durations(client, auth, worker, db):
    auth.signup()
    wait_for_status(client, auth.generate("first"))
    position = 3
    assert generations.estimate_seconds(db, position, 1) >= 1
