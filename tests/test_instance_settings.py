"""/admin/settings (admins only), the settings in the header and the studio's quotas, and /about."""

from html.parser import HTMLParser

import pytest

from models import instance
from tests.registration_helpers import community

GOOD = {
    "name": "Riverside Pixel Club",
    "description": "Pictures from the Riverside makers.",
    "rules": "1. **Be kind.**\n2. Credit remixes.",
    "contact": "admins@riverside.example",
    "registration_mode": "invite",
    "members_can_invite": "1",
    "generations_per_hour": "12",
    "queue_cap": "3",
    "block_ai_crawlers": "1",
}


@pytest.fixture
def env(tmp_path):
    with community(tmp_path, "approval") as env:
        yield env


def stored(env) -> dict:
    return {row["key"]: row["value"] for row in env.db.execute("SELECT key, value FROM instance_settings")}


def test_page_shows_current_values_with_config_defaults(env):
    page = env.admin.client.get("/admin/settings").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert 'value="Easel"' in page
    assert 'value="approval" checked' in page  # the app config's mode until an admin saves one
    assert 'value="30"' in page and 'value="5"' in page


def test_admin_saves_settings(env):
    response = env.admin.post("/admin/settings", GOOD)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/settings?saved=1"
    assert stored(env) == {"name": "Riverside Pixel Club", "description": "Pictures from the Riverside makers.",
                           "rules": "1. **Be kind.**\n2. Credit remixes.", "contact": "admins@riverside.example",
                           "registration_mode": "invite", "members_can_invite": "1",
                           "generations_per_hour": "12", "queue_cap": "3",
                           "block_ai_crawlers": "1", "hide_from_search": "0", "default_locale": "en"}
    page = env.admin.client.get("/admin/settings?saved=1").get_data(as_text=True)
    assert "Saved." in page and 'value="invite" checked' in page
    [audit] = env.audit("update_settings")
    assert audit["actor_name"] == "root"
    assert "registration_mode: approval -> invite" in audit["detail"] and "queue_cap: 5 -> 3" in audit["detail"]


def test_saving_nothing_new_logs_nothing(env):
    env.admin.post("/admin/settings", GOOD)
    env.admin.post("/admin/settings", GOOD)
    assert len(env.audit("update_settings")) == 1


def test_unchecked_box_turns_members_can_invite_off(env):
    env.admin.post("/admin/settings", GOOD)
    env.admin.post("/admin/settings", {**GOOD, "members_can_invite": ""})
    assert stored(env)["members_can_invite"] == "0"


def test_name_shows_in_title_and_header(env):
    env.admin.post("/admin/settings", GOOD)
    page = env.visitor().client.get("/explore").get_data(as_text=True)
    assert "&middot; Riverside Pixel Club</title>" in page
    assert "<span>Riverside Pixel Club</span>" in page


def test_json_save(env):
    response = env.admin.post("/admin/settings", GOOD, json=True)
    assert response.status_code == 200
    assert response.get_json()["settings"]["queue_cap"] == 3


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Give the instance a name"),
    ("name", "   ", "Give the instance a name"),
    ("name", "x" * 61, "at most 60 characters"),
    ("name", "two\nlines", "one line"),
    ("description", "x" * 301, "at most 300 characters"),
    ("rules", "x" * 10_001, "at most 10000 characters"),
    ("contact", "x" * 201, "at most 200 characters"),
    ("registration_mode", "everyone", "registration modes offered"),
    ("registration_mode", "", "registration modes offered"),
    ("generations_per_hour", "0", "from 1 to 10000"),
    ("generations_per_hour", "lots", "from 1 to 10000"),
    ("queue_cap", "101", "from 1 to 100"),
    ("queue_cap", "-1", "from 1 to 100"),
])
def test_bad_settings_are_422_and_store_nothing(env, field, value, message):
    response = env.admin.post("/admin/settings", {**GOOD, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="e-{field}"' in page and message in page and "Nothing was saved" in page
    response = env.admin.post("/admin/settings", {**GOOD, field: value}, json=True)
    assert response.status_code == 422 and message in response.get_json()["errors"][field]
    assert stored(env) == {} and env.audit("update_settings") == []


def test_members_moderators_and_visitors_may_not(env):
    for person in (env.member("bea"), env.member("mo", role="moderator")):
        assert person.client.get("/admin/settings").status_code == 403
        assert person.post("/admin/settings", GOOD).status_code == 403
    response = env.visitor().client.get("/admin/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert env.visitor().post("/admin/settings", GOOD).status_code == 302
    assert stored(env) == {}


def test_save_needs_csrf(env):
    assert env.admin.client.post("/admin/settings", data=GOOD).status_code == 400
    assert stored(env) == {}


# --- quotas ----------------------------------------------------------------------------------------

def test_queue_cap_setting_applies_in_the_studio(env):
    instance.save(env.db, {"queue_cap": 1})
    assert env.admin.post("/generations", {"prompt": "a red boat"}, json=True).status_code == 201
    response = env.admin.post("/generations", {"prompt": "a blue boat"})
    assert response.status_code == 429 and "You already have 1 pictures waiting" in response.get_data(as_text=True)


def test_hourly_quota_setting_applies_in_the_studio(env):
    instance.save(env.db, {"generations_per_hour": 1, "queue_cap": 10})
    assert env.admin.post("/generations", {"prompt": "a red boat"}, json=True).status_code == 201
    response = env.admin.post("/generations", {"prompt": "a blue boat"})
    assert response.status_code == 429 and "made 1 pictures in the last hour" in response.get_data(as_text=True)


def test_app_config_is_the_default_quota(tmp_path):
    with community(tmp_path, "open", QUEUE_CAP=1) as env:
        assert env.admin.post("/generations", {"prompt": "a red boat"}, json=True).status_code == 201
        assert env.admin.post("/generations", {"prompt": "a blue boat"}, json=True).status_code == 429
        instance.save(env.db, {"queue_cap": 2})  # an admin's setting wins over the config
        assert env.admin.post("/generations", {"prompt": "a blue boat"}, json=True).status_code == 201


# --- /about ----------------------------------------------------------------------------------------

def test_about_shows_the_instance(env):
    env.admin.post("/admin/settings", GOOD)
    moderator = env.member("mo", role="moderator")
    env.member("bea")
    env.db.execute("UPDATE users SET display_name = 'Mo the Mod' WHERE username = 'mo'")
    page = moderator.client.get("/about").get_data(as_text=True)
    assert "<h1>Riverside Pixel Club</h1>" in page and "Pictures from the Riverside makers." in page
    assert "<li><strong>Be kind.</strong></li>" in page
    assert '<a href="mailto:admins@riverside.example"' in page
    assert "@root" in page and "@mo" in page and "Mo the Mod" in page and "moderator" in page
    assert "@bea" not in page  # members are counted, not listed
    assert "3 members" in page
    assert "Invite only" in page
    assert "Easel version 0.7.0" in page


def test_about_lists_admins_before_moderators_and_skips_suspended(env):
    env.member("mo", role="moderator")
    env.member("ad", role="admin")
    env.member("gone", role="moderator")
    env.db.execute("UPDATE users SET status = 'suspended' WHERE username = 'gone'")
    body = env.visitor().client.get("/about", headers={"Accept": "application/json"}).get_json()
    assert body["admins"] == ["root", "ad"] and body["moderators"] == ["mo"]
    assert body["registration_mode"] == "approval" and body["version"] == "0.7.0"


@pytest.mark.parametrize("mode", ["open", "approval", "invite", "closed"])
def test_about_says_the_mode_in_words(env, mode):
    words = {"open": "anyone can sign up", "approval": "a moderator accepts each sign-up",
             "invite": "sign up with an invite code", "closed": "no new accounts"}
    env.set_mode(mode)
    assert words[mode] in env.visitor().client.get("/about").get_data(as_text=True)


EVIL = [
    ("<script>alert(1)</script>", "<script>"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ("[click](javascript:alert(1))", 'href="javascript:'),
    ("[click](JaVaScRiPt:alert(1))", "href=\"JaVaScRiPt:"),
    ("[click](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
    ("<a href='javascript:alert(1)'>x</a>", "<a href='javascript:"),
    ("![x](javascript:alert(1))", 'src="javascript:'),
    ("<javascript:alert(1)>", 'href="javascript:'),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
]


class Tags(HTMLParser):
    """Every element and attribute the browser would build from a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize(("rules", "forbidden"), EVIL)
def test_rules_markdown_is_rendered_safely(env, rules, forbidden):
    env.admin.post("/admin/settings", {**GOOD, "rules": rules})
    page = env.visitor().client.get("/about").get_data(as_text=True)
    rules_html = page[page.index('id="rules"'):page.index('id="staff-heading"')]
    assert forbidden.lower() not in rules_html.lower()
    parser = Tags()
    parser.feed(rules_html)
    for tag, attrs in parser.tags:
        assert tag in {"section", "h2", "div", "p", "a", "ul", "ol", "li", "strong", "em", "code"}, tag
        assert not any(name.startswith("on") or name in ("src", "style") for name in attrs), attrs
        assert attrs.get("href", "https:").lower().startswith(("https:", "http:", "mailto:", "#", "/")), attrs


def test_rules_links_are_kept_and_marked_nofollow(env):
    env.admin.post("/admin/settings", {**GOOD, "rules": "See [the club](https://example.org/club)."})
    page = env.visitor().client.get("/about").get_data(as_text=True)
    assert '<a href="https://example.org/club" rel="nofollow noopener noreferrer">the club</a>' in page


def test_about_without_settings_keeps_default_rules(env):
    page = env.visitor().client.get("/about").get_data(as_text=True)
    assert "<h1>Easel</h1>" in page and "Be kind" in page
