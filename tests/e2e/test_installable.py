"""Installable and dark mode in a real browser (issue 9): the service worker shows the offline page when
there is no network and stays out of the way otherwise (real pages when online, htmx likes still work,
nothing but the offline page and its stylesheet and logo cached); the theme override beats the system's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import AuthActions, wait_for_status
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_journey import PASSWORD, watch_for_errors

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHED = """async () => {
  const names = await caches.keys();
  const urls = [];
  for (const name of names) {
    for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
  }
  return urls.sort();
}"""
LIGHT_BG, DARK_BG = "rgb(246, 245, 242)", "rgb(18, 17, 23)"


def expect_background(page: Page, colour: str) -> None:
    """The page's background, once the stylesheet has applied (a navigation may still be finishing)."""
    page.wait_for_function(f"() => getComputedStyle(document.body).backgroundColor === '{colour}'", timeout=5_000)


def two_members_and_a_post(app) -> int:
    backend = app.extensions.get("easel_backend")
    if hasattr(backend, "delay"):
        backend.delay = 0.02
    ana, budi_client = AuthActions(app.test_client()), app.test_client()
    budi = AuthActions(budi_client)
    assert ana.signup("ana", PASSWORD).status_code in (302, 303)
    assert budi.signup("budi", PASSWORD).status_code in (302, 303)
    generation_id = budi.generate("a lighthouse on a cliff at night")
    wait_for_status(budi_client, generation_id)
    answer = budi.post(f"/generations/{generation_id}/share", {"caption": "Night watch"}, json=True)
    return answer.get_json()["post_id"]


def test_offline_page_then_real_pages_and_htmx_likes(page: Page, context, easel_app, base_url, shot):
    post_id = two_members_and_a_post(easel_app)
    errors = watch_for_errors(page)
    sign_in(page, "ana")
    page.goto("/latest")
    page.wait_for_function(CONTROLLED, timeout=10_000)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == f"{base_url}/sw.js"

    # No network: a page shows the offline page, styled from the kept stylesheet, with nobody's account.
    context.set_offline(True)
    page.goto(f"/p/{post_id}")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page).to_have_url(f"{base_url}/p/{post_id}")  # "Try again" reloads the page that was asked for
    expect_background(page, LIGHT_BG)
    expect(page.locator(".nav-account")).to_have_count(0)
    shot(page, "offline")

    # Back online: the real page, straight from the network.
    context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_text("Night watch")).to_be_visible()
    expect(page.get_by_role("heading", name="You are offline")).to_have_count(0)
    expect(page.get_by_role("banner")).to_contain_text("@ana")

    # htmx still works through the worker: a like swaps its button and is stored.
    page.goto("/latest")
    like = page.locator(f"#post-{post_id} .act-like")
    like.click()
    expect(page.locator(f"#post-{post_id} .act-like")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#post-{post_id} .act-like .act-count")).to_have_text("1")
    page.reload()
    expect(page.locator(f"#post-{post_id} .act-like")).to_have_attribute("aria-pressed", "true")

    # Only the offline page and what it needs were kept: no pages, no htmx answers, no media.
    assert page.evaluate(CACHED) == ["/offline", "/static/css/easel.css", "/static/img/logo.svg"]
    assert not errors


@pytest.mark.parametrize("system", ["light", "dark"])
def test_theme_override_beats_the_system(page: Page, base_url, system):
    page.emulate_media(color_scheme=system)
    other = "dark" if system == "light" else "light"
    colours = {"light": LIGHT_BG, "dark": DARK_BG}
    page.goto("/explore")
    expect_background(page, colours[system])
    theme = page.get_by_role("form", name="Theme")
    expect(theme.get_by_role("button", name="Auto")).to_have_attribute("aria-pressed", "true")
    theme.get_by_role("button", name=other.title()).click()
    expect(page.locator("html")).to_have_attribute("data-theme", other)
    expect_background(page, colours[other])
    page.goto("/about")  # it sticks (a cookie), and the server draws it: no flash of the other palette
    expect(page.locator("html")).to_have_attribute("data-theme", other)
    page.get_by_role("form", name="Theme").get_by_role("button", name="Auto").click()
    expect(page.locator("html")).not_to_have_attribute("data-theme", other)
    expect_background(page, colours[system])


def test_member_sets_dark_in_settings(page: Page, easel_app):
    AuthActions(easel_app.test_client()).signup("ana", PASSWORD)
    page.emulate_media(color_scheme="light")
    sign_in(page, "ana")
    page.goto("/settings")
    page.get_by_label("Colours").select_option("dark")
    page.get_by_role("button", name="Save theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_label("Colours")).to_have_value("dark")
    expect_background(page, DARK_BG)
