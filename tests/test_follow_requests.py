"""Issue 10: locked accounts. A member who approves new followers gets follow requests; remote ones are
answered with Accept or Reject(Follow) through the delivery queue; our own remote follows wait for Accept."""

from __future__ import annotations

import pytest

from tests import federation_payloads as payloads
from tests.conftest import AuthActions
from tests.federation_helpers import AP, accept_follow, drain, received, signed_post

ANA = "https://easel.test/u/ana"


# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


def member(app, name: str) -> AuthActions:
    actions = AuthActions(app.test_client())
    assert actions.signup(name).status_code in (302, 303)
    return actions


@pytest.fixture
def ana(app):
    """ana approves new followers."""
    ana = member(app, "ana")
    assert ana.post("/settings/followers", {"locked": "on"}, json=True).get_json() == {"locked": True, "approved": 0}
    return ana


@pytest.fixture
def bob(app):
    return member(app, "bob")


def one(db, sql, *args):
    return db.execute(sql, args).fetchone()[0]


def request_id(db, requester: str) -> int:
    return one(db, "SELECT r.id FROM follow_requests r JOIN users u ON u.id = r.requester_id WHERE u.username = ?",
               requester)


def test_follow_a_locked_member_makes_a_request(ana, bob, db):
    for _ in range(2):  # a double click asks once
        answer = bob.post("/u/ana/follow", json=True)
        assert answer.status_code == 200
        assert answer.get_json() == {"following": False, "requested": True, "username": "ana"}
    assert one(db, "SELECT count(*) FROM follow_requests") == 1
    assert one(db, "SELECT count(*) FROM follows") == 0
    assert one(db, "SELECT count(*) FROM notifications WHERE kind = 'follow_request'") == 1
    button = bob.post("/u/ana/follow", htmx=True).get_data(as_text=True)
    assert "Requested" in button and "/u/ana/unfollow" in button
    profile = bob.client.get("/u/ana").get_data(as_text=True)
    assert "Requested" in profile and 'id="i-lock"' in profile and "Approves new followers" in profile
    notes = ana.client.get("/notifications").get_data(as_text=True)
    assert "asked to follow you" in notes and 'href="/follow-requests"' in notes


def test_cancel_a_request(ana, bob, db):
    bob.post("/u/ana/follow")
    button = bob.post("/u/ana/unfollow", htmx=True)
    assert button.status_code == 200 and ">\n    Follow\n" in button.get_data(as_text=True)
    assert bob.post("/u/ana/unfollow", json=True).get_json() == {"following": False, "username": "ana"}
    assert one(db, "SELECT count(*) FROM follow_requests") == 0
    assert one(db, "SELECT count(*) FROM notifications") == 0  # its notification went with it


def test_approve_and_reject(app, ana, bob, db):
    carl = member(app, "carl")
    bob.post("/u/ana/follow")
    carl.post("/u/ana/follow")
    page = ana.client.get("/follow-requests").get_data(as_text=True)
    assert "@bob" in page and "@carl" in page and "Approve" in page and 'name="csrf_token"' in page
    listed = ana.client.get("/follow-requests", headers={"Accept": "application/json"}).get_json()
    assert [r["username"] for r in listed["requests"]] == ["carl", "bob"] and listed["locked"] is True

    approved = ana.post(f"/follow-requests/{request_id(db, 'bob')}/approve", htmx=True)
    assert approved.status_code == 200 and "@bob follows you now." in approved.get_data(as_text=True)
    assert one(db, "SELECT count(*) FROM follows") == 1
    assert one(db, "SELECT kind FROM notifications WHERE actor_id = (SELECT id FROM users WHERE username = 'bob')") \
        == "follow"  # the request's notice gives way to the follow's
    assert bob.post("/u/ana/follow", json=True).get_json() == {"following": True, "username": "ana"}

    carl_request = request_id(db, "carl")
    rejected = ana.post(f"/follow-requests/{carl_request}/reject", json=True)
    assert rejected.get_json() == {"id": carl_request, "approved": False, "username": "carl", "domain": None}
    assert one(db, "SELECT count(*) FROM follow_requests") == 0 and one(db, "SELECT count(*) FROM follows") == 1
    assert ana.post(f"/follow-requests/{carl_request}/reject").status_code == 404  # already decided
    assert "Nobody is waiting" in ana.client.get("/follow-requests").get_data(as_text=True)


def test_plain_form_redirects_back_to_the_list(ana, bob, db):
    bob.post("/u/ana/follow")
    response = ana.post(f"/follow-requests/{request_id(db, 'bob')}/approve")
    assert response.status_code == 303 and response.headers["Location"].endswith("/follow-requests")


def test_who_may_not(app, ana, bob, db):
    bob.post("/u/ana/follow")
    rid = request_id(db, "bob")
    # another member cannot decide ana's requests (nor see them)
    assert bob.post(f"/follow-requests/{rid}/approve").status_code == 404
    assert bob.post(f"/follow-requests/{rid}/reject").status_code == 404
    assert bob.client.get("/follow-requests", headers={"Accept": "application/json"}).get_json()["requests"] == []
    # no CSRF token
    assert ana.client.post(f"/follow-requests/{rid}/approve").status_code == 400
    assert ana.client.post("/settings/followers", data={}).status_code == 400
    # signed out
    visitor = app.test_client()
    token = AuthActions(visitor).token()
    assert visitor.get("/follow-requests").status_code == 302
    assert visitor.post(f"/follow-requests/{rid}/approve", data={"csrf_token": token},
                        headers={"Accept": "application/json"}).status_code == 401
    assert visitor.post("/settings/followers", data={"csrf_token": token}).status_code == 302
    assert one(db, "SELECT count(*) FROM follow_requests") == 1 and one(db, "SELECT count(*) FROM follows") == 0
    assert one(db, "SELECT locked FROM users WHERE username = 'ana'") == 1


def test_unlocking_approves_everyone_waiting(app, ana, bob, db):
    bob.post("/u/ana/follow")
    member(app, "carl").post("/u/ana/follow")
    settings = ana.client.get("/settings").get_data(as_text=True)
    assert "Approve new followers" in settings and 'name="locked" value="on" aria-describedby="h-locked" checked' \
        in settings and "Review follow requests" in settings
    panel = ana.post("/settings/followers", {}, htmx=True)
    assert panel.status_code == 200 and "Saved." in panel.get_data(as_text=True)
    assert one(db, "SELECT count(*) FROM follows") == 2 and one(db, "SELECT count(*) FROM follow_requests") == 0
    assert one(db, "SELECT locked FROM users WHERE username = 'ana'") == 0
    assert member(app, "dan").post("/u/ana/follow", json=True).get_json()["following"] is True
    assert ana.post("/settings/followers", {"locked": "on"}).status_code == 303


def test_blocking_ends_a_request(ana, bob, db):
    bob.post("/u/ana/follow")
    ana.post("/u/bob/block")
    assert one(db, "SELECT count(*) FROM follow_requests") == 0
    assert bob.post("/u/ana/follow").status_code == 403


# --- federation ---------------------------------------------------------------------------------

def test_actor_document_says_whether_followers_are_approved(app, ana, bob):
    doc = ana.client.get("/u/ana", headers={"Accept": AP}).get_json()
    assert doc["manuallyApprovesFollowers"] is True
    assert bob.client.get("/u/bob", headers={"Accept": AP}).get_json()["manuallyApprovesFollowers"] is False


def test_remote_follow_held_then_accepted(app, ana, db, remote):
    bob = remote.actor("bob")
    follow = payloads.mastodon_follow(bob.uri, ANA)
    assert signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private).status_code == 202
    assert one(db, "SELECT activity_id FROM follow_requests") == follow["id"]
    assert one(db, "SELECT count(*) FROM follows") == 0
    drain(app)
    assert received(remote, "Accept") == []  # nothing goes back until ana decides
    page = ana.client.get("/follow-requests").get_data(as_text=True)
    assert f"@bob@{remote.base.split('//')[1]}" in page
    assert ana.post(f"/follow-requests/{one(db, 'SELECT id FROM follow_requests')}/approve").status_code == 303
    assert one(db, "SELECT count(*) FROM follows") == 1
    drain(app)
    accept = received(remote, "Accept")[0]
    assert accept["actor"] == ANA and accept["object"]["id"] == follow["id"]
    assert accept["object"]["actor"] == bob.uri and accept["object"]["object"] == ANA


def test_remote_follow_rejected(app, ana, db, remote):
    bob = remote.actor("bob")
    follow = payloads.mastodon_follow(bob.uri, ANA)
    signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private)
    ana.post(f"/follow-requests/{one(db, 'SELECT id FROM follow_requests')}/reject")
    drain(app)
    reject = received(remote, "Reject")[0]
    assert reject["object"]["id"] == follow["id"] and received(remote, "Accept") == []
    assert one(db, "SELECT count(*) FROM follows") + one(db, "SELECT count(*) FROM follow_requests") == 0


def test_remote_undo_withdraws_a_pending_request(app, ana, db, remote):
    bob = remote.actor("bob")
    follow = payloads.mastodon_follow(bob.uri, ANA)
    signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private)
    assert one(db, "SELECT count(*) FROM notifications WHERE kind = 'follow_request'") == 1
    signed_post(ana.client, "/inbox", payloads.mastodon_undo(bob.uri, follow), bob.key_id, bob.private)
    assert one(db, "SELECT count(*) FROM follow_requests") == 0
    assert one(db, "SELECT count(*) FROM notifications") == 0


def test_unlocking_accepts_remote_requests(app, ana, db, remote):
    bob = remote.actor("bob")
    follow = payloads.mastodon_follow(bob.uri, ANA)
    signed_post(ana.client, "/u/ana/inbox", follow, bob.key_id, bob.private)
    drain(app)
    ana.post("/settings/followers", {})
    drain(app)
    assert received(remote, "Accept")[0]["object"]["id"] == follow["id"]
    updates = [u for u in received(remote, "Update") if u["object"].get("type") == "Person"]
    assert updates and updates[-1]["object"]["manuallyApprovesFollowers"] is False  # followers hear of the change


def _lookup(ana, remote, name="bob"):
    host = remote.base.split("//")[1]
    link = {"rel": "self", "type": "application/activity+json", "href": f"{remote.base}/users/{name}"}
    remote.serve(f"/.well-known/webfinger?resource=acct%3A{name}%40{host.replace(':', '%3A')}",
                 {"subject": f"acct:{name}@{host}", "links": [link]}, kind="application/jrd+json")
    return ana.client.get(f"/federation/lookup?q=@{name}@{host}", headers={"Accept": "application/json"}).get_json()


def test_our_remote_follow_waits_for_accept(app, db, remote):
    ana = member(app, "ana")
    bob = remote.actor("bob")
    actor_id = _lookup(ana, remote)["id"]
    answer = ana.post("/federation/follow", {"actor_id": str(actor_id)}, json=True).get_json()
    assert (answer["following"], answer["requested"]) == (False, True)
    assert ana.post("/federation/follow", {"actor_id": str(actor_id)}, json=True).get_json()["requested"]
    drain(app)
    assert len(received(remote, "Follow")) == 1  # asked once
    card = ana.client.get(f"/federation/lookup?q=@bob@{remote.base.split('//')[1]}").get_data(as_text=True)
    assert "Requested" in card
    accept_follow(ana.client, bob)
    assert one(db, "SELECT count(*) FROM follows") == 1 and one(db, "SELECT count(*) FROM follow_requests") == 0
    assert ana.post("/federation/follow", {"actor_id": str(actor_id)}, json=True).get_json()["following"] is True


def test_our_remote_follow_rejected_or_cancelled(app, db, remote):
    ana = member(app, "ana")
    bob = remote.actor("bob")
    actor_id = _lookup(ana, remote)["id"]
    ana.post("/federation/follow", {"actor_id": str(actor_id)})
    accept_follow(ana.client, bob, kind="Reject")
    assert one(db, "SELECT count(*) FROM follows") + one(db, "SELECT count(*) FROM follow_requests") == 0
    assert ana.post("/federation/follow", {"actor_id": str(actor_id)}, json=True).get_json()["requested"] is True
    button = ana.post("/federation/unfollow", {"actor_id": str(actor_id)}, htmx=True).get_data(as_text=True)
    assert "Requested" not in button and "Follow" in button
    assert one(db, "SELECT count(*) FROM follow_requests") == 0
    drain(app)
    undo = received(remote, "Undo")[0]
    assert undo["object"]["type"] == "Follow" and undo["object"]["object"] == bob.uri


def test_accept_naming_only_the_follow_id(app, db, remote):
    """Some servers answer with the Follow's id alone."""
    ana = member(app, "ana")
    bob = remote.actor("bob")
    actor_id = _lookup(ana, remote)["id"]
    ana.post("/federation/follow", {"actor_id": str(actor_id)})
    follow_id = one(db, "SELECT activity_id FROM follow_requests")
    eve = remote.actor("eve")  # someone else cannot accept it for bob
    forged = {"id": f"{eve.uri}#a", "type": "Accept", "actor": eve.uri, "object": follow_id}
    signed_post(ana.client, "/inbox", forged, eve.key_id, eve.private)
    assert one(db, "SELECT count(*) FROM follows") == 0
    accept = {"id": f"{bob.uri}#a", "type": "Accept", "actor": bob.uri, "object": follow_id}
    assert signed_post(ana.client, "/inbox", accept, bob.key_id, bob.private).status_code == 202
    assert one(db, "SELECT count(*) FROM follows") == 1


def test_import_of_a_following_list_asks_locked_members(app, ana, bob, db):
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    member(app, "carl")
    form = {"csrf_token": bob.token(), "kind": "following",
            "file": FileStorage(io.BytesIO(b"Account address,Show boosts\nana@easel.test,true\ncarl,true\n"),
                                filename="following.csv")}
    boundary, body = encode_multipart(form)
    answer = bob.client.post("/settings/data/import", data=body,
                             content_type=f"multipart/form-data; boundary={boundary}",
                             headers={"Accept": "application/json"}).get_json()
    assert answer["done"] == ["carl"] and answer["requested"] == ["ana"]
    assert one(db, "SELECT count(*) FROM follow_requests") == 1 and one(db, "SELECT count(*) FROM follows") == 1
