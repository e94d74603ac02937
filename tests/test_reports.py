"""Reports: members report a post or a member; moderators hide, suspend or dismiss; the reporter is told."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from tests.moderation_helpers import HTMX, JSON, audit_rows, sign_up, user
from tests.test_search import make_post


@pytest.fixture
def people(app):
    return {"ana": sign_up(app, "ana"), "mod": sign_up(app, "mod", role="moderator"),
            "cleo": sign_up(app, "cleo"), "dan": sign_up(app, "dan")}


@pytest.fixture
def cleo_post(people, db):
    return make_post(db, user(db, "cleo")["id"], "cleo's picture", prompt="a lake")


def reports(db):
    return db.execute("SELECT * FROM reports ORDER BY id").fetchall()


def test_report_a_post_with_htmx_answers_thanks(people, cleo_post, db):
    dan = people["dan"]
    form = dan.client.get(f"/p/{cleo_post}/report", headers=HTMX).get_data(as_text=True)
    assert 'name="reason"' in form and 'name="csrf_token"' in form and "<html" not in form
    response = dan.post(f"/p/{cleo_post}/report", {"reason": "Spam, again"}, htmx=True)
    assert response.status_code == 201
    assert "Thanks, moderators will look at it" in response.get_data(as_text=True)
    (row,) = reports(db)
    assert (row["reporter_id"], row["target_user_id"], row["post_id"], row["reason"], row["status"]) == (
        user(db, "dan")["id"], user(db, "cleo")["id"], cleo_post, "Spam, again", "open")


def test_report_without_htmx_redirects_to_thanks(people, cleo_post):
    response = people["dan"].post(f"/p/{cleo_post}/report", {"reason": "spam"})
    assert response.status_code == 303
    page = people["dan"].client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thanks, moderators will look at it" in page


@pytest.mark.parametrize(("reason", "message"), [("", "Tell the moderators"), ("x" * 1001, "under 1000")])
def test_bad_reason_is_422_with_the_form(people, cleo_post, db, reason, message):
    for htmx in (False, True):
        response = people["dan"].post(f"/p/{cleo_post}/report", {"reason": reason}, htmx=htmx)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        assert 'name="reason"' in response.get_data(as_text=True)
    assert people["dan"].post(f"/p/{cleo_post}/report", {"reason": reason}, json=True).status_code == 422
    assert reports(db) == []


def test_cannot_report_yourself(people, cleo_post, db):
    response = people["cleo"].post(f"/p/{cleo_post}/report", {"reason": "me"})
    assert response.status_code == 422 and "cannot report yourself" in response.get_data(as_text=True)
    assert people["cleo"].post("/u/cleo/report", {"reason": "me"}).status_code == 422
    assert reports(db) == []


def test_signed_out_cannot_report_and_unknown_targets_404(app, people, cleo_post):
    client = app.test_client()
    assert client.get(f"/p/{cleo_post}/report").status_code == 302
    assert people["dan"].post("/p/9999/report", {"reason": "x"}).status_code == 404
    assert people["dan"].post("/u/nobody/report", {"reason": "x"}).status_code == 404


def test_report_menu_items_on_cards_and_profiles(people, cleo_post):
    dan, cleo = people["dan"], people["cleo"]
    assert f"/p/{cleo_post}/report" in dan.client.get("/latest").get_data(as_text=True)
    assert f"/p/{cleo_post}/report" not in cleo.client.get("/latest").get_data(as_text=True)  # own post
    assert "/u/cleo/report" in dan.client.get("/u/cleo").get_data(as_text=True)
    assert "/u/cleo/report" not in cleo.client.get("/u/cleo").get_data(as_text=True)


def test_hide_resolves_every_report_on_the_post_and_tells_each_reporter(people, cleo_post, db):
    people["dan"].post(f"/p/{cleo_post}/report", {"reason": "spam"})
    people["ana"].post(f"/p/{cleo_post}/report", {"reason": "also spam"})
    queue = people["mod"].client.get("/admin/reports").get_data(as_text=True)
    assert "spam" in queue and "also spam" in queue and "Hide post" in queue
    first = reports(db)[0]["id"]
    response = people["mod"].post(f"/admin/reports/{first}/hide", {"reason": "rule 1"})
    assert response.status_code == 303
    assert {(r["status"], r["outcome"]) for r in reports(db)} == {("resolved", "post_hidden")}
    assert {r["resolved_by"] for r in reports(db)} == {user(db, "mod")["id"]}
    assert db.execute("SELECT moderation FROM posts WHERE id = ?", (cleo_post,)).fetchone()[0] == "hidden"
    (entry,) = audit_rows(db, "hide_post")
    assert (entry["report_id"], entry["post_id"], entry["reason"]) == (first, cleo_post, "rule 1")
    for name in ("dan", "ana"):
        page = people[name].client.get("/notifications").get_data(as_text=True)
        assert "looked at your report and hid the post" in page
    assert people["dan"].client.get(f"/p/{cleo_post}").status_code == 404
    assert people["mod"].post(f"/admin/reports/{first}/dismiss").status_code == 422  # already handled
    closed = people["mod"].client.get("/admin/reports?show=closed").get_data(as_text=True)
    assert "post hidden" in closed and "Show the post again" in closed


def test_suspend_from_a_report(people, cleo_post, db):
    people["dan"].post("/u/cleo/report", {"reason": "harassment"})
    report_id = reports(db)[0]["id"]
    assert people["mod"].post(f"/admin/reports/{report_id}/suspend", {"reason": "harassment"}).status_code == 303
    assert user(db, "cleo")["status"] == "suspended"
    assert reports(db)[0]["outcome"] == "member_suspended"
    assert audit_rows(db, "suspend")[0]["report_id"] == report_id
    assert "suspended the member" in people["dan"].client.get("/notifications").get_data(as_text=True)
    assert people["cleo"].client.get("/settings").status_code == 302


def test_dismiss(people, cleo_post, db):
    people["dan"].post(f"/p/{cleo_post}/report", {"reason": "i dislike lakes"})
    report_id = reports(db)[0]["id"]
    response = people["mod"].post(f"/admin/reports/{report_id}/dismiss", {"reason": "no rule broken"}, htmx=True)
    assert response.status_code == 200 and "dismissed" in response.get_data(as_text=True)
    assert (reports(db)[0]["status"], reports(db)[0]["outcome"]) == ("dismissed", "dismissed")
    assert audit_rows(db, "dismiss_report")[0]["reason"] == "no rule broken"
    assert "decided it breaks no rule" in people["dan"].client.get("/notifications").get_data(as_text=True)
    assert people["dan"].client.get(f"/p/{cleo_post}").status_code == 200


def test_moderators_cannot_suspend_an_admin_from_a_report(people, db):
    people["dan"].post("/u/ana/report", {"reason": "bossy"})
    report_id = reports(db)[0]["id"]
    queue = people["mod"].client.get("/admin/reports").get_data(as_text=True)
    assert "Suspend @ana" not in queue
    assert people["mod"].post(f"/admin/reports/{report_id}/suspend").status_code == 403
    assert user(db, "ana")["status"] == "active" and reports(db)[0]["status"] == "open"


def test_open_reports_come_first_and_the_badge_counts_them(people, cleo_post, db):
    people["dan"].post(f"/p/{cleo_post}/report", {"reason": "one"})
    people["dan"].post("/u/cleo/report", {"reason": "two"})
    body = people["mod"].client.get("/admin/reports", headers=JSON).get_json()
    assert body["open"] == 2 and [r["reason"] for r in body["reports"]] == ["one", "two"]
    assert "2 open reports" in people["mod"].client.get("/").get_data(as_text=True)


def test_members_cannot_act_on_reports(people, cleo_post, db):
    people["dan"].post(f"/p/{cleo_post}/report", {"reason": "x"})
    report_id = reports(db)[0]["id"]
    for action in ("hide", "suspend", "dismiss"):
        assert people["dan"].post(f"/admin/reports/{report_id}/{action}").status_code == 403
    assert reports(db)[0]["status"] == "open"


def test_reports_are_rate_limited(tmp_path):
    app = make_app(tmp_path / "r", RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")
    sign_up(app, "ana")
    dan = sign_up(app, "dan")
    for _ in range(2):
        assert dan.post("/u/ana/report", {"reason": "x"}).status_code == 303
    response = dan.post("/u/ana/report", {"reason": "x"})
    assert response.status_code == 429 and response.headers["Retry-After"]
