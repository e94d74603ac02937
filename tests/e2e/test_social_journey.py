"""The social layer in real browsers (issue 4): two members follow each other, one posts, the
other sees it on home, likes it and replies; the first sees the notification badge, reads the
thread, and search finds the post."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journey import GENERATION_TIMEOUT, sign_up, watch_for_errors


def follow(page: Page, username: str) -> None:
    page.goto(f"/u/{username}")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name="Following")).to_be_visible()


def test_follow_post_like_reply_notify_search(page: Page, browser, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    expect(page).to_have_url(f"{base_url}/studio")

    budi_context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="en-US")
    budi = budi_context.new_page()
    budi_errors = watch_for_errors(budi)
    try:
        sign_up(budi, "budi")
        expect(budi).to_have_url(f"{base_url}/studio")

        # --- They follow each other.
        follow(page, "budi")
        follow(budi, "ana")

        # --- ana makes a picture and shares it.
        page.goto("/studio")
        page.get_by_label("Prompt", exact=True).fill("a kite over the rice terraces at dawn")
        page.get_by_role("button", name="Generate").click()
        card = page.locator("#generations .gen-card").first
        expect(card).to_have_attribute("data-status", "done", timeout=GENERATION_TIMEOUT)
        caption = "Morning kites over the sawah #layangan"
        card.get_by_label("Caption").fill(caption)
        card.get_by_role("button", name="Share to the feed").click()
        expect(page).to_have_url(re.compile(r".*/p/\d+$"))
        post_url = page.url

        # --- budi sees it on home, likes it and replies.
        budi.goto("/")
        entry = budi.locator("article.post").filter(has_text=caption)
        expect(entry).to_have_count(1)
        like = entry.locator("button.act-like")
        like.click()
        expect(entry.locator("button.act-like")).to_have_attribute("aria-pressed", "true")
        expect(entry.locator("button.act-like .act-count")).to_have_text("1")
        like_again = entry.locator("button.act-like")
        like_again.click()  # now it is "unlike": the button owns its state, no double flip
        expect(entry.locator("button.act-like")).to_have_attribute("aria-pressed", "false")
        entry.locator("button.act-like").click()
        expect(entry.locator("button.act-like")).to_have_attribute("aria-pressed", "true")
        shot(budi, "social-01-budi-home-liked")
        entry.locator("a.when").click()
        expect(budi).to_have_url(post_url)
        budi.get_by_label("Your reply").fill("Beautiful colours, @ana!")
        budi.get_by_role("button", name="Reply", exact=True).click()
        reply = budi.locator("#replies article.post").filter(has_text="Beautiful colours")
        expect(reply).to_have_count(1)
        expect(reply.locator("a.mention")).to_have_attribute("href", "/u/ana")
        expect(budi.get_by_label("Your reply")).to_have_value("")

        # --- ana sees the badge, opens notifications, reads the thread.
        page.goto("/")
        badge = page.locator("#notif-link .count-badge")
        expect(badge).to_have_text("3")  # follow, like, reply (the mention of the author is the reply)
        shot(page, "social-02-ana-badge")
        page.locator("#notif-link").click()
        expect(page).to_have_url(f"{base_url}/notifications")
        expect(page.locator(".notification")).to_have_count(3)
        expect(page.locator(".notifications")).to_contain_text("budi liked your post")
        expect(page.locator(".notifications")).to_contain_text("budi followed you")
        shot(page, "social-03-notifications")
        page.locator(".notification.kind-reply a", has_text="Beautiful colours").click()
        expect(page.locator("article.post-page .caption")).to_contain_text("Beautiful colours")
        expect(page.locator(".thread-above")).to_contain_text(caption)
        page.goto("/")
        expect(page.locator("#notif-link .count-badge")).to_have_count(0)  # read now

        # --- Search finds the post by a word of its caption and of its prompt.
        for query in ("kites", "terraces"):
            page.goto(f"/search?q={query}")
            expect(page.locator("article.post").filter(has_text=caption)).to_have_count(1)
        shot(page, "social-04-search")
    finally:
        budi_context.close()
    assert errors == [] and budi_errors == [], errors + budi_errors

