"""Block and mute: the routes (idempotent, who may not), and what they hide from whom."""

import pytest

from tests.test_profiles import member, seed_post, user_id


@pytest.fixture
def pair(app, db):
    """ana and bob, each signed in on a client of their own, and a post by each."""
    ana, bob = member(app, "ana"), member(app, "bob")
    posts = {"ana": seed_post(db, user_id(db, "ana"), "ana's lighthouse"),
             "bob": seed_post(db, user_id(db, "bob"), "bob's forest")}
    return ana, bob, posts


@pytest.mark.parametrize("verb", ["block", "unblock", "mute", "unmute"])
def test_signed_out_goes_to_login(client, auth, pair, verb):
    response = auth.post(f"/u/bob/{verb}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert auth.post(f"/u/bob/{verb}", json=True).status_code == 401


@pytest.mark.parametrize("verb", ["block", "unblock", "mute", "unmute"])
def test_yourself_is_422_and_unknown_is_404(pair, db, verb):
    ana, _bob, _posts = pair
    assert ana.post(f"/u/ana/{verb}", json=True).status_code == 422
    assert ana.post(f"/u/nobody/{verb}", json=True).status_code == 404
    assert db.execute("SELECT (SELECT count(*) FROM blocks) + (SELECT count(*) FROM mutes)").fetchone()[0] == 0


@pytest.mark.parametrize(("verb", "undo", "key", "table"), [("block", "unblock", "blocking", "blocks"),
                                                            ("mute", "unmute", "muting", "mutes")])
def test_toggles_are_idempotent_and_answer_json(pair, db, verb, undo, key, table):
    ana, _bob, _posts = pair
    for _ in range(2):
        assert ana.post(f"/u/bob/{verb}", json=True).get_json() == {key: True, "username": "bob"}
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1
    for _ in range(2):
        assert ana.post(f"/u/bob/{undo}", json=True).get_json() == {key: False, "username": "bob"}
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_htmx_answers_the_profile_actions_partial(pair):
    ana, _bob, _posts = pair
    page = ana.client.get("/u/bob").get_data(as_text=True)
    assert "Mute @bob" in page and "Block @bob" in page
    muted = ana.post("/u/bob/mute", htmx=True).get_data(as_text=True)
    assert 'class="profile-actions"' in muted and "<html" not in muted
    assert "Unmute @bob" in muted and 'hx-post="/u/bob/unmute"' in muted
    blocked = ana.post("/u/bob/block", htmx=True).get_data(as_text=True)
    assert "Unblock @bob" in blocked and 'action="/u/bob/unblock"' in blocked
    assert 'action="/u/bob/follow"' not in blocked  # no follow button for someone you block
    unblocked = ana.post("/u/bob/unblock", htmx=True).get_data(as_text=True)
    assert 'action="/u/bob/follow"' in unblocked and "Block @bob" in unblocked


def test_plain_form_goes_back(pair):
    ana, _bob, _posts = pair
    response = ana.post("/u/bob/block")
    assert response.status_code == 303 and response.headers["Location"] == "/u/bob"


def test_block_ends_follows_both_ways(pair, db):
    ana, bob, _posts = pair
    ana.post("/u/bob/follow")
    bob.post("/u/ana/follow")
    ana.post("/u/bob/block")
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0


def test_blocked_member_cannot_follow_reply_like_mention_or_see(pair, db):
    ana, bob, posts = pair
    ana.post("/u/bob/block")
    mine = posts["ana"]
    assert bob.post("/u/ana/follow", json=True).status_code == 403
    assert bob.post(f"/p/{mine}/like", json=True).status_code in (403, 404)
    assert bob.post(f"/p/{mine}/repost", json=True).status_code in (403, 404)
    assert bob.post(f"/p/{mine}/reply", {"text": "hey"}, json=True).status_code in (403, 404)
    # Not visible while signed in: profile, its tabs, the post page (HTML and JSON), the feeds.
    for path in ("/u/ana", "/u/ana/media", "/u/ana/likes", "/u/ana/followers", f"/p/{mine}"):
        assert bob.client.get(path).status_code == 404, path
    assert bob.client.get(f"/p/{mine}", headers={"Accept": "application/json"}).status_code == 404
    assert f"/p/{mine}\"" not in bob.client.get("/latest").get_data(as_text=True)
    # A mention of ana in bob's reply to someone else neither links her nor notifies her.
    reply = bob.post(f"/p/{posts['bob']}/reply", {"text": "what do you think @ana"}, json=True)
    assert reply.status_code == 201
    assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM notifications WHERE user_id = 1").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0
    assert db.execute("SELECT like_count, reply_count FROM posts WHERE id = ?", (mine,)).fetchone()[:] == (0, 0)


def test_blocker_sees_a_notice_instead_of_the_blocked_members_posts(pair):
    ana, _bob, posts = pair
    ana.post("/u/bob/block")
    page = ana.client.get("/u/bob").get_data(as_text=True)
    assert "You block @bob" in page and f"/p/{posts['bob']}\"" not in page
    assert f"/p/{posts['bob']}\"" not in ana.client.get("/latest").get_data(as_text=True)


def test_unblock_restores_everything(pair):
    ana, bob, posts = pair
    ana.post("/u/bob/block")
    ana.post("/u/bob/unblock")
    assert bob.client.get(f"/p/{posts['ana']}").status_code == 200
    assert bob.post("/u/ana/follow", json=True).get_json()["following"] is True


def test_muted_posts_vanish_from_home_latest_and_notifications(pair, db):
    ana, bob, posts = pair
    ana.post("/u/bob/follow")
    home = ana.client.get("/").get_data(as_text=True)
    assert f"/p/{posts['bob']}\"" in home
    ana.post("/u/bob/mute")
    for path in ("/", "/latest"):
        assert f"/p/{posts['bob']}\"" not in ana.client.get(path).get_data(as_text=True), path
    # Bob can still act (a mute is private), but ana hears nothing of it.
    assert bob.post(f"/p/{posts['ana']}/like", json=True).status_code == 200
    assert bob.post(f"/p/{posts['ana']}/reply", {"text": "nice @ana"}, json=True).status_code == 201
    notifications = ana.client.get("/notifications").get_data(as_text=True)
    assert "liked your post" not in notifications and "replied" not in notifications
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 1  # muting keeps the follow
    # The muted member's profile still opens, marked muted; others still see bob's posts.
    assert "muted" in ana.client.get("/u/bob").get_data(as_text=True)
    assert f"/p/{posts['bob']}\"" in bob.client.get("/latest").get_data(as_text=True)
    ana.post("/u/bob/unmute")
    assert f"/p/{posts['bob']}\"" in ana.client.get("/").get_data(as_text=True)


def test_settings_lists_blocked_and_muted_with_undo(app, pair, db):
    ana, _bob, _posts = pair
    member(app, "cy")
    ana.post("/u/bob/block")
    ana.post("/u/cy/mute")
    page = ana.client.get("/settings").get_data(as_text=True)
    blocked, muted = page.split('id="blocked-heading"')[1].split('id="muted-heading"')
    assert "@bob" in blocked and 'action="/u/bob/unblock"' in blocked and "@cy" not in blocked
    assert "@cy" in muted and 'action="/u/cy/unmute"' in muted and "@bob" not in muted
    response = ana.client.post("/u/bob/unblock", data={"csrf_token": ana.token()},
                               headers={"Referer": "http://localhost/settings"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings"
    assert db.execute("SELECT count(*) FROM blocks").fetchone()[0] == 0
    assert "You are not blocking anyone" in ana.client.get("/settings").get_data(as_text=True)
