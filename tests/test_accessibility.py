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
