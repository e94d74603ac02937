"""Running a community in real browsers (issue 7): the admin names the instance and switches it to
invite only, creates an invite, and a newcomer joins through its link and posts; then the admin
switches to approval, a visitor asks to join, waits, and gets in once the admin accepts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journey import GENERATION_TIMEOUT, PASSWORD, sign_up, watch_for_errors


def save_settings(page: Page, **choices) -> None:
    page.goto("/admin/settings")
    for label, value in choices.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")


def choose_mode(page: Page, mode_text: str) -> None:
    page.goto("/admin/settings")
    page.get_by_label(re.compile(mode_text)).check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")


def test_invite_only_then_approval(page: Page, browser, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")  # the first account: the admin, whatever the mode
    expect(page).to_have_url(f"{base_url}/studio")

    # --- The admin names the instance, writes rules, and makes it invite only.
    save_settings(page, **{"Name": "Riverside Pixel Club", "Rules": "1. **Be kind.**\n2. Credit remixes."})
    expect(page.locator(".brand")).to_have_text("Riverside Pixel Club")
    choose_mode(page, "Invite only")
    shot(page, "community-01-settings")

    # --- ...creates a one-use invite and takes its link.
    page.goto("/admin/invites")
    page.get_by_label("Number of uses").select_option("1")
    page.get_by_role("button", name="Create invite").click()
    link = page.locator("tr.is-new input.invite-link").input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/signup\?invite=[\w-]+", link)
    shot(page, "community-02-invites")

    newcomer_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    newcomer = newcomer_context.new_page()
    newcomer_errors = watch_for_errors(newcomer)
    try:
        # --- A visitor without an invite is stopped with a message next to the field.
        newcomer.goto(f"{base_url}/signup")
        expect(newcomer.get_by_text("Joining is by invite only")).to_be_visible()
        newcomer.get_by_label("Username", exact=True).fill("budi")
        newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
        newcomer.get_by_role("button", name="Create account").click()
        expect(newcomer.locator("#e-invite")).to_contain_text("Joining needs an invite")

        # --- With the link, the code is filled in and the newcomer is in.
        newcomer.goto(link)
        expect(newcomer.get_by_label("Invite code")).to_have_value(link.rsplit("=", 1)[1])
        shot(newcomer, "community-03-signup-invite")
        newcomer.get_by_label("Username", exact=True).fill("budi")
        newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
        newcomer.get_by_role("button", name="Create account").click()
        expect(newcomer).to_have_url(f"{base_url}/studio")

        # --- ...and posts.
        newcomer.get_by_label("Prompt", exact=True).fill("a heron on the river at dusk")
        newcomer.get_by_role("button", name="Generate").click()
        card = newcomer.locator("#generations .gen-card").first
        expect(card).to_have_attribute("data-status", "done", timeout=GENERATION_TIMEOUT)
        card.get_by_label("Caption").fill("My first picture here")
        card.get_by_role("button", name="Share to the feed").click()
        expect(newcomer).to_have_url(re.compile(r".*/p/\d+$"))
        assert newcomer_errors == []
    finally:
        newcomer_context.close()

    # --- The invite is used up.
    page.goto("/admin/invites")
    expect(page.locator("tbody tr").first).to_contain_text("1 / 1")
    expect(page.locator("tbody tr").first).to_contain_text("used up")

    # --- Approval: a visitor asks to join and waits.
    choose_mode(page, "Approval required")
    visitor_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    visitor = visitor_context.new_page()
    visitor_errors = watch_for_errors(visitor)
    try:
        visitor.goto(f"{base_url}/signup")
        visitor.get_by_label("Username", exact=True).fill("citra")
        visitor.get_by_label("Password", exact=True).fill(PASSWORD)
        visitor.get_by_label("Why do you want to join?").fill("I teach the Saturday sketch class.")
        visitor.get_by_role("button", name="Ask to join").click()
        expect(visitor).to_have_url(f"{base_url}/signup/waiting")
        expect(visitor.get_by_role("heading", name="You are on the waiting list")).to_be_visible()
        visitor.goto(f"{base_url}/login")
        visitor.get_by_label("Username", exact=True).fill("citra")
        visitor.get_by_label("Password", exact=True).fill(PASSWORD)
        visitor.get_by_role("button", name="Log in").click()
        expect(visitor.get_by_role("alert")).to_contain_text("waiting for a moderator")

        # --- The admin sees the badge, reads the note and accepts.
        page.goto("/")
        expect(page.locator(".whoami-btn .count-badge")).to_have_text("1")
        page.goto("/admin/signups")
        row = page.locator(".signup-row").filter(has_text="@citra")
        expect(row).to_contain_text("I teach the Saturday sketch class.")
        shot(page, "community-04-waiting-list")
        row.get_by_role("button", name="Accept").click()
        expect(page.get_by_role("status")).to_contain_text("@citra was accepted")
        expect(page.locator(".signup-row")).to_have_count(0)

        # --- Now the visitor gets in.
        visitor.get_by_label("Password", exact=True).fill(PASSWORD)
        visitor.get_by_role("button", name="Log in").click()
        expect(visitor).to_have_url(f"{base_url}/")
        expect(visitor.get_by_role("banner")).to_contain_text("@citra")
        # The only error: the browser logs the 403 of the refused sign-in, which is the answer we want.
        assert [e for e in visitor_errors if not ("status of 403" in e and e.endswith("/login)"))] == []
    finally:
        visitor_context.close()

    # --- The about page tells the world.
    page.goto("/about")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Pixel Club")
    expect(page.locator("#rules strong")).to_have_text("Be kind.")
    expect(page.get_by_text("Approval required")).to_be_visible()
    shot(page, "community-05-about")
    assert errors == []
