"""Issue 10, step 7: typing @someone@example.social in search finds them by WebFinger; Follow from the card."""

from __future__ import annotations

import pytest

from models.db import connect
from tests.conftest import AuthActions
from tests.federation_helpers import accept_follow, drain, fed_app, received

# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def ana(client):
    auth = AuthActions(client)
    auth.signup("ana")
    return auth


def _webfinger(remote, name: str, href: str) -> str:
    host = remote.base.split("//")[1]
    remote.serve(f"/.well-known/webfinger?resource=acct%3A{name}%40{host.replace(':', '%3A')}",
                 {"subject": f"acct:{name}@{host}",
                  "links": [{"rel": "self", "type": "application/activity+json", "href": href}]},
                 kind="application/jrd+json")
    return f"@{name}@{host}"


def test_search_shows_a_card_that_loads_the_profile(client, ana, remote):
    bob = remote.actor("bob")
    handle = _webfinger(remote, "bob", bob.uri)
    results = client.get("/search", query_string={"q": handle}, headers={"HX-Request": "true"})
    body = results.get_data(as_text=True)
    assert "/federation/card?q=" in body  # the results show a card that loads itself
    assert remote.gets == []  # typing alone never fetched anything
    card = client.get("/federation/card", query_string={"q": handle}).get_data(as_text=True)
    assert "Bob" in card and handle in card and "I draw things" in card
    assert 'name="actor_id"' in card and "Follow" in card


def test_follow_from_the_card(client, ana, remote, app):
    bob = remote.actor("bob")
    handle = _webfinger(remote, "bob", bob.uri)
    page = client.get("/federation/lookup", query_string={"q": handle})
    assert page.status_code == 200 and "Bob" in page.get_data(as_text=True)
    conn = connect(app.config["DATABASE"])
    actor_id = conn.execute("SELECT id FROM users WHERE actor_uri = ?", (bob.uri,)).fetchone()[0]
    button = ana.post("/federation/follow", {"actor_id": str(actor_id)}, htmx=True)
    assert button.status_code == 200 and "Requested" in button.get_data(as_text=True)  # until bob's server accepts
    assert conn.execute("SELECT count(*) FROM follow_requests").fetchone()[0] == 1
    drain(app)
    follow = received(remote, "Follow")[0]
    assert follow["object"] == bob.uri
    assert conn.execute("SELECT activity_id FROM follow_requests").fetchone()[0] == follow["id"]
    accept_follow(client, bob)
    assert conn.execute("SELECT count(*) FROM follows").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM follow_requests").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("q, status", [("not a handle", 422), ("@nobody@127.0.0.1:1", 404)])
def test_bad_or_unknown_handles(client, ana, q, status):
    response = client.get("/federation/lookup", query_string={"q": q})
    assert response.status_code == status
    assert "notice-error" in response.get_data(as_text=True)


def test_own_handle_goes_to_the_profile(client, ana):
    response = client.get("/federation/lookup?q=@ana@easel.test")
    assert response.status_code == 303 and response.headers["Location"].endswith("/u/ana")


def test_who_may_follow(client, ana, app, remote):
    bob = remote.actor("bob")
    handle = _webfinger(remote, "bob", bob.uri)
    client.get("/federation/lookup", query_string={"q": handle})
    ana.logout()
    assert client.get("/federation/lookup", query_string={"q": handle}).status_code in (302, 401)
    assert "Sign in" in client.get("/federation/card", query_string={"q": handle}).get_data(as_text=True)
    token = AuthActions(client).token()
    assert client.post("/federation/follow", data={"actor_id": "2", "csrf_token": token}).status_code in (302, 401)
    ana.login()
    assert ana.post("/federation/follow", {"actor_id": "1"}).status_code == 404  # a local member: not here
    assert ana.post("/federation/follow", {"actor_id": "x"}).status_code == 400
    assert client.post("/federation/follow", data={"actor_id": "2"}).status_code == 400  # no CSRF token
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM follows").fetchone()[0] == 0
    conn.close()


def test_search_without_federation_has_no_card(tmp_path):
    app = fed_app(tmp_path / "x", PUBLIC_URL="")
    client = app.test_client()
    AuthActions(client).signup("ana")
    body = client.get("/search?q=@bob@example.social", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "/federation/card" not in body
    assert client.get("/federation/lookup?q=@bob@example.social").status_code == 404
