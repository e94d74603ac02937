"""Remix in real browsers (issue 5): remix a friend's post, change one word, share; the lineage
on the parent shows the child with the word-level diff."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journey import GENERATION_TIMEOUT, sign_up, watch_for_errors


def make_and_share(page: Page, caption: str) -> str:
    card = page.locator("#generations .gen-card").first
    expect(card).to_have_attribute("data-status", "done", timeout=GENERATION_TIMEOUT)
    card.get_by_label("Caption").fill(caption)
    card.get_by_role("button", name="Share to the feed").click()
    expect(page).to_have_url(re.compile(r".*/p/\d+$"))
    return page.url


def test_remix_a_friends_post_and_see_the_lineage(page: Page, browser, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    page.get_by_label("Prompt", exact=True).fill("a red boat on a calm lake at sunset")
    page.get_by_label("Style").select_option("watercolour")
    page.get_by_role("button", name="Generate").click()
    parent_url = make_and_share(page, "Evening boat")

    friend_context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="en-US")
    friend = friend_context.new_page()
    friend_errors = watch_for_errors(friend)
    try:
        sign_up(friend, "budi")
        friend.goto(parent_url)
        friend.locator("article.post-page a.act-remix").click()
        expect(friend).to_have_url(re.compile(r".*/studio\?remix_of=\d+$"))
        expect(friend.locator(".remix-banner")).to_contain_text("Remixing a post by @ana")
        prompt = friend.get_by_label("Prompt", exact=True)
        expect(prompt).to_have_value("a red boat on a calm lake at sunset")
        expect(friend.get_by_label("Style")).to_have_value("watercolour")
        shot(friend, "remix-01-studio-prefilled")
        prompt.fill("a blue boat on a calm lake at sunset")  # one word changed
        friend.get_by_role("button", name="Generate").click()
        child_url = make_and_share(friend, "Mine is blue")
        expect(friend.locator("article.post-page .remix-of")).to_contain_text("@ana")
        expect(friend.locator(".lineage-chain")).to_contain_text("@ana")
        shot(friend, "remix-02-child-post")
    finally:
        friend_context.close()

    page.goto(parent_url)
    lineage = page.locator("section.lineage")
    expect(lineage).to_contain_text("1 remix")
    expect(lineage.locator(".diff ins")).to_have_text("blue")
    expect(lineage.locator(".diff del")).to_have_text("red")
    expect(lineage.locator("a.lineage-node")).to_have_attribute("href", child_url.replace(base_url, ""))
    expect(page.locator("article.post-page a.act-remix .act-count")).to_have_text("1")
    shot(page, "remix-03-parent-lineage")
    page.goto("/notifications")
    expect(page.locator(".notifications")).to_contain_text("budi remixed your post")
    assert errors == [] and friend_errors == [], errors + friend_errors
