"""Languages in a real browser (issue 9): a visitor switches to Bahasa Indonesia in the footer and stays
there; a member picks it in their settings and every page follows, their posts' times too; a browser
that asks for Indonesian gets it straight away."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import AuthActions
from tests.e2e.test_journey import PASSWORD, watch_for_errors
from tests.sharing_helpers import picture_post


def test_visitor_switches_language_in_the_footer(page: Page, easel_app, shot):
    assert AuthActions(easel_app.test_client()).signup("ana", PASSWORD).status_code == 303
    errors = watch_for_errors(page)
    page.goto("/explore")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page).to_have_url(re.compile(r"/explore$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("navigation", name="Utama")).to_contain_text("Jelajahi")
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_have_attribute("aria-pressed", "true")
    shot(page, "language-visitor-id")
    page.get_by_role("link", name="Masuk").first.click()
    expect(page.get_by_label("Nama pengguna", exact=True)).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("Username", exact=True)).to_be_visible()
    assert errors == []


def test_member_picks_indonesian_in_settings(page: Page, easel_app, shot):
    from models.db import connect

    ana = AuthActions(easel_app.test_client())
    assert ana.signup("ana", PASSWORD).status_code == 303
    db = connect(easel_app.config["DATABASE"])
    try:
        picture_post(easel_app, db, "ana", caption="Senja di pantai")
    finally:
        db.close()
    errors = watch_for_errors(page)
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/settings")
    page.get_by_label("Language of the interface").select_option("id")
    page.get_by_role("button", name="Save language").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_label("Bahasa tampilan")).to_have_value("id")
    shot(page, "language-settings-id")
    page.goto("/latest")
    expect(page.locator(".post time").first).to_have_text("baru saja")
    expect(page.get_by_role("button", name="Posting ulang").first).to_be_visible()
    assert errors == []


def test_indonesian_browser_gets_indonesian(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="id-ID")
    try:
        page = context.new_page()
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_role("heading", name="Selamat datang kembali")).to_be_visible()
    finally:
        context.close()
