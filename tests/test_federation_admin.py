"""Issue 10, step 8: domain rules (suspend, silence, allow-list mode) at /admin/federation; inbox rate limit."""

from __future__ import annotations

import pytest

from models import domain_rules
from tests import federation_payloads as payloads
from tests.conftest import AuthActions, make_app
from tests.federation_helpers import PUBLIC_URL, RemoteActor, signed_post

ANA = "https://easel.test/u/ana"


# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def admin(client):
    auth = AuthActions(client)
    auth.signup("ana")  # the first member is the admin
    return auth


def _host(remote) -> str:
    return remote.base.split("//")[1]


def test_admin_page_and_rules(client, admin, db):
    page = client.get("/admin/federation")
    assert page.status_code == 200 and "Limited federation" in page.get_data(as_text=True)
    assert admin.post("/admin/federation/rules", {"domain": "Spam.Example", "action": "suspend",
                                                  "note": "spam"}).status_code == 303
    assert domain_rules.rule_for(db, "spam.example") == "suspend"
    assert domain_rules.rule_for(db, "a.spam.example") == "suspend"  # subdomains too
    assert "spam.example" in client.get("/admin/federation").get_data(as_text=True)
    assert db.execute("SELECT detail FROM audit_log WHERE action = 'domain_rule'").fetchone()[0] == \
        "spam.example: suspend"
    assert admin.post("/admin/federation/rules/remove", {"domain": "spam.example"}).status_code == 303
    assert domain_rules.rule_for(db, "spam.example") is None
    assert admin.post("/admin/federation/rules/remove", {"domain": "spam.example"}).status_code == 404


@pytest.mark.parametrize("form, field", [
    ({"domain": "not a domain", "action": "suspend"}, "domain"),
    ({"domain": "", "action": "suspend"}, "domain"),
    ({"domain": "easel.test", "action": "suspend"}, "domain"),
    ({"domain": "x.example", "action": "nuke"}, "action"),
    ({"domain": "x.example", "action": "silence", "note": "n" * 301}, "note"),
])
def test_bad_rules_422_nothing_stored(client, admin, db, form, field):
    response = admin.post("/admin/federation/rules", form, json=True)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert db.execute("SELECT count(*) FROM domain_rules").fetchone()[0] == 0


def test_only_admins(client, admin, db):
    admin.logout()
    AuthActions(client).signup("bea")
    assert client.get("/admin/federation").status_code == 403
    assert AuthActions(client).post("/admin/federation/rules", {"domain": "x.example",
                                                                "action": "suspend"}).status_code == 403
    assert db.execute("SELECT count(*) FROM domain_rules").fetchone()[0] == 0


def test_suspended_server_dropped_at_the_inbox(client, admin, db, remote):
    bob = remote.actor("bob")
    admin.post("/admin/federation/rules", {"domain": _host(remote), "action": "suspend"})
    response = signed_post(client, "/inbox", payloads.mastodon_follow(bob.uri, ANA), bob.key_id, bob.private)
    assert response.status_code == 403
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0
    assert remote.gets == []  # not even its key was fetched


def test_suspending_ends_follows(client, admin, db, remote):
    bob = remote.actor("bob")
    signed_post(client, "/inbox", payloads.mastodon_follow(bob.uri, ANA), bob.key_id, bob.private)
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 1
    admin.post("/admin/federation/rules", {"domain": _host(remote), "action": "suspend"})
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0


def test_limited_mode_needs_the_allow_list(client, admin, db, remote):
    bob = remote.actor("bob")
    assert admin.post("/admin/federation/mode", {"limited": "1"}).status_code == 303
    follow = payloads.mastodon_follow(bob.uri, ANA)
    assert signed_post(client, "/inbox", follow, bob.key_id, bob.private).status_code == 403
    admin.post("/admin/federation/rules", {"domain": _host(remote), "action": "allow"})
    assert signed_post(client, "/inbox", follow, bob.key_id, bob.private).status_code == 202
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 1


def test_silenced_server_reaches_only_followers(client, admin, db, remote, app):
    from tests.conftest import wait_for_status

    bob = remote.actor("bob")
    admin.post("/admin/federation/rules", {"domain": _host(remote), "action": "silence"})
    app.extensions["easel_worker"].start()
    generation = admin.generate("quiet hills")
    wait_for_status(client, generation)
    post_id = admin.post(f"/generations/{generation}/share", {"caption": "hills"}, json=True).get_json()["post_id"]
    reply = payloads.mastodon_reply(bob.uri, f"{bob.uri}/statuses/1", f"https://easel.test/p/{post_id}", ANA, "ana")
    assert signed_post(client, "/inbox", reply, bob.key_id, bob.private).status_code == 202
    assert db.execute("SELECT count(*) FROM posts WHERE uri IS NOT NULL").fetchone()[0] == 0
    # a follow still works from a silenced server
    signed_post(client, "/inbox", payloads.mastodon_follow(bob.uri, ANA), bob.key_id, bob.private)
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 1


def test_inbox_rate_limit_per_remote_server(tmp_path, remote, limit_clock):
    app = make_app(tmp_path / "limited", PUBLIC_URL=PUBLIC_URL, ALLOW_PRIVATE_FEDERATION=True,
                   RATELIMIT_ENABLED=True, INBOX_RATE_LIMIT="3 per minute")
    client = app.test_client()
    AuthActions(client).signup("ana")
    bob = remote.actor("bob")
    for number in range(3):
        activity = {"id": f"{bob.uri}#{number}", "type": "Wave", "actor": bob.uri}
        assert signed_post(client, "/inbox", activity, bob.key_id, bob.private).status_code == 202
    limited = signed_post(client, "/inbox", {"id": f"{bob.uri}#4", "type": "Wave", "actor": bob.uri}, bob.key_id,
                          bob.private)
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    other = RemoteActor("https://other.example/users/cy", "cy")  # another server's own budget
    response = signed_post(client, "/inbox", {"id": "x", "type": "Wave", "actor": other.uri}, other.key_id,
                           other.private)
    assert response.status_code != 429
    limit_clock.advance(61)
    assert signed_post(client, "/inbox", {"id": f"{bob.uri}#5", "type": "Wave", "actor": bob.uri}, bob.key_id,
                       bob.private).status_code == 202
