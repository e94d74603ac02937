"""Members as moderators handle them: who may open the admin area, suspend / unsuspend (and what a
suspension does to sessions, sign-in and posts), roles, deletion from /admin, hidden and held posts."""

from __future__ import annotations

import pytest

from models import moderation
from tests.conftest import AuthActions
from tests.moderation_helpers import HTMX, JSON, audit_rows, sign_up, user
from tests.test_search import make_post

ADMIN_PAGES = ["/admin", "/admin/members", "/admin/members/cleo", "/admin/reports", "/admin/review",
               "/admin/rules", "/admin/audit"]
MODERATOR_ACTIONS = [
    ("/admin/members/cleo/suspend", {"reason": "spam"}),
    ("/admin/members/cleo/unsuspend", {"reason": "ok"}),
    ("/admin/members/cleo/delete", {"reason": "spam", "confirm": "cleo"}),
    ("/admin/members/cleo/role", {"role": "admin"}),
    ("/admin/generations/1/cancel", {}),
    ("/admin/reports/1/dismiss", {}),
    ("/admin/posts/1/hide", {}),
    ("/admin/posts/1/unhide", {}),
    ("/admin/posts/1/approve", {}),
    ("/admin/posts/1/reject", {}),
    ("/admin/rules", {"pattern": "x", "action": "refuse"}),
    ("/admin/rules/1/delete", {}),
]


@pytest.fixture
def people(app):
    """ana (admin, the first account), mod (moderator), cleo and dan (members)."""
    return {
        "ana": sign_up(app, "ana"),
        "mod": sign_up(app, "mod", role="moderator"),
        "cleo": sign_up(app, "cleo"),
        "dan": sign_up(app, "dan"),
    }


def test_signed_out_visitors_go_to_login(app, people):
    client = app.test_client()
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_members_get_403_on_every_admin_page_and_action(people, db):
    dan = people["dan"]
    for path in ADMIN_PAGES:
        assert dan.client.get(path).status_code == 403, path
    for path, data in MODERATOR_ACTIONS:
        assert dan.post(path, data).status_code == 403, path
    assert user(db, "cleo")["status"] == "active" and audit_rows(db) == []


def test_moderators_open_moderation_pages_but_not_admin_ones(people):
    mod = people["mod"]
    for path in ["/admin", "/admin/members", "/admin/members/cleo", "/admin/reports", "/admin/review"]:
        assert mod.client.get(path).status_code == 200, path
    for path in ["/admin/rules", "/admin/audit", "/admin/backends"]:
        assert mod.client.get(path).status_code == 403, path


def test_moderators_cannot_change_roles_or_touch_admins(people, db):
    mod = people["mod"]
    assert mod.post("/admin/members/cleo/role", {"role": "moderator"}).status_code == 403
    assert mod.post("/admin/members/ana/suspend", {"reason": "coup"}).status_code == 403
    assert mod.post("/admin/members/ana/delete", {"reason": "coup", "confirm": "ana"}).status_code == 403
    assert user(db, "cleo")["role"] == "member" and user(db, "ana")["status"] == "active"
    page = mod.client.get("/admin/members/ana").get_data(as_text=True)
    assert "only admins can suspend or delete an admin" in page and "/admin/members/ana/suspend" not in page


def test_nobody_suspends_themselves(people, db):
    assert people["mod"].post("/admin/members/mod/suspend", {"reason": "tired"}).status_code == 403
    assert people["ana"].post("/admin/members/ana/suspend", {"reason": "tired"}).status_code == 403
    assert user(db, "mod")["status"] == user(db, "ana")["status"] == "active"


def test_suspend_locks_the_member_out_and_hides_their_posts(app, people, db):
    cleo = people["cleo"]
    post_id = make_post(db, user(db, "cleo")["id"], "cleo's harbour #boats", prompt="a red harbour")
    dan = people["dan"]
    dan.post("/u/cleo/follow")
    assert f'id="post-{post_id}"' in dan.client.get("/").get_data(as_text=True)
    version = user(db, "cleo")["session_version"]

    response = people["mod"].post("/admin/members/cleo/suspend", {"reason": "spam links"})
    assert response.status_code == 303
    row = user(db, "cleo")
    assert row["status"] == "suspended" and row["suspended_at"] and row["session_version"] == version + 1
    (entry,) = audit_rows(db, "suspend")
    assert (entry["actor_name"], entry["target_name"], entry["reason"]) == ("mod", "cleo", "spam links")

    # Their existing session stops working; signing in again does not get them in.
    assert cleo.client.get("/settings").status_code == 302
    cleo.login("cleo")
    assert cleo.client.get("/settings").status_code == 302
    # Their posts are gone for everyone: feeds, tag, search, explore, profile, the post page.
    for path in ["/", "/latest", "/explore", "/tags/boats", "/search?q=harbour", "/u/cleo"]:
        assert f'id="post-{post_id}"' not in dan.client.get(path).get_data(as_text=True), path
    assert dan.client.get(f"/p/{post_id}").status_code == 404
    assert app.test_client().get(f"/p/{post_id}", headers=JSON).status_code == 404
    assert "cleo" not in [p["username"] for p in dan.client.get("/search?q=cleo", headers=JSON).get_json()["people"]]
    assert "This account is suspended" in dan.client.get("/u/cleo").get_data(as_text=True)
    # Moderators still see it, marked.
    page = people["mod"].client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "The author is suspended" in page

    assert people["mod"].post("/admin/members/cleo/unsuspend", {"reason": "appealed"}).status_code == 303
    assert user(db, "cleo")["status"] == "active" and user(db, "cleo")["suspended_at"] is None
    assert audit_rows(db, "unsuspend")[0]["reason"] == "appealed"
    assert f'id="post-{post_id}"' in dan.client.get("/").get_data(as_text=True)
    cleo.login("cleo")
    assert cleo.client.get("/settings").status_code == 200


def test_suspend_needs_a_reason(people, db):
    response = people["mod"].post("/admin/members/cleo/suspend", {"reason": "  "})
    assert response.status_code == 422 and "Say why" in response.get_data(as_text=True)
    response = people["mod"].post("/admin/members/cleo/suspend", {"reason": "x" * 501})
    assert response.status_code == 422
    assert user(db, "cleo")["status"] == "active" and audit_rows(db) == []


def test_admin_changes_roles_and_never_leaves_the_instance_without_an_admin(people, db):
    ana = people["ana"]
    assert ana.post("/admin/members/cleo/role", {"role": "moderator", "reason": "helpful"}).status_code == 303
    assert user(db, "cleo")["role"] == "moderator"
    (entry,) = audit_rows(db, "set_role")
    assert (entry["target_name"], entry["detail"], entry["reason"]) == ("cleo", "member → moderator", "helpful")
    assert people["cleo"].client.get("/admin/reports").status_code == 200  # the new role works at once
    response = ana.post("/admin/members/ana/role", {"role": "member"})
    assert response.status_code == 409 and "at least one admin" in response.get_data(as_text=True)
    assert user(db, "ana")["role"] == "admin"
    assert ana.post("/admin/members/cleo/role", {"role": "king"}).status_code == 422
    ana.post("/admin/members/cleo/role", {"role": "admin"})
    assert ana.post("/admin/members/ana/role", {"role": "member"}).status_code == 303
    assert user(db, "ana")["role"] == "member"


def test_delete_from_admin_needs_the_name_and_a_reason(app, people, db):
    mod = people["mod"]
    make_post(db, user(db, "cleo")["id"], "bye")
    response = mod.post("/admin/members/cleo/delete", {"reason": "spam", "confirm": "dan"})
    assert response.status_code == 422 and "Type the member" in response.get_data(as_text=True)
    assert mod.post("/admin/members/cleo/delete", {"confirm": "cleo"}).status_code == 422
    assert user(db, "cleo")["status"] == "active"
    assert mod.post("/admin/members/cleo/delete", {"reason": "spam bot", "confirm": "@cleo"}).status_code == 303
    row = user(db, "cleo")
    assert row["status"] == "deleted" and row["password_hash"] is None
    (entry,) = audit_rows(db, "delete_member")
    assert (entry["actor_name"], entry["target_name"], entry["reason"]) == ("mod", "cleo", "spam bot")
    assert app.test_client().get("/u/cleo").status_code == 404
    assert people["cleo"].client.get("/settings").status_code == 302
    assert AuthActions(app.test_client()).signup("cleo").status_code == 422  # the name stays taken


def test_members_page_searches_and_pages(people, db):
    page = people["mod"].client.get("/admin/members?q=cle").get_data(as_text=True)
    assert "@cleo" in page and "@dan" not in page
    for i in range(35):
        db.execute("INSERT INTO users (username, created_at) VALUES (?, 0)", (f"zz{i:02d}",))
    first = people["mod"].client.get("/admin/members?q=zz").get_data(as_text=True)
    assert "@zz00" in first and "@zz29" in first and "@zz30" not in first and "after=zz29" in first
    more = people["mod"].client.get("/admin/members?q=zz&after=zz29", headers=HTMX).get_data(as_text=True)
    assert "@zz30" in more and "@zz34" in more and "<html" not in more
    assert "@cleo" in people["mod"].client.get("/admin/members?status=active").get_data(as_text=True)
    assert "@cleo" not in people["mod"].client.get("/admin/members?status=suspended").get_data(as_text=True)


def test_member_page_shows_status_counts_posts_and_reports(people, db):
    post_id = make_post(db, user(db, "cleo")["id"], "a reported picture")
    people["dan"].post(f"/p/{post_id}/report", {"reason": "it is spam"})
    page = people["mod"].client.get("/admin/members/cleo").get_data(as_text=True)
    assert "a reported picture" in page and "it is spam" in page and "Suspend @cleo" in page
    body = people["mod"].client.get("/admin/members/cleo", headers=JSON).get_json()
    assert body["status"] == "active" and body["posts"] == 1 and body["reported"] == 1


def test_hide_and_unhide_a_post(people, db):
    post_id = make_post(db, user(db, "cleo")["id"], "borderline")
    mod, dan, cleo = people["mod"], people["dan"], people["cleo"]
    assert mod.post(f"/admin/posts/{post_id}/hide", {"reason": "gore"}).status_code == 303
    assert dan.client.get(f"/p/{post_id}").status_code == 404
    assert f'id="post-{post_id}"' not in dan.client.get("/latest").get_data(as_text=True)
    own = cleo.client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "Hidden by moderators" in own
    assert "Hidden by moderators" in cleo.client.get("/u/cleo").get_data(as_text=True)
    assert "hid your post" in cleo.client.get("/notifications").get_data(as_text=True)
    assert mod.post(f"/admin/posts/{post_id}/hide").status_code == 409
    assert mod.post(f"/admin/posts/{post_id}/unhide", {"reason": "on appeal"}).status_code == 303
    assert dan.client.get(f"/p/{post_id}").status_code == 200
    assert [row["action"] for row in audit_rows(db)] == ["hide_post", "unhide_post"]
    assert audit_rows(db)[0]["post_id"] == post_id and audit_rows(db)[0]["reason"] == "gore"


def test_held_post_is_seen_only_by_its_author_until_approved(people, db):
    cleo_id = user(db, "cleo")["id"]
    post_id = make_post(db, cleo_id, "waiting")
    db.execute("UPDATE posts SET moderation = 'held' WHERE id = ?", (post_id,))
    cleo, dan, mod = people["cleo"], people["dan"], people["mod"]
    assert "Waiting for review" in cleo.client.get(f"/p/{post_id}").get_data(as_text=True)
    assert dan.client.get(f"/p/{post_id}").status_code == 404
    assert "waiting" in mod.client.get("/admin/review").get_data(as_text=True)
    assert moderation.held_count(db) == 1
    assert mod.post(f"/admin/posts/{post_id}/approve").status_code == 303
    assert dan.client.get(f"/p/{post_id}").status_code == 200
    assert "approved your post" in cleo.client.get("/notifications").get_data(as_text=True)
    assert mod.post(f"/admin/posts/{post_id}/approve").status_code == 409
    assert audit_rows(db, "approve_post")[0]["post_id"] == post_id


def test_reject_deletes_the_held_post_and_tells_the_author(people, db):
    post_id = make_post(db, user(db, "cleo")["id"], "not ok")
    db.execute("UPDATE posts SET moderation = 'held' WHERE id = ?", (post_id,))
    response = people["mod"].post(f"/admin/posts/{post_id}/reject", {"reason": "breaks rule 2"}, htmx=True)
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert db.execute("SELECT deleted_at FROM posts WHERE id = ?", (post_id,)).fetchone()[0] is not None
    page = people["cleo"].client.get("/notifications").get_data(as_text=True)
    assert "did not approve your post" in page and "breaks rule 2" in page
    assert audit_rows(db, "reject_post")[0]["reason"] == "breaks rule 2"


def test_the_header_shows_moderators_the_open_reports(people, db):
    post_id = make_post(db, user(db, "cleo")["id"], "x")
    people["dan"].post(f"/p/{post_id}/report", {"reason": "spam"})
    page = people["mod"].client.get("/").get_data(as_text=True)
    assert 'id="moderation-link"' in page and "1 open report" in page
    assert 'id="moderation-link"' not in people["dan"].client.get("/").get_data(as_text=True)


def test_signed_out_post_to_admin_action_is_refused(app, people, db):
    client = app.test_client()
    token = AuthActions(client).token()
    response = client.post("/admin/members/cleo/suspend", data={"reason": "x", "csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert user(db, "cleo")["status"] == "active"


def test_nobody_can_like_reply_or_repost_a_hidden_post(people, db):
    post_id = make_post(db, user(db, "cleo")["id"], "hidden soon")
    people["mod"].post(f"/admin/posts/{post_id}/hide")
    dan = people["dan"]
    for verb in ("like", "repost", "bookmark"):
        assert dan.post(f"/p/{post_id}/{verb}", json=True).status_code == 404, verb
    assert dan.post(f"/p/{post_id}/reply", {"text": "hi"}, json=True).status_code == 404
    assert db.execute("SELECT like_count, repost_count, reply_count FROM posts WHERE id = ?",
                      (post_id,)).fetchone()[:] == (0, 0, 0)
    assert people["cleo"].post(f"/p/{post_id}/like", json=True).status_code == 200  # the author still can


def test_reposts_and_quotes_of_hidden_posts_do_not_show_them(people, db):
    from models import posts, social

    cleo, dan = user(db, "cleo")["id"], user(db, "dan")["id"]
    post_id = make_post(db, cleo, "original by cleo")
    social.repost(db, dan, post_id)
    quote_id = posts.quote(db, dan, post_id, "dan quotes cleo")
    people["mod"].post("/admin/members/cleo/suspend", {"reason": "spam"})
    page = people["ana"].client.get("/u/dan").get_data(as_text=True)
    assert "original by cleo" not in page  # neither the repost nor the quoted card
    assert f'id="post-{quote_id}"' in page and "dan quotes cleo" in page


@pytest.mark.parametrize("name", ["open_reports", "held_posts", "open_count", "held_count"])
def test_moderation_queues_read_an_index(db, name):
    from models import reports
    from models.posts import POST_COLUMNS, POST_FROM

    sql, params = {
        "open_reports": (f"{reports.REPORT_SQL} WHERE r.status = 'open' AND r.id > ? ORDER BY r.id LIMIT ?", (0, 30)),
        "held_posts": (f"SELECT {POST_COLUMNS} {POST_FROM} WHERE p.moderation = 'held' AND p.deleted_at IS NULL"
                       " AND p.id > 0 ORDER BY p.id LIMIT 20", ()),
        "open_count": ("SELECT count(*) FROM reports WHERE status = 'open'", ()),
        "held_count": ("SELECT count(*) FROM posts WHERE moderation = 'held' AND deleted_at IS NULL", ()),
    }[name]
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert not [step for step in plan if step.startswith("SCAN")], plan


def test_a_hidden_remix_is_a_placeholder_in_the_lineage(people, db):
    from tests.test_accounts_delete import remix

    parent = make_post(db, user(db, "dan")["id"], "the original")
    child = remix(db, user(db, "cleo")["id"], parent)
    page = people["ana"].client.get(f"/p/{parent}").get_data(as_text=True)
    assert f"/p/{child}" in page
    people["mod"].post(f"/admin/posts/{child}/hide")
    for path in (f"/p/{parent}", f"/p/{parent}/remixes"):
        page = people["ana"].client.get(path).get_data(as_text=True)
        assert f"/p/{child}" not in page and "post not available" in page, path
