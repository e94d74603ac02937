"""Invites: admins create and revoke them at /admin/invites; members at /invites when the instance allows."""

import re
import time

import pytest

from models import invites
from tests.registration_helpers import PASSWORD, community


@pytest.fixture
def env(tmp_path):
    with community(tmp_path, "invite", PUBLIC_URL="https://easel.example") as env:
        yield env


def invite_rows(env):
    return env.db.execute("SELECT * FROM invites ORDER BY id").fetchall()


def test_admin_creates_an_invite_and_sees_it_listed(env):
    response = env.admin.post("/admin/invites", {"max_uses": "5", "expires_in_days": "7"})
    assert response.status_code == 303
    [row] = invite_rows(env)
    assert response.headers["Location"] == f"/admin/invites?created={row['id']}"
    assert (row["max_uses"], row["uses"], row["revoked_at"]) == (5, 0, None)
    assert row["created_by"] == env.user("root")["id"]
    assert abs(row["expires_at"] - (time.time() + 7 * 86400)) < 60
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", row["code"])  # secrets.token_urlsafe(9)
    page = env.admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert row["code"] in page
    assert f"https://easel.example/signup?invite={row['code']}" in page  # the link, on the public URL
    assert "0 / 5" in page and "in 7 days" in page and "@root" in page
    [audit] = env.audit("create_invite")
    assert audit["actor_name"] == "root" and row["code"] in audit["detail"]


def test_unlimited_and_never(env):
    assert env.admin.post("/admin/invites", {"max_uses": "", "expires_in_days": ""}).status_code == 303
    [row] = invite_rows(env)
    assert (row["max_uses"], row["expires_at"]) == (None, None)
    page = env.admin.client.get("/admin/invites").get_data(as_text=True)
    assert "0 / ∞" in page and "never" in page


def test_codes_are_unique(env):
    for _ in range(5):
        env.admin.post("/admin/invites", {"max_uses": "1"})
    assert len({row["code"] for row in invite_rows(env)}) == 5


def test_json_create(env):
    response = env.admin.post("/admin/invites", {"max_uses": "1", "expires_in_days": "1"}, json=True)
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"] == f"https://easel.example/signup?invite={body['code']}"
    assert (body["max_uses"], body["uses"], body["status"], body["creator"]) == (1, 0, "active", "root")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("max_uses", "abc", "whole number"),
    ("max_uses", "-1", "whole number"),
    ("max_uses", "5000", "At most 1000 uses"),
    ("expires_in_days", "1.5", "whole number"),
    ("expires_in_days", "400", "At most 365 days"),
])
def test_bad_options_are_422_and_store_nothing(env, field, value, message):
    response = env.admin.post("/admin/invites", {field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="e-{field}"' in page and message in page
    response = env.admin.post("/admin/invites", {field: value}, json=True)
    assert response.status_code == 422 and message in response.get_json()["errors"][field]
    assert invite_rows(env) == [] and env.audit("create_invite") == []


def test_revoke_stops_the_invite_and_is_audited(env):
    env.admin.post("/admin/invites", {"max_uses": ""})
    [row] = invite_rows(env)
    assert env.admin.post(f"/admin/invites/{row['id']}/revoke").status_code == 303
    [row] = invite_rows(env)
    assert row["revoked_at"] is not None
    [audit] = env.audit("revoke_invite")
    assert audit["actor_name"] == "root" and row["code"] in audit["detail"]
    page = env.admin.client.get("/admin/invites").get_data(as_text=True)
    assert "revoked" in page
    # Revoking twice changes nothing and logs nothing more.
    env.admin.post(f"/admin/invites/{row['id']}/revoke")
    assert len(env.audit("revoke_invite")) == 1
    response = env.visitor().post("/signup", {"username": "bea", "password": PASSWORD, "invite": row["code"]})
    assert response.status_code == 422 and env.user("bea") is None


def test_revoke_unknown_invite_is_404(env):
    assert env.admin.post("/admin/invites/999/revoke").status_code == 404


def test_listing_shows_uses_and_state(env):
    env.admin.post("/admin/invites", {"max_uses": "1"})
    [row] = invite_rows(env)
    env.visitor().post("/signup", {"username": "bea", "password": PASSWORD, "invite": row["code"]})
    page = env.admin.client.get("/admin/invites").get_data(as_text=True)
    assert "1 / 1" in page and "used up" in page


# --- who may ---------------------------------------------------------------------------------------

def test_members_and_visitors_may_not_use_the_admin_page(env):
    member = env.member("bea")
    assert member.client.get("/admin/invites").status_code == 403
    assert member.post("/admin/invites", {"max_uses": "1"}).status_code == 403
    stranger = env.visitor()
    response = stranger.client.get("/admin/invites")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    env.admin.post("/admin/invites", {"max_uses": "1"})
    [row] = invite_rows(env)
    assert member.post(f"/admin/invites/{row['id']}/revoke").status_code == 403
    assert invite_rows(env)[0]["revoked_at"] is None and len(invite_rows(env)) == 1


def test_moderators_may_not_manage_invites(env):
    moderator = env.member("mo", role="moderator")
    assert moderator.client.get("/admin/invites").status_code == 403


def test_members_may_not_invite_unless_allowed(env):
    member = env.member("bea")
    assert member.client.get("/invites").status_code == 403
    response = member.post("/invites", {"max_uses": "1"})
    assert response.status_code == 403
    assert member.post("/invites", {"max_uses": "1"}, json=True).status_code == 403
    assert invite_rows(env) == []
    assert "Invite people" not in member.client.get("/").get_data(as_text=True)


def test_members_invite_when_allowed(env):
    env.set_mode("invite", members_can_invite=True)
    member = env.member("bea")
    assert "Invite people" in member.client.get("/").get_data(as_text=True)
    response = member.post("/invites", {"max_uses": "1", "expires_in_days": "7"})
    assert response.status_code == 303
    [row] = invite_rows(env)
    assert row["created_by"] == env.user("bea")["id"]
    assert env.audit("create_invite") == []  # members' own invites are not moderator actions
    page = member.client.get("/invites").get_data(as_text=True)
    assert row["code"] in page and "Your invites" in page
    # The invite works: a newcomer joins with it.
    newcomer = env.visitor()
    assert newcomer.post("/signup", {"username": "cy", "password": PASSWORD, "invite": row["code"]}).status_code == 303
    assert env.user("cy")["invite_id"] == row["id"]


def test_members_see_and_revoke_only_their_own(env):
    env.set_mode("invite", members_can_invite=True)
    env.admin.post("/admin/invites", {"max_uses": "1"})
    [admins] = invite_rows(env)
    member = env.member("bea")
    member.post("/invites", {"max_uses": "1"})
    own = invite_rows(env)[-1]
    page = member.client.get("/invites").get_data(as_text=True)
    assert own["code"] in page and admins["code"] not in page
    assert member.post(f"/invites/{admins['id']}/revoke").status_code == 404
    assert invites.get(env.db, admins["id"])["revoked_at"] is None
    assert member.post(f"/invites/{own['id']}/revoke").status_code == 303
    assert invites.get(env.db, own["id"])["revoked_at"] is not None


def test_invites_page_needs_sign_in(env):
    response = env.visitor().client.get("/invites")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_needs_csrf(env):
    assert env.admin.client.post("/admin/invites", data={"max_uses": "1"}).status_code == 400
    assert invite_rows(env) == []


# --- the model -------------------------------------------------------------------------------------

def test_problem_reasons(env):
    root = env.user("root")["id"]
    good = invites.create(env.db, root, max_uses=None, expires_in_days=None)
    assert invites.check(env.db, good["code"]) is None
    assert invites.check(env.db, "") == "missing"
    assert invites.check(env.db, "nope") == "unknown"
    assert invites.problem(good, at=time.time()) is None
    soon = invites.create(env.db, root, max_uses=None, expires_in_days=1)
    assert invites.problem(soon, at=time.time() + 2 * 86400) == "expired"
