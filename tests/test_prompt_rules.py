"""Prompt rules: words and patterns in any language that refuse a prompt (nothing queued), or hold the
post it makes for a moderator's review."""

from __future__ import annotations

import pytest

from models import prompt_rules
from tests.conftest import make_app, wait_for_status
from tests.moderation_helpers import audit_rows, sign_up, user

REFUSED = "This prompt contains words this instance does not allow."


def generations(db) -> int:
    return db.execute("SELECT count(*) FROM generations").fetchone()[0]


@pytest.mark.parametrize(("pattern", "is_regex", "text", "hit"), [
    ("gore", False, "a GORE scene", True),
    ("gore", False, "a gorge at dawn", False),
    ("gore", False, "gore-soaked", True),
    ("blood bath", False, "a Blood   Bath here", True),
    ("Straße", False, "STRASSE at night", True),
    ("ＢＡＤ", False, "a bad word", True),
    ("кровь", False, "Кровь на снегу", True),
    ("кровь", False, "кровью", False),
    ("血", False, "一片血海", True),
    ("ヌード", False, "美しいヌード写真", True),
    ("é", False, "café", False),
    (r"n[a@]ked", True, "a N@KED statue", True),
    (r"^\d+$", True, "12345", True),
    (r"^\d+$", True, "a 12345", False),
])
def test_matching(pattern, is_regex, text, hit):
    assert prompt_rules.matches([(pattern, is_regex)], text) is hit


@pytest.mark.parametrize(("pattern", "is_regex", "code"), [
    ("", False, "empty"), ("   ", False, "empty"), ("x" * 201, False, "long"),
    ("(unclosed", True, "regex"), ("a|", True, "regex_empty"),
])
def test_validation(pattern, is_regex, code):
    assert prompt_rules.validate(pattern, is_regex)[0] == code


@pytest.fixture
def ana(app):
    return sign_up(app, "ana")  # the admin


def test_admin_adds_and_removes_rules_with_audit_rows(ana, db):
    assert ana.post("/admin/rules", {"pattern": "gore", "action": "refuse"}).status_code == 303
    assert ana.post("/admin/rules", {"pattern": "n[a@]ked", "is_regex": "1", "action": "hold"}).status_code == 303
    page = ana.client.get("/admin/rules").get_data(as_text=True)
    assert "gore" in page and "/n[a@]ked/" in page
    assert [row["detail"] for row in audit_rows(db, "add_prompt_rule")] == ["refuse: gore", "hold: /n[a@]ked/"]
    rule_id = db.execute("SELECT id FROM prompt_rules WHERE pattern = 'gore'").fetchone()[0]
    assert ana.post(f"/admin/rules/{rule_id}/delete").status_code == 303
    assert audit_rows(db, "remove_prompt_rule")[0]["detail"] == "refuse: gore"
    assert ana.post(f"/admin/rules/{rule_id}/delete").status_code == 404


@pytest.mark.parametrize(("form", "message"), [
    ({"pattern": "(oops", "is_regex": "1", "action": "refuse"}, "not a valid regular expression"),
    ({"pattern": "", "action": "refuse"}, "Write a word"),
    ({"pattern": "fine", "action": "explode"}, "Pick what the rule does"),
])
def test_bad_rules_are_422_with_the_form(ana, db, form, message):
    response = ana.post("/admin/rules", form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert 'name="pattern"' in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM prompt_rules").fetchone()[0] == 0 and audit_rows(db) == []


def test_duplicate_rule_is_422(ana, db):
    ana.post("/admin/rules", {"pattern": "gore", "action": "refuse"})
    response = ana.post("/admin/rules", {"pattern": "gore", "action": "refuse"})
    assert response.status_code == 422 and "already there" in response.get_data(as_text=True)


def test_refuse_rule_queues_nothing_and_names_nothing(app, ana, db):
    ana.post("/admin/rules", {"pattern": "gore", "action": "refuse"})
    ana.post("/admin/rules", {"pattern": "血", "action": "refuse"})
    for prompt in ("a Gore scene", "一片血海"):
        response = ana.post("/generations", {"prompt": prompt}, json=True)
        assert response.status_code == 422 and response.get_json()["errors"]["prompt"] == REFUSED
        page = ana.post("/generations", {"prompt": prompt})
        assert page.status_code == 422 and REFUSED in page.get_data(as_text=True)
        assert "gore" not in page.get_data(as_text=True).lower().replace(prompt.lower(), "")
    assert ana.post("/generations", {"prompt": "a quiet lake", "negative_prompt": "gore"}, json=True).status_code == 422
    assert generations(db) == 0
    assert ana.post("/generations", {"prompt": "a gorge at dawn"}, json=True).status_code == 201


def test_blocked_words_config_still_refuses(tmp_path):
    app = make_app(tmp_path / "b", BLOCKED_WORDS="spam, eggs")
    member = sign_up(app, "ana")
    assert member.post("/generations", {"prompt": "SPAM art"}, json=True).status_code == 422


def test_only_admins_edit_rules(app, ana, db):
    mod = sign_up(app, "mod", role="moderator")
    assert mod.client.get("/admin/rules").status_code == 403
    assert mod.post("/admin/rules", {"pattern": "x", "action": "refuse"}).status_code == 403


def test_hold_rule_holds_the_post_until_a_moderator_approves(app, worker, db):
    ana = sign_up(app, "ana")
    ana.post("/admin/rules", {"pattern": "nude", "action": "hold"})
    cleo, dan = sign_up(app, "cleo"), sign_up(app, "dan")
    dan.post("/u/cleo/follow")
    generation_id = cleo.generate("a nude statue in a park", seed="4")
    wait_for_status(cleo.client, generation_id)
    post_id = cleo.post(f"/generations/{generation_id}/share", {"caption": "marble"}, json=True).get_json()["post_id"]
    assert db.execute("SELECT moderation FROM posts WHERE id = ?", (post_id,)).fetchone()[0] == "held"
    assert "Waiting for review" in cleo.client.get(f"/p/{post_id}").get_data(as_text=True)
    assert dan.client.get(f"/p/{post_id}").status_code == 404
    assert f'id="post-{post_id}"' not in dan.client.get("/").get_data(as_text=True)
    assert f'id="post-{post_id}"' not in dan.client.get("/latest").get_data(as_text=True)
    assert "marble" in ana.client.get("/admin/review").get_data(as_text=True)
    assert ana.post(f"/admin/posts/{post_id}/approve").status_code == 303
    assert f'id="post-{post_id}"' in dan.client.get("/").get_data(as_text=True)
    assert "approved your post" in cleo.client.get("/notifications").get_data(as_text=True)
    (entry,) = audit_rows(db, "approve_post")
    assert (entry["post_id"], entry["target_user_id"]) == (post_id, user(db, "cleo")["id"])


def test_hold_rule_on_the_caption_and_reject(app, worker, db):
    ana = sign_up(app, "ana")
    ana.post("/admin/rules", {"pattern": "buy now", "action": "hold"})
    cleo = sign_up(app, "cleo")
    generation_id = cleo.generate("a lighthouse", seed="2")
    wait_for_status(cleo.client, generation_id)
    post_id = cleo.post(f"/generations/{generation_id}/share", {"caption": "BUY  NOW cheap"}, json=True).get_json()[
        "post_id"]
    assert db.execute("SELECT moderation FROM posts WHERE id = ?", (post_id,)).fetchone()[0] == "held"
    assert ana.post(f"/admin/posts/{post_id}/reject", {"reason": "advertising"}).status_code == 303
    assert db.execute("SELECT deleted_at FROM posts WHERE id = ?", (post_id,)).fetchone()[0] is not None
    assert "did not approve your post" in cleo.client.get("/notifications").get_data(as_text=True)
    assert audit_rows(db, "reject_post")[0]["reason"] == "advertising"
