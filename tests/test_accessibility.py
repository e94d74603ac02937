"""Accessibility in the markup (issue 9): alt text everywhere, labelled icons, toggles with
aria-pressed, polite live regions, the keyboard help. The browser side (axe, focus, j/k/l) is in
tests/e2e/test_accessibility.py."""

from __future__ import annotations

import re

import pytest

from tests.conftest import wait_for_status


@pytest.fixture
def shared_post(auth, client, worker, db):
    """ana's shared picture whose alt text was left empty (as an import or a remote post can be)."""
    auth.signup("ana")
    generation_id = auth.generate("a kite over the rice terraces")
    wait_for_status(client, generation_id)
    post_id = auth.post(f"/generations/{generation_id}/share", {"caption": "Kites"}, json=True).get_json()["post_id"]
    db.execute("UPDATE post_media SET alt = '' WHERE post_id = ?", (post_id,))
    db.commit()
    return post_id


def image_alts(html: str) -> list[str]:
    return re.findall(r'<img src="/media/[^"]+"[^>]*?alt="([^"]*)"', html)


def test_shared_alt_defaults_to_the_prompt(auth, client, worker):
    auth.signup("ana")
    generation_id = auth.generate("a kite over the rice terraces")
    wait_for_status(client, generation_id)
    post_id = auth.post(f"/generations/{generation_id}/share", {"caption": "Kites"}, json=True).get_json()["post_id"]
    assert image_alts(client.get(f"/p/{post_id}").get_data(as_text=True)) == ["a kite over the rice terraces"]


@pytest.mark.parametrize("path", ["/p/{id}", "/latest", "/u/ana", "/u/ana/media"])
def test_an_image_without_alt_text_still_has_one(client, shared_post, path):
    html = client.get(path.format(id=shared_post)).get_data(as_text=True)
    alts = image_alts(html)
    assert alts, html
    assert "" not in alts
    assert "A picture by @ana" in alts


def test_quoted_and_reported_images_have_alt_text(auth, client, shared_post):
    auth.logout()
    auth.signup("budi")
    quote = auth.post(f"/p/{shared_post}/quote", {"text": "Look"}, json=True).get_json()["post_id"]
    assert "A picture by @ana" in image_alts(client.get(f"/p/{quote}").get_data(as_text=True))
    assert auth.post(f"/p/{shared_post}/report", {"reason": "spam"}, json=True).status_code == 201
    auth.logout()
    auth.login("ana")  # the first member: the admin
    assert "A picture by @ana" in image_alts(client.get("/admin/reports").get_data(as_text=True))


def test_follow_button_is_a_toggle(auth):
    auth.signup("budi")
    auth.logout()
    auth.signup("ana")
    html = auth.client.get("/u/budi").get_data(as_text=True)
    assert re.search(r'<button[^>]*aria-pressed="false"[^>]*>\s*Follow\s*<', html)
    html = auth.post("/u/budi/follow", htmx=True).get_data(as_text=True)
    assert re.search(r'<button[^>]*aria-pressed="true"[^>]*>\s*Following\s*<', html)


def test_counts_in_badges_are_read_as_words(auth, client, shared_post):
    auth.logout()
    auth.signup("budi")
    auth.post(f"/p/{shared_post}/like")
    auth.logout()
    auth.login("ana")
    html = client.get("/").get_data(as_text=True)
    badge = re.search(r'<a id="notif-link".*?</a>', html, re.S).group(0)
    assert '<span class="count-badge" aria-hidden="true">1</span>' in badge
    assert '<span class="visually-hidden">1 unread</span>' in badge
    assert "aria-label" not in badge


def test_studio_card_announces_its_status_not_every_poll(auth, client, worker):
    auth.signup("ana")
    generation_id = auth.generate("paper lanterns by a lake")
    html = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r'data-announce="(Waiting in the queue|Drawing the picture…)"', html)
    assert 'role="status"' not in html  # the 1 s poll would read it out each time
    wait_for_status(client, generation_id)
    html = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-announce="Picture ready: paper lanterns by a lake"' in html


def test_reply_and_report_answers_say_where_the_focus_goes(auth, client, shared_post):
    answer = auth.post(f"/p/{shared_post}/reply", {"text": "Nice"}, htmx=True).get_data(as_text=True)
    assert re.search(r'<article class="post" id="post-\d+" tabindex="-1" data-focus-after-swap>', answer)
    answer = auth.post(f"/p/{shared_post}/reply", {"text": ""}, htmx=True).get_data(as_text=True)
    assert re.search(r'<textarea id="reply-text"[^>]*data-focus-after-swap', answer)
    page = client.get(f"/p/{shared_post}").get_data(as_text=True)
    assert "data-focus-after-swap" not in page  # only in htmx answers
    auth.logout()
    auth.signup("budi")
    form = client.get(f"/p/{shared_post}/report", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r"<textarea [^>]*data-focus-after-swap", form)
    thanks = auth.post(f"/p/{shared_post}/report", {"reason": "spam"}, htmx=True).get_data(as_text=True)
    assert re.search(r'<p class="notice notice-ok" role="status" tabindex="-1" data-focus-after-swap>', thanks)


def test_about_lists_the_keyboard_shortcuts(client):
    html = client.get("/about").get_data(as_text=True)
    assert "Keyboard shortcuts" in html
    assert "<kbd>j</kbd>" in html and "<kbd>k</kbd>" in html and "<kbd>l</kbd>" in html


def test_every_page_loads_the_accessibility_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<script src="/static/js/a11y.js" defer></script>' in html
    response = client.get("/static/js/a11y.js")
    assert response.status_code == 200
    response.close()


def test_a_share_form_in_error_marks_and_focuses_its_field(auth, client, worker, app):
    auth.signup("ana")
    generation_id = auth.generate("a kite over the rice terraces")
    wait_for_status(client, generation_id)
    answer = auth.post(
        f"/generations/{generation_id}/share", {"caption": "x" * (app.config["CAPTION_MAX"] + 1)}, htmx=True
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    caption = re.search(r'<textarea id="caption-\d+"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in caption and "data-focus-after-swap" in caption
    assert re.search(r'<p class="field-error" id="e-caption-\d+" role="alert">', html)
