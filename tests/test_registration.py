"""Registration modes at /signup (open, approval, invite, closed) and the moderators' waiting list."""

import pytest

from models import invites
from tests.registration_helpers import PASSWORD, community, signed_in

JSON = {"Accept": "application/json"}


@pytest.fixture
def approval(tmp_path):
    with community(tmp_path, "approval") as env:
        env.admin.logout()
        yield env


def ask_to_join(env, username="bea", note="I draw birds.", **extra):
    person = env.visitor()
    response = person.post("/signup", {"username": username, "password": PASSWORD, "note": note, **extra})
    return person, response


# --- the first account -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["open", "approval", "invite", "closed"])
def test_first_account_is_an_active_admin_whatever_the_mode(tmp_path, mode):
    with community(tmp_path, mode) as env:
        root = env.user("root")
        assert (root["role"], root["status"], root["invite_id"]) == ("admin", "active", None)
        assert signed_in(env.admin.client)


def test_a_new_instance_defaults_to_approval(tmp_path):
    from app import DEFAULTS

    assert DEFAULTS["REGISTRATION_MODE"] == "approval"


def test_saved_mode_wins_over_the_app_config(approval):
    approval.set_mode("open")
    person, response = ask_to_join(approval)
    assert response.status_code == 303 and response.headers["Location"] == "/studio"
    assert approval.user("bea")["status"] == "active"


# --- open ------------------------------------------------------------------------------------------

def test_open_signs_up_and_signs_in_at_once(tmp_path):
    with community(tmp_path, "open") as env:
        page = env.visitor().client.get("/signup").get_data(as_text=True)
        assert 'name="note"' not in page and 'name="invite"' not in page
        person, response = ask_to_join(env)
        assert response.status_code == 303
        row = env.user("bea")
        assert (row["role"], row["status"], row["signup_note"]) == ("member", "active", "")
        assert signed_in(person.client)


# --- approval --------------------------------------------------------------------------------------

def test_approval_form_asks_why(approval):
    page = approval.visitor().client.get("/signup").get_data(as_text=True)
    assert 'name="note"' in page and "Why do you want to join?" in page
    assert "approved by a moderator" in page


def test_approval_puts_the_newcomer_on_the_waiting_list(approval):
    person, response = ask_to_join(approval, note="  I run the Thursday workshop.\r\nThanks!  ")
    assert response.status_code == 303 and response.headers["Location"] == "/signup/waiting"
    row = approval.user("bea")
    assert (row["status"], row["role"]) == ("pending", "member")
    assert row["signup_note"] == "I run the Thursday workshop.\nThanks!"
    assert not signed_in(person.client)
    page = person.client.get("/signup/waiting").get_data(as_text=True)
    assert "You are on the waiting list" in page and "@bea" in page


def test_approval_json(approval):
    person = approval.visitor()
    response = person.post("/signup", {"username": "bea", "password": PASSWORD}, json=True)
    assert response.status_code == 202
    assert response.get_json() == {"ok": True, "username": "bea", "status": "pending"}


def test_approval_note_too_long_is_422_and_stores_nothing(approval):
    before = approval.count_users()
    person, response = ask_to_join(approval, note="x" * 501)
    assert response.status_code == 422
    assert 'id="e-note"' in response.get_data(as_text=True)
    assert approval.count_users() == before


@pytest.mark.parametrize(("decision", "status", "message"), [
    ("approve", None, None),
    ("reject", "rejected", "was not accepted"),
])
def test_pending_member_cannot_sign_in_until_accepted(approval, decision, status, message):
    ask_to_join(approval)
    person = approval.visitor()
    response = person.login("bea", PASSWORD)
    assert response.status_code == 403
    assert "waiting for a moderator" in response.get_data(as_text=True)
    assert not signed_in(person.client)
    # A wrong password learns nothing about the application.
    wrong = person.login("bea", "wrong password")
    assert wrong.status_code == 422 and "waiting" not in wrong.get_data(as_text=True)

    approval.admin.login("root", PASSWORD)
    bea = approval.user("bea")
    assert approval.admin.post(f"/admin/signups/{bea['id']}/{decision}").status_code == 303
    response = person.login("bea", PASSWORD)
    if decision == "approve":
        assert response.status_code == 303 and signed_in(person.client)
        assert approval.user("bea")["status"] == "active"
    else:
        assert response.status_code == 403 and message in response.get_data(as_text=True)
        assert approval.user("bea")["status"] == status
        assert not signed_in(person.client)


def test_pending_login_json_is_403(approval):
    ask_to_join(approval)
    response = approval.visitor().post("/login", {"username": "bea", "password": PASSWORD}, json=True)
    assert response.status_code == 403 and "waiting for a moderator" in response.get_json()["error"]


def test_waiting_list_shows_requests_with_a_badge(approval):
    ask_to_join(approval, "bea", note="I draw birds.")
    ask_to_join(approval, "cy", note="")
    approval.admin.login("root", PASSWORD)
    header = approval.admin.client.get("/").get_data(as_text=True)
    assert "2 sign-ups waiting" in header and 'href="/admin/signups"' in header
    page = approval.admin.client.get("/admin/signups").get_data(as_text=True)
    assert "@bea" in page and "I draw birds." in page and "@cy" in page
    assert page.index("@bea") < page.index("@cy")  # first come, first served
    body = approval.admin.client.get("/admin/signups", headers=JSON).get_json()
    assert [w["username"] for w in body["waiting"]] == ["bea", "cy"]


@pytest.mark.parametrize(("decision", "status", "action"), [
    ("approve", "active", "approve_signup"),
    ("reject", "rejected", "reject_signup"),
])
def test_each_decision_is_audited(approval, decision, status, action):
    ask_to_join(approval)
    approval.admin.login("root", PASSWORD)
    bea = approval.user("bea")
    response = approval.admin.post(f"/admin/signups/{bea['id']}/{decision}", {"reason": "looks fine"})
    assert response.status_code == 303
    assert approval.user("bea")["status"] == status
    [row] = approval.audit(action)
    assert (row["actor_name"], row["target_user_id"], row["target_name"], row["reason"]) == (
        "root", bea["id"], "bea", "looks fine")
    assert "@bea" not in approval.admin.client.get("/admin/signups").get_data(as_text=True)
    # Deciding again (another tab, another moderator) changes nothing.
    again = approval.admin.post(f"/admin/signups/{bea['id']}/approve")
    assert again.status_code == 409
    assert approval.user("bea")["status"] == status and len(approval.audit(action)) == 1


def test_moderators_decide_too(approval):
    person, _ = ask_to_join(approval, "mod")
    approval.db.execute("UPDATE users SET status = 'active', role = 'moderator' WHERE username = 'mod'")
    ask_to_join(approval, "bea")
    person.login("mod", PASSWORD)
    bea = approval.user("bea")
    assert person.client.get("/admin/signups").status_code == 200
    assert person.post(f"/admin/signups/{bea['id']}/approve", json=True).get_json()["status"] == "active"
    assert approval.audit("approve_signup")[-1]["actor_name"] == "mod"


def test_members_and_visitors_may_not_decide(approval):
    approval.set_mode("open")
    member, _ = ask_to_join(approval, "member")
    approval.set_mode("approval")
    ask_to_join(approval, "bea")
    bea = approval.user("bea")
    assert member.client.get("/admin/signups").status_code == 403
    assert member.post(f"/admin/signups/{bea['id']}/approve").status_code == 403
    stranger = approval.visitor()
    response = stranger.client.get("/admin/signups")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stranger.post(f"/admin/signups/{bea['id']}/approve").status_code == 302
    assert approval.user("bea")["status"] == "pending" and approval.audit("approve_signup") == []


def test_decision_needs_csrf(approval):
    ask_to_join(approval)
    approval.admin.login("root", PASSWORD)
    bea = approval.user("bea")
    assert approval.admin.client.post(f"/admin/signups/{bea['id']}/approve").status_code == 400
    assert approval.user("bea")["status"] == "pending"


def test_approval_with_an_invite_skips_the_waiting_list(approval):
    invite = invites.create(approval.db, approval.user("root")["id"], max_uses=1, expires_in_days=None)
    person = approval.visitor()
    page = person.client.get(f"/signup?invite={invite['code']}").get_data(as_text=True)
    assert f'value="{invite["code"]}"' in page and 'name="note"' not in page
    response = person.post("/signup", {"username": "bea", "password": PASSWORD, "invite": invite["code"]})
    assert response.status_code == 303 and signed_in(person.client)
    row = approval.user("bea")
    assert (row["status"], row["invite_id"]) == ("active", invite["id"])
    # An invite given in approval mode must still be good.
    response = approval.visitor().post("/signup", {"username": "cy", "password": PASSWORD, "invite": invite["code"]})
    assert response.status_code == 422 and approval.user("cy") is None


# --- invite only -----------------------------------------------------------------------------------

@pytest.fixture
def invite_only(tmp_path):
    with community(tmp_path, "invite") as env:
        env.admin.logout()
        yield env


def make_invite(env, **options):
    options = {"max_uses": None, "expires_in_days": None, **options}
    return invites.create(env.db, env.user("root")["id"], **options)


def test_invite_link_prefills_the_code(invite_only):
    invite = make_invite(invite_only)
    page = invite_only.visitor().client.get(f"/signup?invite={invite['code']}").get_data(as_text=True)
    assert 'name="invite"' in page and f'value="{invite["code"]}"' in page
    assert "by invite only" in page


def test_good_invite_signs_up_counts_the_use_and_remembers_it(invite_only):
    invite = make_invite(invite_only, max_uses=2)
    person = invite_only.visitor()
    response = person.post("/signup", {"username": "bea", "password": PASSWORD, "invite": invite["code"]})
    assert response.status_code == 303 and signed_in(person.client)
    row = invite_only.user("bea")
    assert (row["status"], row["invite_id"]) == ("active", invite["id"])
    assert invites.get(invite_only.db, invite["id"])["uses"] == 1


def expire(env, invite):
    env.db.execute("UPDATE invites SET expires_at = 1 WHERE id = ?", (invite["id"],))


def use_up(env, invite):
    env.db.execute("UPDATE invites SET max_uses = 3, uses = 3 WHERE id = ?", (invite["id"],))


def revoke(env, invite):
    invites.revoke(env.db, invite["id"])


@pytest.mark.parametrize(("spoil", "code", "message"), [
    (None, "", "Joining needs an invite"),
    (None, "not-a-code", "does not exist"),
    (None, "x" * 200, "does not exist"),
    (expire, None, "has expired"),
    (use_up, None, "used as many times as it allows"),
    (revoke, None, "was withdrawn"),
])
def test_bad_invite_is_422_and_stores_nothing(invite_only, spoil, code, message):
    invite = make_invite(invite_only)
    if spoil:
        spoil(invite_only, invite)
    uses = invites.get(invite_only.db, invite["id"])["uses"]
    before = invite_only.count_users()
    person = invite_only.visitor()
    response = person.post("/signup", {"username": "bea", "password": PASSWORD,
                                       "invite": invite["code"] if code is None else code})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="e-invite"' in page and message in page
    assert invite_only.count_users() == before
    assert invites.get(invite_only.db, invite["id"])["uses"] == uses
    assert not signed_in(person.client)


def test_bad_invite_json(invite_only):
    response = invite_only.visitor().post("/signup", {"username": "bea", "password": PASSWORD, "invite": "nope"},
                                          json=True)
    assert response.status_code == 422
    assert "does not exist" in response.get_json()["errors"]["invite"]


def test_one_use_lets_exactly_one_person_in(invite_only):
    invite = make_invite(invite_only, max_uses=1)
    first = invite_only.visitor().post("/signup", {"username": "bea", "password": PASSWORD, "invite": invite["code"]})
    second = invite_only.visitor().post("/signup", {"username": "cy", "password": PASSWORD, "invite": invite["code"]})
    assert (first.status_code, second.status_code) == (303, 422)
    assert invites.get(invite_only.db, invite["id"])["uses"] == 1
    assert invite_only.user("cy") is None


def test_taken_username_does_not_spend_the_invite(invite_only):
    invite = make_invite(invite_only, max_uses=1)
    response = invite_only.visitor().post("/signup", {"username": "root", "password": PASSWORD,
                                                      "invite": invite["code"]})
    assert response.status_code == 422 and "taken" in response.get_data(as_text=True)
    assert invites.get(invite_only.db, invite["id"])["uses"] == 0


def test_redeem_in_a_race_is_all_or_nothing(invite_only):
    """The use is counted in the sign-up's transaction: a code used up between the check and the insert
    makes the insert fail with nothing stored."""
    from models import users

    invite = make_invite(invite_only, max_uses=1)
    use_up(invite_only, invite)
    with pytest.raises(invites.InviteInvalid):
        users.create_user(invite_only.db, "bea", PASSWORD, mode="invite", invite_code=invite["code"])
    assert invite_only.user("bea") is None


# --- closed ----------------------------------------------------------------------------------------

@pytest.fixture
def closed(tmp_path):
    with community(tmp_path, "closed") as env:
        env.admin.logout()
        yield env


def test_closed_page_says_so(closed):
    response = closed.visitor().client.get("/signup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "not taking new members" in page and 'name="password"' not in page
    # no header button leading to a door that is closed
    explore = closed.visitor().client.get("/explore").get_data(as_text=True)
    assert 'href="/signup"' not in explore and 'href="/login' in explore


def test_closed_post_is_403_and_stores_nothing(closed):
    before = closed.count_users()
    person, response = ask_to_join(closed)
    assert response.status_code == 403 and "not taking new members" in response.get_data(as_text=True)
    response = closed.visitor().post("/signup", {"username": "cy", "password": PASSWORD}, json=True)
    assert response.status_code == 403 and "not taking new members" in response.get_json()["error"]
    assert closed.count_users() == before


def test_closed_refuses_invites_too(closed):
    invite = make_invite(closed)
    person, response = ask_to_join(closed, invite=invite["code"])
    assert response.status_code == 403 and closed.user("bea") is None
    assert invites.get(closed.db, invite["id"])["uses"] == 0


def test_the_waiting_count_reads_its_partial_index(db):
    """Every moderator's header counts the waiting list: an index search, not a scan of all members."""
    from models import registration

    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + registration.WAITING_COUNT_SQL)]
    # either partial index answers it: the waiting list's own (users_status) or local members' by status
    assert plan in (["SEARCH users USING INDEX users_status (status=?)"],
                    ["SEARCH users USING INDEX users_local_status (status=?)"]), plan


def test_the_about_page_reads_staff_and_member_count_from_indexes(db):
    """/about lists staff and counts members for every visitor: index searches, not a walk of every member."""
    from models import registration

    def plan(sql):
        return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]

    assert plan(registration.STAFF_SQL)[0] == "SEARCH users USING INDEX users_staff (role=?)"
    assert plan(registration.ACTIVE_COUNT_SQL) == ["SEARCH users USING INDEX users_local_status (status=?)"]
