"""Issue 10, step 9: two Easel instances on 127.0.0.1 federating end to end, over real HTTP.

Each instance is a create_app() on its own data folder, served by werkzeug in a thread on its own
port behind the gate (as `python app.py` serves), with PUBLIC_URL http://127.0.0.1:<port> and
private-address fetching allowed. Members act through each app's test client; everything between
the instances goes over HTTP, signed.
"""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug.serving import make_server

from gate import Gate
from models.db import connect
from tests.conftest import AuthActions, make_app, wait_for_status


class Instance:
    """An Easel served on 127.0.0.1:<port>; `restart()` makes a new app on the same folder and port."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.app = None
        # behind the gate, as `python app.py` serves (a fetch from the other instance opens it)
        self.server = make_server("127.0.0.1", 0, Gate(1).wrap(self._wsgi), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.host = self.url.split("//")[1]
        self._make_app()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _wsgi(self, environ, start_response):
        return self.app(environ, start_response)

    def _make_app(self):
        self.app = make_app(self.data_dir, PUBLIC_URL=self.url, ALLOW_PRIVATE_FEDERATION=True, DELIVERY_BACKOFF=0.2)
        self.client = self.app.test_client()
        self.auth = AuthActions(self.client)

    def start_threads(self):
        self.app.extensions["easel_worker"].start()
        self.app.extensions["easel_delivery"].start()

    def stop_threads(self):
        self.app.extensions["easel_delivery"].stop()
        self.app.extensions["easel_worker"].stop()

    def restart(self):
        """The process stops (threads and all) and starts again on the same data folder."""
        self.stop_threads()
        self._make_app()
        self.auth.login("ana" if self.data_dir.name == "a" else "bob")

    def db(self):
        return connect(self.app.config["DATABASE"])

    def close(self):
        self.stop_threads()
        self.server.shutdown()
        self.server.server_close()


def wait(predicate, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def scalar(instance, sql, *args):
    conn = instance.db()
    try:
        row = conn.execute(sql, args).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


@pytest.fixture
def pair(tmp_path):
    a, b = Instance(tmp_path / "a"), Instance(tmp_path / "b")
    yield a, b
    a.close()
    b.close()


def share(instance, prompt, caption, alt):
    generation = instance.auth.generate(prompt)
    wait_for_status(instance.client, generation)
    response = instance.auth.post(f"/generations/{generation}/share", {"caption": caption, "alt": alt}, json=True)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()["post_id"]


def test_two_instances_federate(pair):
    a, b = pair
    a.auth.signup("ana")
    b.auth.signup("bob")
    a.start_threads()
    b.start_threads()

    # bob, on B, finds ana on A from the search box and follows her
    card = b.client.get("/federation/card", query_string={"q": f"@ana@{a.host}"}).get_data(as_text=True)
    assert f"@ana@{a.host}" in card and 'name="actor_id"' in card
    ana_on_b = scalar(b, "SELECT id FROM users WHERE actor_uri = ?", f"{a.url}/u/ana")
    assert b.auth.post("/federation/follow", {"actor_id": str(ana_on_b)}, json=True).get_json()["requested"]
    wait(lambda: scalar(a, "SELECT count(*) FROM follows f JOIN users u ON u.id = f.follower_id"
                           " WHERE u.actor_uri = ?", f"{b.url}/u/bob") == 1, what="A to record bob's follow")
    wait(lambda: scalar(a, "SELECT count(*) FROM deliveries WHERE delivered_at IS NOT NULL") >= 1,
         what="A's Accept to be delivered")
    wait(lambda: scalar(b, "SELECT count(*) FROM follows") == 1, what="B to turn bob's request into a follow")

    # ana posts on A: it reaches bob's home on B with its image URL and alt text
    post_id = share(a, "a red kite over the dunes", "Windy day", "A red kite high above sand dunes")
    note_uri = f"{a.url}/p/{post_id}"
    wait(lambda: scalar(b, "SELECT count(*) FROM posts WHERE uri = ?", note_uri) == 1, what="the post on B")
    image_url = scalar(b, "SELECT m.remote_url FROM media m JOIN post_media pm ON pm.media_id = m.id"
                          " JOIN posts p ON p.id = pm.post_id WHERE p.uri = ?", note_uri)
    assert image_url.startswith(f"{a.url}/media/") and image_url.endswith(".png")
    home = b.client.get("/").get_data(as_text=True)
    assert f'src="{image_url}"' in home and 'alt="A red kite high above sand dunes"' in home
    assert "Windy day" in home and f"@ana@{a.host}" in home
    assert b.client.get(image_url.replace(a.url, "")).status_code == 404  # B never serves A's picture itself
    picture = a.client.get(image_url.replace(a.url, ""))
    assert picture.status_code == 200
    picture.close()

    # bob likes, reposts and replies on B: all three travel back to A
    remote_post = scalar(b, "SELECT id FROM posts WHERE uri = ?", note_uri)
    assert b.auth.post(f"/p/{remote_post}/like", json=True).get_json()["liked"] is True
    assert b.auth.post(f"/p/{remote_post}/repost", json=True).status_code == 200
    assert b.auth.post(f"/p/{remote_post}/reply", {"text": "Great kite, @ana!"}, json=True).status_code == 201
    wait(lambda: scalar(a, "SELECT like_count + repost_count + reply_count FROM posts WHERE id = ?", post_id) == 3,
         what="the like, repost and reply on A")
    thread = a.client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "Great kite" in thread and f"@bob@{b.host}" in thread
    assert scalar(a, "SELECT count(*) FROM notifications WHERE kind IN ('like', 'repost', 'reply')") == 3

    # ana deletes it on A: it goes from B
    assert a.auth.post(f"/p/{post_id}/delete", json=True).status_code == 200
    wait(lambda: scalar(b, "SELECT deleted_at IS NOT NULL FROM posts WHERE uri = ?", note_uri) == 1,
         what="the delete on B")
    assert "Windy day" not in b.client.get("/").get_data(as_text=True)

    # a restart in the middle of delivery loses nothing
    a.app.extensions["easel_delivery"].stop()
    second = share(a, "a lantern in the rain", "Night walk", "A paper lantern glowing in rain")
    second_uri = f"{a.url}/p/{second}"
    waiting = scalar(a, "SELECT count(*) FROM deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL")
    assert waiting >= 1
    time.sleep(0.3)
    assert scalar(b, "SELECT count(*) FROM posts WHERE uri = ?", second_uri) == 0  # still queued on A
    a.restart()
    a.start_threads()
    wait(lambda: scalar(b, "SELECT count(*) FROM posts WHERE uri = ?", second_uri) == 1, what="the queue to resume")
    wait(lambda: scalar(a, "SELECT count(*) FROM deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL")
         == 0, what="A's queue to empty")
    assert 'alt="A paper lantern glowing in rain"' in b.client.get("/").get_data(as_text=True)
    assert scalar(a, "SELECT count(*) FROM deliveries WHERE given_up_at IS NOT NULL") == 0
    assert scalar(b, "SELECT count(*) FROM deliveries WHERE given_up_at IS NOT NULL") == 0


def test_locked_member_approves_a_follow_from_another_instance(pair):
    a, b = pair
    a.auth.signup("ana")
    b.auth.signup("bob")
    assert a.auth.post("/settings/followers", {"locked": "on"}, json=True).get_json()["locked"] is True
    a.start_threads()
    b.start_threads()
    card = b.client.get("/federation/card", query_string={"q": f"@ana@{a.host}"}).get_data(as_text=True)
    assert 'href="#i-lock"' in card  # her actor says manuallyApprovesFollowers
    ana_on_b = scalar(b, "SELECT id FROM users WHERE actor_uri = ?", f"{a.url}/u/ana")
    assert b.auth.post("/federation/follow", {"actor_id": str(ana_on_b)}, json=True).get_json()["requested"]
    wait(lambda: scalar(a, "SELECT count(*) FROM follow_requests") == 1, what="A to hold bob's request")
    time.sleep(0.3)
    assert scalar(b, "SELECT count(*) FROM follows") == 0  # no Accept while ana has not decided
    request_id = scalar(a, "SELECT id FROM follow_requests")
    assert a.auth.post(f"/follow-requests/{request_id}/approve", json=True).get_json()["approved"] is True
    wait(lambda: scalar(b, "SELECT count(*) FROM follows") == 1, what="ana's Accept to reach B")
    assert scalar(b, "SELECT count(*) FROM follow_requests") == 0
    assert scalar(a, "SELECT count(*) FROM follows") == 1
