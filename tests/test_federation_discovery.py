"""Issue 10, step 1: WebFinger, host-meta, NodeInfo, actor documents and collections; all 404 when off."""

from __future__ import annotations

import pytest

from models.db import connect
from tests.conftest import AuthActions, make_app, wait_for_status
from tests.federation_helpers import AP, fed_app

LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
def app(tmp_path):
    app = fed_app(tmp_path / "data")
    yield app
    app.extensions["easel_worker"].stop()


@pytest.fixture
def ana(client):
    auth = AuthActions(client)
    auth.signup("ana")
    return auth


def test_webfinger_finds_a_member(client, ana):
    response = client.get("/.well-known/webfinger?resource=acct:ana@easel.test")
    assert response.status_code == 200
    assert response.mimetype == "application/jrd+json"
    body = response.get_json(force=True)
    assert body["subject"] == "acct:ana@easel.test"
    self_link = [link for link in body["links"] if link["rel"] == "self"][0]
    assert self_link == {"rel": "self", "type": AP, "href": "https://easel.test/u/ana"}


@pytest.mark.parametrize("resource, status", [
    ("acct:nobody@easel.test", 404),
    ("acct:ana@elsewhere.example", 404),
    ("https://easel.test/u/nobody", 404),
    ("", 400),
    ("ana", 400),
    ("acct:@@", 400),
])
def test_webfinger_unknown_or_bad(client, ana, resource, status):
    assert client.get("/.well-known/webfinger", query_string={"resource": resource}).status_code == status


def test_webfinger_by_actor_url(client, ana):
    body = client.get("/.well-known/webfinger?resource=https://easel.test/u/ana").get_json(force=True)
    assert body["subject"] == "acct:ana@easel.test"


def test_host_meta_and_nodeinfo(client, ana):
    meta = client.get("/.well-known/host-meta")
    assert meta.status_code == 200 and meta.mimetype == "application/xrd+xml"
    assert "https://easel.test/.well-known/webfinger?resource={uri}" in meta.get_data(as_text=True)
    links = client.get("/.well-known/nodeinfo").get_json()["links"]
    assert links[0]["href"] == "https://easel.test/nodeinfo/2.1"
    info = client.get("/nodeinfo/2.1").get_json(force=True)
    from app import __version__

    assert info["software"] == {"name": "easel", "version": __version__}
    assert info["protocols"] == ["activitypub"]
    assert info["openRegistrations"] is True  # the tests' registration mode is open
    assert info["usage"]["users"]["total"] == 1 and info["usage"]["localPosts"] == 0


def test_nodeinfo_counts_are_reused_for_an_hour(client, ana, app, worker):
    def local_posts():
        return client.get("/nodeinfo/2.1").get_json(force=True)["usage"]["localPosts"]

    assert local_posts() == 0
    generation = ana.generate("a kite over the dunes")
    wait_for_status(client, generation)
    assert ana.post(f"/generations/{generation}/share", {"caption": "Kite"}, json=True).status_code in (200, 201)
    assert local_posts() == 0  # crawlers get the figures counted within the hour
    app.config["NODEINFO_CACHE_SECONDS"] = 0
    assert local_posts() == 1


@pytest.mark.parametrize("accept", [AP, LD])
def test_actor_document_by_content_negotiation(client, ana, app, accept):
    response = client.get("/u/ana", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == AP
    assert "Accept" in response.headers["Vary"]
    actor = response.get_json(force=True)
    assert actor["id"] == "https://easel.test/u/ana" and actor["type"] == "Person"
    assert actor["preferredUsername"] == "ana"
    assert actor["inbox"] == "https://easel.test/u/ana/inbox"
    assert actor["outbox"] == "https://easel.test/u/ana/outbox"
    assert actor["followers"] == "https://easel.test/u/ana/followers"
    assert actor["endpoints"]["sharedInbox"] == "https://easel.test/inbox"
    assert actor["manuallyApprovesFollowers"] is False
    key = actor["publicKey"]
    assert key["id"] == "https://easel.test/u/ana#main-key" and key["owner"] == actor["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in response.get_data(as_text=True)


def test_key_pair_is_made_once(client, ana, app):
    first = client.get("/u/ana", headers={"Accept": AP}).get_json(force=True)["publicKey"]["publicKeyPem"]
    second = client.get("/u/ana", headers={"Accept": AP}).get_json(force=True)["publicKey"]["publicKeyPem"]
    assert first == second
    conn = connect(app.config["DATABASE"])
    assert conn.execute("SELECT count(*) FROM actor_keys").fetchone()[0] == 1
    conn.close()


def test_profile_page_still_html(client, ana):
    response = client.get("/u/ana")
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_unknown_actor_404(client, ana):
    assert client.get("/u/nobody", headers={"Accept": AP}).status_code == 404
    assert client.get("/u/nobody/outbox").status_code == 404


def test_collections(client, ana, app):
    from tests.conftest import wait_for_status

    app.extensions["easel_worker"].start()
    generation = ana.generate("a lighthouse at dusk")
    wait_for_status(client, generation)
    assert ana.post(f"/generations/{generation}/share", {"caption": "Evening", "alt": "A lighthouse"},
                    json=True).status_code in (200, 201)
    outbox = client.get("/u/ana/outbox", headers={"Accept": AP}).get_json(force=True)
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    create = outbox["first"]["orderedItems"][0]
    assert create["type"] == "Create" and create["actor"] == "https://easel.test/u/ana"
    note = create["object"]
    assert note["type"] == "Note" and "Evening" in note["content"] and "a lighthouse at dusk" in note["content"]
    image = note["attachment"][0]
    assert image["type"] == "Image" and image["mediaType"] == "image/png" and image["name"] == "A lighthouse"
    assert image["url"].startswith("https://easel.test/media/") and image["width"] and image["height"]
    assert note["easel:generation"]["prompt"] == "a lighthouse at dusk"
    assert {"seed", "style", "size", "backend"} <= set(note["easel:generation"])
    # the Note itself by content negotiation on /p/<id>
    post_id = int(note["id"].rsplit("/", 1)[1])
    assert client.get(f"/p/{post_id}", headers={"Accept": AP}).get_json(force=True)["id"] == note["id"]
    followers = client.get("/u/ana/followers", headers={"Accept": AP}).get_json(force=True)
    assert followers["type"] == "OrderedCollection" and followers["totalItems"] == 0
    following = client.get("/u/ana/following", headers={"Accept": AP}).get_json(force=True)
    assert following["totalItems"] == 0
    assert client.get("/u/ana/followers").mimetype == "text/html"


def test_everything_404_when_no_public_url(tmp_path):
    app = make_app(tmp_path / "plain")
    client = app.test_client()
    AuthActions(client).signup("ana")
    for path in ("/.well-known/webfinger?resource=acct:ana@localhost", "/.well-known/host-meta",
                 "/.well-known/nodeinfo", "/nodeinfo/2.1", "/u/ana/outbox"):
        assert client.get(path).status_code == 404, path
    assert client.get("/u/ana", headers={"Accept": AP}).status_code == 404
    assert client.post("/inbox", data=b"{}", headers={"Content-Type": AP}).status_code == 404


def test_admin_turns_federation_off(client, ana):
    assert client.get("/.well-known/nodeinfo").status_code == 200
    response = ana.post("/admin/settings", {"name": "Easel", "registration_mode": "open", "generations_per_hour": "30",
                                            "queue_cap": "5", "default_locale": "en", "federation_form": "1"})
    assert response.status_code == 303
    assert client.get("/.well-known/nodeinfo").status_code == 404
    assert client.get("/u/ana", headers={"Accept": AP}).status_code == 404
    assert client.get("/u/ana").status_code == 200
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="federation_enabled"' in page
    ana.post("/admin/settings", {"name": "Easel", "registration_mode": "open", "generations_per_hour": "30",
                                 "queue_cap": "5", "default_locale": "en", "federation_form": "1",
                                 "federation_enabled": "1"})
    assert client.get("/.well-known/nodeinfo").status_code == 200
