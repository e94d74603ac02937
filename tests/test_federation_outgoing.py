"""Issue 10, step 5: what our members' actions send: Accept, Create, Delete, Update, Like, Announce, Follow, Undo."""

from __future__ import annotations

import pytest

from models.db import connect
from tests.conftest import AuthActions, wait_for_status
from tests.federation_helpers import accept_follow, drain, fed_app, received, signed_post

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def ana(client):
    auth = AuthActions(client)
    auth.signup("ana")
    return auth


@pytest.fixture
def bob(remote, client, ana):
    """bob@remote follows ana."""
    bob = remote.actor("bob")
    follow = {"id": f"{bob.uri}#follow-1", "type": "Follow", "actor": bob.uri, "object": "https://easel.test/u/ana"}
    assert signed_post(client, "/u/ana/inbox", follow, bob.key_id, bob.private).status_code == 202
    return bob


def _share(app, client, ana, caption="Evening light", alt="A lighthouse on a cliff", **fields):
    app.extensions["easel_worker"].start()
    generation = ana.generate("a lighthouse at dusk")
    wait_for_status(client, generation)
    response = ana.post(f"/generations/{generation}/share", {"caption": caption, "alt": alt, **fields}, json=True)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()["post_id"]


def test_follow_is_accepted(app, remote, bob):
    drain(app)
    accept = received(remote, "Accept")[0]
    assert accept["actor"] == "https://easel.test/u/ana"
    assert accept["object"]["type"] == "Follow" and accept["object"]["actor"] == bob.uri
    assert remote.received[0][0] == "/users/bob/inbox"


def test_share_sends_create_to_followers(app, client, ana, remote, bob):
    post_id = _share(app, client, ana)
    drain(app)
    create = received(remote, "Create")[0]
    assert remote.received[-1][0] == "/inbox"  # bob's server's shared inbox
    note = create["object"]
    assert note["id"] == f"https://easel.test/p/{post_id}" and note["attributedTo"] == "https://easel.test/u/ana"
    assert PUBLIC in note["to"] and "https://easel.test/u/ana/followers" in note["cc"]
    assert "Evening light" in note["content"] and "a lighthouse at dusk" in note["content"]
    image = note["attachment"][0]
    assert image["name"] == "A lighthouse on a cliff" and image["mediaType"] == "image/png"
    assert image["width"] == 512 and image["height"] == 512
    assert note["easel:generation"]["prompt"] == "a lighthouse at dusk"
    assert any(isinstance(entry, dict) and "easel" in entry for entry in create["@context"])


def test_hidden_prompt_stays_home(app, client, ana, remote, bob):
    _share(app, client, ana, show_prompt="0")
    drain(app)
    note = received(remote, "Create")[0]["object"]
    assert "a lighthouse at dusk" not in note["content"] and "prompt" not in note["easel:generation"]


def test_delete_sends_delete(app, client, ana, remote, bob):
    post_id = _share(app, client, ana)
    assert ana.post(f"/p/{post_id}/delete", json=True).status_code == 200
    drain(app)
    delete = received(remote, "Delete")[0]
    assert delete["object"]["id"] == f"https://easel.test/p/{post_id}"


def test_profile_edit_sends_update(app, client, ana, remote, bob):
    ana.post("/settings", {"display_name": "Ana B", "bio": "Painter of lighthouses"})
    drain(app)
    update = received(remote, "Update")[0]
    assert update["object"]["type"] == "Person" and update["object"]["name"] == "Ana B"
    assert "lighthouses" in update["object"]["summary"]


def _bob_posts(client, bob, note_id="https://remote/notes/1"):
    note = {"id": note_id, "type": "Note", "attributedTo": bob.uri, "content": "<p>Hello from bob</p>",
            "to": [PUBLIC], "cc": [bob.uri + "/followers"]}
    create = {"id": note_id + "/activity", "type": "Create", "actor": bob.uri, "object": note}
    assert signed_post(client, "/inbox", create, bob.key_id, bob.private).status_code == 202
    return note_id


def _follow_bob(ana, remote, bob):
    response = ana.client.get(f"/federation/lookup?q=@bob@{remote.base.split('//')[1]}",
                              headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    conn_id = response.get_json()["id"]
    answer = ana.post("/federation/follow", {"actor_id": str(conn_id)}, json=True).get_json()
    assert answer["following"] is False and answer["requested"] is True  # until their server accepts
    accept_follow(ana.client, bob)
    return conn_id


def test_like_repost_reply_of_remote_post(app, client, ana, remote, bob):
    _follow_bob(ana, remote, bob)
    note_id = _bob_posts(client, bob, f"{remote.base}/notes/1")
    conn = connect(app.config["DATABASE"])
    post_id = conn.execute("SELECT id FROM posts WHERE uri = ?", (note_id,)).fetchone()[0]
    conn.close()
    assert ana.post(f"/p/{post_id}/like", json=True).get_json()["liked"] is True
    assert ana.post(f"/p/{post_id}/repost", json=True).status_code == 200
    assert ana.post(f"/p/{post_id}/reply", {"text": "Lovely, @bob"}, json=True).status_code == 201
    assert ana.post(f"/p/{post_id}/unlike", json=True).status_code == 200
    drain(app)
    assert received(remote, "Follow")[0]["object"] == bob.uri
    like = received(remote, "Like")[0]
    assert like["object"] == note_id and like["actor"] == "https://easel.test/u/ana"
    announce = received(remote, "Announce")[0]
    assert announce["object"] == note_id and PUBLIC in announce["to"]
    reply = [c for c in received(remote, "Create") if c["object"].get("inReplyTo")][0]
    assert reply["object"]["inReplyTo"] == note_id and bob.uri in reply["object"]["cc"]
    undo = received(remote, "Undo")[0]
    assert undo["object"]["type"] == "Like" and undo["object"]["id"] == like["id"]


def test_unfollow_sends_undo_follow(app, client, ana, remote, bob):
    actor_id = _follow_bob(ana, remote, bob)
    assert ana.post("/federation/unfollow", {"actor_id": str(actor_id)}, json=True).get_json()["following"] is False
    drain(app)
    undo = received(remote, "Undo")[0]
    assert undo["object"]["type"] == "Follow" and undo["object"]["object"] == bob.uri


def test_nothing_queued_when_federation_off(tmp_path, remote):
    app = fed_app(tmp_path / "off", ALLOW_PRIVATE_FEDERATION=True)
    client = app.test_client()
    ana = AuthActions(client)
    ana.signup("ana")
    bob = remote.actor("bob")
    follow = {"id": f"{bob.uri}#f", "type": "Follow", "actor": bob.uri, "object": "https://easel.test/u/ana"}
    signed_post(client, "/u/ana/inbox", follow, bob.key_id, bob.private)
    conn = connect(app.config["DATABASE"])
    conn.execute("DELETE FROM deliveries")
    conn.execute("INSERT INTO instance_settings (key, value, updated_at) VALUES ('federation_enabled', '0', 0)")
    try:
        _share(app, client, ana)
        assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    finally:
        conn.close()
        app.extensions["easel_worker"].stop()


def test_held_post_goes_out_when_approved(app, client, ana, remote, bob):
    from models import prompt_rules

    conn = connect(app.config["DATABASE"])
    admin_row = conn.execute("SELECT * FROM users WHERE username = 'ana'").fetchone()
    prompt_rules.add(conn, admin_row, "lighthouse", False, "hold")
    post_id = _share(app, client, ana)
    assert conn.execute("SELECT moderation FROM posts WHERE id = ?", (post_id,)).fetchone()[0] == "held"
    conn.close()
    drain(app)
    assert received(remote, "Create") == []  # never while held
    assert ana.post(f"/admin/posts/{post_id}/approve", json=True).status_code == 200
    drain(app)
    assert received(remote, "Create")[0]["object"]["id"] == f"https://easel.test/p/{post_id}"


def test_account_deletion_sends_delete_actor(app, client, ana, remote, bob):
    AuthActions(client).logout()
    other = AuthActions(client)
    other.signup("cy")  # ana is the only admin; cy leaves
    cy_follow = {"id": f"{bob.uri}#follow-cy", "type": "Follow", "actor": bob.uri, "object": "https://easel.test/u/cy"}
    signed_post(client, "/u/cy/inbox", cy_follow, bob.key_id, bob.private)
    drain(app)
    assert other.post("/settings/delete", {"password": "correct horse"}, json=True).status_code == 200
    drain(app)
    delete = received(remote, "Delete")[0]
    assert delete["actor"] == delete["object"] == "https://easel.test/u/cy"


def test_account_deletion_reaches_a_server_whose_follow_request_waits(app, client, ana, remote, bob):
    """cy approves followers; bob's request is still waiting when cy leaves: his server hears of it."""
    AuthActions(client).logout()
    cy = AuthActions(client)
    cy.signup("cy")
    cy.post("/settings/followers", {"locked": "on"})
    follow = {"id": f"{bob.uri}#follow-cy", "type": "Follow", "actor": bob.uri, "object": "https://easel.test/u/cy"}
    signed_post(client, "/u/cy/inbox", follow, bob.key_id, bob.private)
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM follow_requests").fetchone()[0] == 1
    conn.close()
    drain(app)
    remote.received.clear()
    assert cy.post("/settings/delete", {"password": "correct horse"}, json=True).status_code == 200
    drain(app)
    deletes = received(remote, "Delete")
    assert len(deletes) == 1 and deletes[0]["object"] == "https://easel.test/u/cy"


def test_a_moderator_hiding_a_post_withdraws_it_and_unhiding_sends_it_again(app, client, ana, remote, bob):
    """ana is the admin (first member): she hides her own post as a moderator would anyone's."""
    post_id = _share(app, client, ana)
    drain(app)
    assert ana.post(f"/admin/posts/{post_id}/hide", {"reason": "spam"}, json=True).status_code == 200
    drain(app)
    deletes = received(remote, "Delete")
    assert [d["object"]["id"] for d in deletes] == [f"https://easel.test/p/{post_id}"]
    assert deletes[0]["actor"] == "https://easel.test/u/ana"
    assert ana.post(f"/admin/posts/{post_id}/unhide", {"reason": "fine after all"}, json=True).status_code == 200
    drain(app)
    assert [c["object"]["id"] for c in received(remote, "Create")] == [f"https://easel.test/p/{post_id}"] * 2


def test_hiding_through_a_report_withdraws_the_post(app, client, ana, remote, bob):
    post_id = _share(app, client, ana)
    cici = AuthActions(app.test_client())
    cici.signup("cici")
    assert cici.post(f"/p/{post_id}/report", {"reason": "spam"}, json=True).status_code in (200, 201)
    conn = connect(app.config["DATABASE"])
    report_id = conn.execute("SELECT id FROM reports WHERE post_id = ?", (post_id,)).fetchone()[0]
    conn.close()
    drain(app)
    assert received(remote, "Delete") == []
    assert ana.post(f"/admin/reports/{report_id}/hide", {"reason": "spam"}, json=True).status_code == 200
    drain(app)
    assert [d["object"]["id"] for d in received(remote, "Delete")] == [f"https://easel.test/p/{post_id}"]
