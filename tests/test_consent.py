"""Training-data consent: off by default, a member-wide opt-in, per-post overrides, revoking, and
exactly which posts `consented_posts()` (the dataset export's source) returns."""

from pathlib import Path

import pytest

from models import consent
from tests.conftest import AuthActions, wait_for_status


def share(auth, client, prompt, **share_fields):
    generation_id = auth.generate(prompt)
    wait_for_status(client, generation_id)
    response = auth.post(f"/generations/{generation_id}/share", {"caption": prompt, **share_fields}, json=True)
    assert response.status_code == 201
    return response.get_json()["post_id"]


@pytest.fixture
def world(app, client, auth, worker):
    """ana has two picture posts, a reply and a repost; bob has one picture post. ana is signed in."""
    bob = AuthActions(app.test_client())
    bob.signup("bob")
    bob_post = share(bob, bob.client, "a blue whale")
    auth.signup("ana")
    first = share(auth, client, "a red fox in snow")
    second = share(auth, client, "a green forest", show_prompt="0")
    reply = auth.post(f"/p/{bob_post}/reply", {"text": "lovely"}, json=True).get_json()["post_id"]
    auth.post(f"/p/{bob_post}/repost")
    return {"bob": bob, "bob_post": bob_post, "first": first, "second": second, "reply": reply}


def consented_ids(db):
    return [row["id"] for row in consent.consented_posts(db)]


def set_member(auth, consent_on=True, attribution=False, **kwargs):
    fields = {}
    if consent_on:
        fields["training_consent"] = "1"
    if attribution:
        fields["training_attribution"] = "1"
    return auth.post("/settings/data/consent", fields, **kwargs)


def test_nobody_is_in_a_dataset_by_default(client, world, db):
    assert consented_ids(db) == []
    assert consent.consented_count(db) == (0, 0)
    client.post("/logout", data={"csrf_token": AuthActions(client).token()})
    page = client.get(f"/p/{world['first']}").get_data(as_text=True)
    assert "Not available for AI training." in page
    assert "Training use" not in page  # the control is the author's alone


def test_member_opt_in_covers_their_picture_posts_only(client, auth, world, db):
    response = set_member(auth)
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings/data#training")
    assert consented_ids(db) == [world["first"], world["second"]]  # no reply, no repost, not bob's
    assert consent.consented_count(db) == (2, 1)
    row = db.execute("SELECT training_consent, consent_changed_at FROM users WHERE username = 'ana'").fetchone()
    assert row["training_consent"] == 1 and row["consent_changed_at"] is not None
    page = world["bob"].client.get(f"/p/{world['first']}").get_data(as_text=True)
    assert "The author allows AI training use of this picture." in page
    assert "Not available for AI training." in world["bob"].client.get(f"/p/{world['bob_post']}").get_data(as_text=True)


def test_consented_rows_carry_what_a_dataset_needs(client, auth, world, db, app):
    set_member(auth, attribution=True)
    rows = {row["id"]: row for row in consent.consented_posts(db)}
    first = rows[world["first"]]
    assert first["post_id"] == world["first"] and first["username"] == "ana" and first["training_attribution"] == 1
    assert first["prompt"] == "a red fox in snow" and (first["width"], first["height"]) == (512, 512)
    assert first["backend"] == "builtin" and first["generator_version"] and first["model"] == ""
    assert (first["like_count"], first["repost_count"], first["remix_count"], first["remix_of"]) == (0, 0, 0, None)
    # A prompt the author keeps private stays private in datasets.
    assert rows[world["second"]]["prompt"] == "" and rows[world["second"]]["negative_prompt"] == ""
    media = consent.post_media_files(db, list(rows))
    assert set(media) == set(rows)
    name, width, height = media[world["first"]][0]
    assert first["media_names"] == name and (width, height) == (512, 512)
    assert (Path(app.config["MEDIA_DIR"]) / name).is_file() and name.endswith(".png")


def test_attribution_is_a_separate_choice(auth, world, db):
    set_member(auth, attribution=False)
    assert {row["training_attribution"] for row in consent.consented_posts(db)} == {0}
    set_member(auth, attribution=True)
    assert {row["training_attribution"] for row in consent.consented_posts(db)} == {1}


def test_per_post_override_both_ways_and_back(client, auth, world, db):
    bob = world["bob"]
    # bob is opted out, but allows this one picture.
    response = bob.post(f"/p/{world['bob_post']}/consent", {"consent": "allow"}, json=True)
    assert response.status_code == 200 and response.get_json() == {"consent": "allow", "allowed": True}
    assert consented_ids(db) == [world["bob_post"]]
    # ana opts in but refuses one picture.
    set_member(auth)
    auth.post(f"/p/{world['second']}/consent", {"consent": "refuse"})
    assert consented_ids(db) == [world["bob_post"], world["first"]]
    page = client.get(f"/p/{world['second']}").get_data(as_text=True)
    assert "Not available for AI training." in page and "(set for this picture)" in page
    # Back to following the member's setting.
    auth.post(f"/p/{world['second']}/consent", {"consent": "default"})
    assert consented_ids(db) == [world["bob_post"], world["first"], world["second"]]
    assert "(following your setting)" in client.get(f"/p/{world['second']}").get_data(as_text=True)


def test_revoking_removes_every_item_from_future_exports(auth, world, db):
    set_member(auth)
    auth.post(f"/p/{world['first']}/consent", {"consent": "allow"})
    assert consented_ids(db) == [world["first"], world["second"]]
    set_member(auth, consent_on=False)
    assert consented_ids(db) == [world["first"]]  # the explicit per-post yes still stands
    auth.post(f"/p/{world['first']}/consent", {"consent": "refuse"})
    assert consented_ids(db) == []


UNMODERATE = "UPDATE posts SET moderation = NULL WHERE id = :post"


@pytest.mark.parametrize(
    ("change", "undo"),
    [
        ("UPDATE posts SET moderation = 'hidden' WHERE id = :post", UNMODERATE),
        ("UPDATE posts SET moderation = 'held' WHERE id = :post", UNMODERATE),
        ("UPDATE users SET status = 'suspended' WHERE username = 'ana'",
         "UPDATE users SET status = 'active' WHERE username = 'ana'"),
        ("UPDATE posts SET deleted_at = 1 WHERE id = :post", "UPDATE posts SET deleted_at = NULL WHERE id = :post"),
    ],
)
def test_hidden_held_deleted_or_suspended_never_count(auth, world, db, change, undo):
    set_member(auth)
    db.execute(change, {"post": world["first"]})
    assert world["first"] not in consented_ids(db)
    assert consent.post_is_consented(db, world["first"]) is False
    db.execute(undo, {"post": world["first"]})
    assert world["first"] in consented_ids(db)
    assert consent.post_is_consented(db, world["first"]) is True


def test_consent_control_answers_its_partial(auth, world):
    response = auth.post(f"/p/{world['first']}/consent", {"consent": "allow"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div class="training-use"')
    assert "The author allows AI training use of this picture." in body and "Saved." in body


def test_plain_form_goes_back_to_the_post(auth, world):
    response = auth.post(f"/p/{world['first']}/consent", {"consent": "refuse"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/p/{world['first']}")


@pytest.mark.parametrize("value", ["", "yes", "ALLOW", "1"])
def test_bad_choice_is_422_and_changes_nothing(auth, world, db, value):
    response = auth.post(f"/p/{world['first']}/consent", {"consent": value}, json=True)
    assert response.status_code == 422 and "consent" in response.get_json()["errors"]
    htmx = auth.post(f"/p/{world['first']}/consent", {"consent": value}, htmx=True)
    assert htmx.status_code == 422 and "Choose allow, refuse" in htmx.get_data(as_text=True)
    assert db.execute("SELECT training_consent FROM posts WHERE id = ?", (world["first"],)).fetchone()[0] is None


def test_only_the_author_may_choose(client, auth, world, db):
    response = world["bob"].post(f"/p/{world['first']}/consent", {"consent": "allow"})
    assert response.status_code == 403
    assert db.execute("SELECT training_consent FROM posts WHERE id = ?", (world["first"],)).fetchone()[0] is None
    assert auth.post("/p/999/consent", {"consent": "allow"}).status_code == 404
    assert auth.post(f"/p/{world['reply']}/consent", {"consent": "allow"}).status_code == 404  # no picture
    auth.logout()
    signed_out = auth.post(f"/p/{world['first']}/consent", {"consent": "allow"})
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    assert consented_ids(db) == []


def test_settings_page_shows_the_choices(client, auth, world):
    page = client.get("/settings/data").get_data(as_text=True)
    assert 'name="training_consent"' in page and 'name="training_attribution"' in page
    assert 'name="csrf_token"' in page and "Privacy and data" in page
    set_member(auth, attribution=True)
    page = client.get("/settings/data").get_data(as_text=True)
    assert "Saved. Datasets made from now on follow your choice." in page
    assert page.count("checked") >= 2
    assert client.get("/settings/data").get_data(as_text=True).count("Saved. Datasets") == 0


def test_consent_json_and_bad_values(auth, world, db):
    response = set_member(auth, attribution=True, json=True)
    assert response.get_json() == {"training_consent": True, "training_attribution": True}
    bad = auth.post("/settings/data/consent", {"training_consent": "maybe"}, json=True)
    assert bad.status_code == 422 and "training_consent" in bad.get_json()["errors"]
    page = auth.post("/settings/data/consent", {"training_attribution": "sure"})
    assert page.status_code == 422 and "Nothing was saved" in page.get_data(as_text=True)
    row = db.execute("SELECT training_consent, training_attribution FROM users WHERE username = 'ana'").fetchone()
    assert tuple(row) == (1, 1)


def test_signed_out_visitors_cannot_change_settings(client, auth, world, db):
    auth.logout()
    assert client.get("/settings/data").status_code == 302
    response = set_member(auth)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert consented_ids(db) == []
