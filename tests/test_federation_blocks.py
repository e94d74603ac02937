"""Issue 10: blocking and muting an account on another server, from its card (`/u/name@host/block`).

A block ends the follows both ways here and tells their server: Undo of our Follow, Reject of theirs.
A Follow from an account the member blocks is answered with Reject, never stored."""

from __future__ import annotations

import pytest

from tests import federation_payloads as payloads
from tests.conftest import AuthActions
from tests.federation_helpers import accept_follow, drain, received, signed_post

ANA = "https://easel.test/u/ana"

# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def ana(app):
    actions = AuthActions(app.test_client())
    assert actions.signup("ana").status_code in (302, 303)
    return actions


def one(db, sql, *args):
    return db.execute(sql, args).fetchone()[0]


def _lookup(ana, remote, name="bob") -> tuple[int, str]:
    """Ana finds @bob@host (WebFinger, then the actor); returns bob's row id and his handle."""
    host = remote.base.split("//")[1]
    link = {"rel": "self", "type": "application/activity+json", "href": f"{remote.base}/users/{name}"}
    remote.serve(f"/.well-known/webfinger?resource=acct%3A{name}%40{host.replace(':', '%3A')}",
                 {"subject": f"acct:{name}@{host}", "links": [link]}, kind="application/jrd+json")
    found = ana.client.get(f"/federation/lookup?q=@{name}@{host}", headers={"Accept": "application/json"})
    assert found.status_code == 200, found.get_data(as_text=True)
    return found.get_json()["id"], f"{name}@{host}"


def _follow_both_ways(app, ana, remote, db):
    bob = remote.actor("bob")
    bob_id, handle = _lookup(ana, remote)
    follow = payloads.mastodon_follow(bob.uri, ANA)
    assert signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private).status_code == 202
    ana.post("/federation/follow", {"actor_id": str(bob_id)})
    accept_follow(ana.client, bob)
    assert one(db, "SELECT count(*) FROM follows") == 2
    drain(app)
    remote.received.clear()
    return bob, bob_id, handle, follow


def test_blocking_from_the_card_ends_both_follows_and_tells_their_server(app, ana, remote, db):
    bob, bob_id, handle, follow = _follow_both_ways(app, ana, remote, db)
    card = ana.client.get(f"/federation/card?q=@{handle}").get_data(as_text=True)
    assert f"/u/{handle}/block" in card and f"Mute @{handle}" in card

    answer = ana.post(f"/u/{handle}/block", htmx=True)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'class="remote-card"' in html and "Unblock" in html and "federation/follow" not in html
    assert one(db, "SELECT count(*) FROM blocks WHERE blocked_id = ?", bob_id) == 1
    assert one(db, "SELECT count(*) FROM follows") == 0

    drain(app)
    undo = received(remote, "Undo")
    assert len(undo) == 1 and undo[0]["actor"] == ANA
    assert undo[0]["object"]["type"] == "Follow" and undo[0]["object"]["object"] == bob.uri
    reject = received(remote, "Reject")
    assert len(reject) == 1 and reject[0]["object"]["actor"] == bob.uri and reject[0]["object"]["object"] == ANA

    # blocking again changes nothing and sends nothing more
    assert ana.post(f"/u/{handle}/block", json=True).get_json() == {"blocking": True, "username": handle}
    drain(app)
    assert len(received(remote, "Undo")) == 1 and len(received(remote, "Reject")) == 1


def test_a_follow_from_a_blocked_account_is_rejected_and_not_stored(app, ana, remote, db):
    bob = remote.actor("bob")
    _bob_id, handle = _lookup(ana, remote)
    assert ana.post(f"/u/{handle}/block", json=True).get_json() == {"blocking": True, "username": handle}
    drain(app)
    assert received(remote) == []  # no follows between them: nothing to end
    follow = payloads.mastodon_follow(bob.uri, ANA)
    assert signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private).status_code == 202
    assert one(db, "SELECT count(*) FROM follows") + one(db, "SELECT count(*) FROM follow_requests") == 0
    drain(app)
    reject = received(remote, "Reject")
    assert len(reject) == 1 and reject[0]["object"]["id"] == follow["id"]


def test_blocking_a_pending_request_rejects_it(app, ana, remote, db):
    ana.post("/settings/followers", {"locked": "on"})
    bob = remote.actor("bob")
    _bob_id, handle = _lookup(ana, remote)
    follow = payloads.mastodon_follow(bob.uri, ANA)
    signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private)
    assert one(db, "SELECT count(*) FROM follow_requests") == 1
    ana.post(f"/u/{handle}/block")
    assert one(db, "SELECT count(*) FROM follow_requests") == 0
    drain(app)
    reject = received(remote, "Reject")
    assert len(reject) == 1 and reject[0]["object"]["id"] == follow["id"]  # the very Follow they sent
    assert received(remote, "Undo") == []


def test_unblock_and_mute_from_the_card(app, ana, remote, db):
    remote.actor("bob")
    bob_id, handle = _lookup(ana, remote)
    ana.post(f"/u/{handle}/block")
    html = ana.post(f"/u/{handle}/unblock", htmx=True).get_data(as_text=True)
    assert "federation/follow" in html and f"Block @{handle}" in html
    assert one(db, "SELECT count(*) FROM blocks") == 0
    html = ana.post(f"/u/{handle}/mute", htmx=True).get_data(as_text=True)
    assert f"Unmute @{handle}" in html
    assert one(db, "SELECT count(*) FROM mutes WHERE muted_id = ?", bob_id) == 1
    assert ana.post(f"/u/{handle}/unmute", json=True).get_json() == {"muting": False, "username": handle}
    # a plain form (no htmx) goes back to the card's page
    plain = ana.post(f"/u/{handle}/mute")
    assert plain.status_code in (302, 303)
    drain(app)
    assert received(remote) == []  # muting is nobody else's business


def test_who_may_not(app, ana, remote, db):
    remote.actor("bob")
    _bob_id, handle = _lookup(ana, remote)
    visitor = app.test_client()
    response = visitor.post(f"/u/{handle}/block")
    assert response.status_code in (302, 303, 400)  # sign in first (or the CSRF check refuses)
    assert ana.post("/u/nobody@nowhere.example/block").status_code == 404
    assert one(db, "SELECT count(*) FROM blocks") == 0
