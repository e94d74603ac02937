"""Running a community in real browsers (issue 7): an admin switches the instance to invite only and
creates an invite; a newcomer joins with it and posts a picture; a member reports the post from its
"…" menu; the admin hides it from the report queue, and the reporter reads the outcome."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journey import GENERATION_TIMEOUT, sign_up, watch_for_errors


def new_page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    return context, page, watch_for_errors(page)


def test_invite_join_post_report_hide_and_the_reporter_is_told(page: Page, browser, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")  # the first account: the admin
    expect(page).to_have_url(f"{base_url}/studio")
    budi_context, budi, budi_errors = new_page(browser, base_url)
    cici_context, cici, cici_errors = new_page(browser, base_url)
    try:
        sign_up(budi, "budi")  # joins while sign-up is still open
        expect(budi).to_have_url(f"{base_url}/studio")

        # --- The admin switches to invite only and creates an invite.
        page.goto("/admin")
        expect(page.get_by_role("heading", name="Administration")).to_be_visible()
        page.locator(".admin-nav").get_by_role("link", name="Instance settings").click()
        expect(page).to_have_url(f"{base_url}/admin/settings")
        invite_only = page.get_by_role("radio", name="Invite only: sign up with an invite code")
        invite_only.check()
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        expect(invite_only).to_be_checked()
        page.goto("/admin/invites")
        page.get_by_role("button", name="Create invite").click()
        link = page.locator("input.invite-link").first
        expect(link).to_be_visible()
        invite_url = link.input_value()
        shot(page, "moderation-01-invite")

        # --- Without the invite nobody gets in; with it the newcomer joins and posts a picture.
        cici.goto("/signup")
        expect(cici.get_by_text("Joining is by invite only")).to_be_visible()
        cici.goto(re.sub(r"^https?://[^/]+", "", invite_url))
        expect(cici.get_by_label("Invite code")).not_to_have_value("")
        cici.get_by_label("Username", exact=True).fill("cici")
        cici.get_by_label("Password", exact=True).fill("correct horse")
        cici.get_by_role("button", name="Create account").click()
        expect(cici).to_have_url(f"{base_url}/studio")
        cici.get_by_label("Prompt", exact=True).fill("a paper boat on a puddle after the rain")
        cici.get_by_role("button", name="Generate").click()
        card = cici.locator("#generations .gen-card").first
        expect(card).to_have_attribute("data-status", "done", timeout=GENERATION_TIMEOUT)
        card.get_by_label("Caption").fill("My first picture here")
        card.get_by_role("button", name="Share to the feed").click()
        expect(cici).to_have_url(re.compile(r".*/p/\d+$"))
        post_path = re.sub(r"^https?://[^/]+", "", cici.url)

        # --- A member reports it from the post's menu; the form answers in place.
        budi.goto("/latest")
        entry = budi.locator("article.post").filter(has_text="My first picture here")
        expect(entry).to_have_count(1)
        entry.locator(".post-menu summary").click()
        entry.get_by_role("link", name="Report post").click()
        entry.get_by_label("What is wrong with this post?").fill("Looks copied from my album without credit.")
        entry.get_by_role("button", name="Send report").click()
        expect(entry.get_by_text("Thanks, moderators will look at it.")).to_be_visible()
        shot(budi, "moderation-02-reported")

        # --- The admin sees the badge, opens the queue and hides the post.
        page.goto("/")
        expect(page.locator("#moderation-link .count-badge")).to_have_text("1")
        page.locator("#moderation-link").click()
        expect(page).to_have_url(f"{base_url}/admin/reports")
        report = page.locator("article.report").filter(has_text="without credit")
        expect(report).to_contain_text("@cici")
        report.get_by_placeholder("Note for the audit log (optional)").fill("Not their picture")
        shot(page, "moderation-03-queue")
        report.get_by_role("button", name="Hide post").click()
        expect(page.get_by_text("No open reports. All clear.")).to_be_visible()
        expect(page.locator("#moderation-link .count-badge")).to_have_count(0)
        page.goto("/admin/audit")
        expect(page.locator(".audit-table")).to_contain_text("hid a post by @cici")
        expect(page.locator(".audit-table")).to_contain_text("Not their picture")

        # --- The reporter is told; the post is gone for others; its author sees why.
        budi.goto("/")
        expect(budi.locator("#notif-link .count-badge")).to_have_text("1")
        budi.locator("#notif-link").click()
        expect(budi.locator(".notifications")).to_contain_text("Moderators looked at your report and hid the post.")
        shot(budi, "moderation-04-told")
        assert budi.request.get(post_path).status == 404  # (a request, so no console error for the 404 page)
        budi.goto("/latest")
        expect(budi.locator("article.post").filter(has_text="My first picture here")).to_have_count(0)
        cici.goto(post_path)
        expect(cici.get_by_text("Hidden by moderators")).to_be_visible()

        assert errors == [] and budi_errors == [] and cici_errors == []
    finally:
        budi_context.close()
        cici_context.close()
