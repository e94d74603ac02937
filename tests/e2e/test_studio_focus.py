"""A waiting studio card polls every second; a member who has tabbed to its Cancel button keeps the
focus on that very button between polls (no new element is focused, so nothing is re-announced),
and Enter still cancels."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_journey import sign_up, watch_for_errors


def test_cancel_keeps_its_focus_while_the_card_polls(page: Page, easel_app, base_url):
    easel_app.extensions["easel_backend"].delay = 1.5  # a job of several polls
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    expect(page).to_have_url(f"{base_url}/studio")
    page.get_by_label("Prompt", exact=True).fill("a slow lighthouse at dusk")
    page.get_by_role("button", name="Generate").click()
    card = page.locator("#generations .gen-card").first
    expect(card).to_have_attribute("data-status", "running", timeout=10_000)
    card_id = card.get_attribute("id")

    card.get_by_role("button", name="Cancel").focus()
    page.evaluate("""id => {
        document.activeElement.__focusMark = true;
        document.getElementById(id).__cardMark = true;
        window.__focusins = 0;
        document.addEventListener("focusin", () => { window.__focusins += 1; });
    }""", card_id)
    # Two polls later the card is a new element, the focused button the same one.
    page.wait_for_function("id => { const c = document.getElementById(id); return c && !c.__cardMark; }",
                           arg=card_id, timeout=5_000)
    page.wait_for_timeout(1_200)
    state = page.evaluate("""id => ({
        same: document.activeElement.__focusMark === true,
        inside: document.getElementById(id).contains(document.activeElement),
        focusins: window.__focusins,
        status: document.getElementById(id).dataset.status,
    })""", card_id)
    assert state["status"] in ("queued", "running"), state  # still polling: the test saw real polls
    assert state["same"] and state["inside"] and state["focusins"] == 0, state

    page.keyboard.press("Enter")
    expect(page.locator(f"#{card_id}")).to_have_attribute("data-status", "cancelled")
    assert errors == []
