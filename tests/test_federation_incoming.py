"""Issue 10, step 6: incoming activities, from payloads shaped like Mastodon's, GoToSocial's and Pixelfed's."""

from __future__ import annotations

import pytest

from federation import keys
from tests import federation_payloads as payloads
from tests.conftest import AuthActions, wait_for_status
from tests.federation_helpers import (
    RemoteActor,
    accept_follow,
    drain,
    received,
    signed_post,
)

ANA = "https://easel.test/u/ana"


# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def ana(client):
    auth = AuthActions(client)
    auth.signup("ana")
    return auth


@pytest.fixture
def bob(remote) -> RemoteActor:
    return remote.actor("bob")


def send(client, actor, activity, path="/inbox"):
    response = signed_post(client, path, activity, actor.key_id, actor.private)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response


@pytest.fixture
def ana_post(app, client, ana):
    app.extensions["easel_worker"].start()
    generation = ana.generate("a calm sea at noon")
    wait_for_status(client, generation)
    post_id = ana.post(f"/generations/{generation}/share", {"caption": "Noon", "alt": "A calm sea"},
                       json=True).get_json()["post_id"]
    return post_id


def _one(db, sql, *args):
    return db.execute(sql, args).fetchone()[0]


def test_follow_then_undo(client, ana, bob, db, app, remote):
    follow = payloads.mastodon_follow(bob.uri, ANA)
    send(client, bob, follow, "/u/ana/inbox")
    assert _one(db, "SELECT count(*) FROM follows f JOIN users u ON u.id = f.follower_id WHERE u.actor_uri = ?",
                bob.uri) == 1
    assert _one(db, "SELECT count(*) FROM notifications WHERE kind = 'follow'") == 1
    drain(app)
    assert received(remote, "Accept")[0]["object"]["id"] == follow["id"]
    send(client, bob, payloads.mastodon_undo(bob.uri, follow))
    assert _one(db, "SELECT count(*) FROM follows") == 0


def test_like_and_announce_then_undo(client, ana, ana_post, bob, db):
    note = f"https://easel.test/p/{ana_post}"
    like = payloads.mastodon_like(bob.uri, note)
    announce = payloads.mastodon_announce(bob.uri, note, ANA)
    send(client, bob, like)
    send(client, bob, like)  # delivered twice: counted once
    send(client, bob, announce)
    assert _one(db, "SELECT like_count FROM posts WHERE id = ?", ana_post) == 1
    assert _one(db, "SELECT repost_count FROM posts WHERE id = ?", ana_post) == 1
    assert _one(db, "SELECT count(*) FROM notifications WHERE kind IN ('like', 'repost')") == 2
    send(client, bob, payloads.mastodon_undo(bob.uri, like))
    send(client, bob, payloads.mastodon_undo(bob.uri, announce))
    assert _one(db, "SELECT like_count FROM posts WHERE id = ?", ana_post) == 0
    assert _one(db, "SELECT repost_count FROM posts WHERE id = ?", ana_post) == 0


def test_mastodon_reply_lands_in_the_thread(client, ana, ana_post, bob, db, remote):
    note_id = f"{bob.uri}/statuses/1001"
    send(client, bob, payloads.mastodon_reply(bob.uri, note_id, f"https://easel.test/p/{ana_post}", ANA,
                                              "ana@easel.test"))
    row = db.execute("SELECT * FROM posts WHERE uri = ?", (note_id,)).fetchone()
    assert row["reply_to"] == ana_post and "What a lovely & calm sea!" in row["caption"]
    assert _one(db, "SELECT reply_count FROM posts WHERE id = ?", ana_post) == 1
    assert _one(db, "SELECT count(*) FROM notifications WHERE kind = 'reply'") == 1
    page = client.get(f"/p/{ana_post}").get_data(as_text=True)
    assert "What a lovely &amp; calm sea!" in page
    assert f"@bob@{remote.base.split('//')[1]}" in page
    assert "<span" not in row["caption"]  # their HTML is never stored as ours


def test_pixelfed_photos_from_someone_followed_reach_home(client, ana, bob, db, remote):
    actor_id = client.get(f"/federation/lookup?q=@bob@{remote.base.split('//')[1]}",
                          headers={"Accept": "application/json"}).get_json()
    remote.serve("/.well-known/webfinger?resource=acct%3Abob%40" + remote.base.split("//")[1].replace(":", "%3A"),
                 {"links": []})
    assert actor_id.get("error")  # no WebFinger served yet: a clear "could not find"
    remote.serve(f"/.well-known/webfinger?resource=acct%3Abob%40{remote.base.split('//')[1].replace(':', '%3A')}",
                 {"subject": "acct:bob", "links": [{"rel": "self", "type": "application/activity+json",
                                                    "href": bob.uri}]}, kind="application/jrd+json")
    found = client.get(f"/federation/lookup?q=@bob@{remote.base.split('//')[1]}",
                       headers={"Accept": "application/json"}).get_json()
    ana.post("/federation/follow", {"actor_id": str(found["id"])}, json=True)
    accept_follow(client, bob)  # their server accepts: until then, bob's posts are nobody's here
    note_id = f"{remote.base}/p/bob/777"
    images = [(f"{remote.base}/storage/a.jpg", "Boats at the pier"), (f"{remote.base}/storage/b.jpg", "")]
    send(client, bob, payloads.pixelfed_create(bob.uri, note_id, images))
    home = client.get("/").get_data(as_text=True)
    assert f'src="{remote.base}/storage/a.jpg"' in home and 'alt="Boats at the pier"' in home
    assert "Morning at the harbour" in home
    media = db.execute("SELECT remote_url, width, height, name FROM media ORDER BY id").fetchall()
    assert [tuple(m) for m in media][-2:] == [(f"{remote.base}/storage/a.jpg", 1080, 1350, None),
                                              (f"{remote.base}/storage/b.jpg", 1080, 1350, None)]
    send(client, bob, payloads.pixelfed_create(bob.uri, note_id, images))  # again: stored once
    assert _one(db, "SELECT count(*) FROM posts WHERE uri = ?", note_id) == 1
    post_id = _one(db, "SELECT id FROM posts WHERE uri = ?", note_id)
    assert client.get(f"/p/{post_id}").status_code == 200
    assert client.get(f"/p/{post_id}", headers={"Accept": "application/json"}).get_json()["images"][0] == images[0][0]
    # Update, then Delete
    update = payloads.pixelfed_create(bob.uri, note_id, images)
    update["type"], update["object"]["content"] = "Update", "<p>Evening at the harbour</p>"
    send(client, bob, update)
    assert "Evening at the harbour" in client.get("/").get_data(as_text=True)
    send(client, bob, payloads.mastodon_delete(bob.uri, note_id))
    assert _one(db, "SELECT deleted_at IS NOT NULL FROM posts WHERE uri = ?", note_id) == 1
    assert "harbour" not in client.get("/").get_data(as_text=True)


def test_strangers_posts_are_not_stored(client, ana, bob, db, remote):
    send(client, bob, payloads.pixelfed_create(bob.uri, f"{remote.base}/p/1", [(f"{remote.base}/x.jpg", "")]))
    assert _one(db, "SELECT count(*) FROM posts") == 0


def test_followers_only_and_forged_authors_ignored(client, ana, ana_post, bob, db, remote):
    eve = remote.actor("eve")
    reply = payloads.mastodon_reply(bob.uri, f"{bob.uri}/statuses/9", f"https://easel.test/p/{ana_post}", ANA, "ana")
    reply["object"]["attributedTo"] = eve.uri  # bob cannot create eve's Note
    send(client, bob, reply)
    private = payloads.mastodon_reply(bob.uri, f"{bob.uri}/statuses/10", f"https://easel.test/p/{ana_post}", ANA,
                                      "ana")
    private["object"]["to"], private["object"]["cc"] = [f"{bob.uri}/followers"], []
    send(client, bob, private)
    assert _one(db, "SELECT count(*) FROM posts WHERE uri IS NOT NULL") == 0


def test_delete_of_someone_elses_post_ignored(client, ana, ana_post, bob, db, remote):
    eve = remote.actor("eve")
    note_id = f"{bob.uri}/statuses/5"
    send(client, bob, payloads.mastodon_reply(bob.uri, note_id, f"https://easel.test/p/{ana_post}", ANA, "ana"))
    send(client, eve, payloads.mastodon_delete(eve.uri, note_id))
    send(client, eve, payloads.mastodon_delete(eve.uri, f"https://easel.test/p/{ana_post}"))
    assert _one(db, "SELECT count(*) FROM posts WHERE deleted_at IS NOT NULL") == 0


def test_update_person_and_actor_delete(client, ana, bob, db):
    send(client, bob, payloads.mastodon_follow(bob.uri, ANA))
    changed = {**bob.doc, "name": "Robert", "summary": "<p>new bio</p>"}
    send(client, bob, {"id": f"{bob.uri}#update-1", "type": "Update", "actor": bob.uri, "object": changed})
    row = db.execute("SELECT display_name, bio FROM users WHERE actor_uri = ?", (bob.uri,)).fetchone()
    assert tuple(row) == ("Robert", "new bio")
    send(client, bob, {"id": f"{bob.uri}#delete", "type": "Delete", "actor": bob.uri, "object": bob.uri})
    assert _one(db, "SELECT status FROM users WHERE actor_uri = ?", bob.uri) == "deleted"
    assert _one(db, "SELECT count(*) FROM follows") == 0


def test_gotosocial_actor_and_key(client, ana, db, remote):
    public, private = keys.generate()
    remote.serve("/users/gia", payloads.gotosocial_actor(remote.base, "gia", public))
    remote.serve("/users/gia/main-key", payloads.gotosocial_key(remote.base, "gia", public))
    gia = RemoteActor(f"{remote.base}/users/gia", "gia")
    gia.public, gia.private = public, private
    response = signed_post(client, "/u/ana/inbox", payloads.mastodon_follow(gia.uri, ANA), f"{gia.uri}/main-key",
                           private)
    assert response.status_code == 202
    row = db.execute("SELECT * FROM users WHERE actor_uri = ?", (gia.uri,)).fetchone()
    assert row["shared_inbox_url"] == f"{remote.base}/sharedInbox" and row["display_name"] == "Gia on GtS"
    assert row["avatar_url"] == f"{remote.base}/fileserver/avatar.png" and row["bio"] == "slow posts"
    assert _one(db, "SELECT count(*) FROM follows") == 1


@pytest.mark.parametrize("kind", ["Move", "Flag", "Add", "Remove", "Block", "EmojiReact", "Question"])
def test_unknown_types_are_202(client, ana, bob, db, kind):
    send(client, bob, {"id": f"{bob.uri}#x", "type": kind, "actor": bob.uri, "object": ANA})
    assert _one(db, "SELECT count(*) FROM follows") == 0


def test_remote_people_link_to_their_own_server(client, ana, bob, remote):
    """Notifications and follower lists point at a remote person's own profile, never at /u/<name> here."""
    send(client, bob, payloads.mastodon_follow(bob.uri, ANA))
    notes = client.get("/notifications").get_data(as_text=True)
    assert f'href="{bob.doc["url"]}"' in notes and 'href="/u/bob"' not in notes
    followers = client.get("/u/ana/followers").get_data(as_text=True)
    assert f'href="{bob.doc["url"]}"' in followers and f"@bob@{remote.base.split('//')[1]}" in followers
    assert 'name="actor_id"' in followers  # their follow button follows them over there


def test_reply_in_an_unknown_conversation_is_not_a_post_on_home(client, ana, bob, db, remote):
    actor_id = db.execute("SELECT id FROM users WHERE username = 'ana'").fetchone()[0]
    send(client, bob, payloads.mastodon_follow(bob.uri, ANA))
    bob_id = db.execute("SELECT id FROM users WHERE actor_uri = ?", (bob.uri,)).fetchone()[0]
    db.execute("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, 0)", (actor_id, bob_id))
    reply = payloads.mastodon_reply(bob.uri, f"{bob.uri}/statuses/77", "https://elsewhere.example/notes/1",
                                    "https://elsewhere.example/users/zed", "zed@elsewhere.example")
    send(client, bob, reply)
    assert _one(db, "SELECT count(*) FROM posts WHERE uri IS NOT NULL") == 0
