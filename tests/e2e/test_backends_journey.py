"""An admin sets up an AUTOMATIC1111 server in the admin page and tests it; a member picks it in
the studio and watches its real progress until the picture arrives (issue 6)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import CARD_STATE, expect_image_loaded, sign_up, watch_for_errors
from tests.fake_servers import FakeA1111


@pytest.fixture
def a1111():
    server = FakeA1111(auth="easel:s3cret-pass", steps=10, step_time=0.4)
    yield server
    server.close()


def test_admin_configures_a1111_and_a_member_generates_there(page: Page, browser, base_url, a1111, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")  # the first account: the admin

    # --- The admin finds the page in the account menu and fills the AUTOMATIC1111 panel.
    page.locator("details.account-menu > summary").click()
    page.get_by_role("link", name="Generation servers").click()
    expect(page).to_have_url(f"{base_url}/admin/backends")
    panel = page.locator("#backend-automatic1111")
    panel.get_by_label("Members may use this server").check()
    panel.get_by_label("Address").fill(a1111.url)
    panel.get_by_label("Password (user:password)").fill("easel:s3cret-pass")
    panel.get_by_label("Model or checkpoint").fill("dreamy-v1")
    panel.get_by_role("button", name="Test connection").click()
    result = page.locator("#backend-automatic1111 [data-test-result]")
    expect(result).to_have_attribute("data-test-result", "ok")
    expect(result).to_contain_text("Connected: 1 model(s): dreamy-v1.safetensors")
    expect(page.locator("#backend-automatic1111 h2")).to_contain_text("up")
    # The secret is kept but only its last characters are shown back.
    expect(page.locator("#backend-automatic1111").get_by_label("Password (user:password)")).to_have_value("")
    assert "s3cret" not in page.content()
    shot(page, "backends-01-admin-tested")
    assert a1111.seen("/sdapi/v1/sd-models")

    # --- A member, in another browser, picks the server in the studio and generates.
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="en-US")
    try:
        member = context.new_page()
        member_errors = watch_for_errors(member)
        sign_up(member, "bob")
        member.goto("/studio")
        server = member.get_by_label("Image server")
        server.select_option(label="AUTOMATIC1111 · dreamy-v1")
        member.get_by_label("Prompt", exact=True).fill("a lighthouse on a cliff at dusk")
        member.get_by_role("button", name="Generate").click()
        card = member.locator("#generations .gen-card")
        expect(card).to_have_count(1, timeout=3_000)
        card_id = card.get_attribute("id")

        values, deadline = [], time.monotonic() + 20
        while True:
            state = member.evaluate(CARD_STATE, card_id)
            if state and state["status"] == "done":
                break
            assert time.monotonic() < deadline, f"never finished: {values}"
            if state and state["value"] is not None:
                values.append(state["value"])
                if 0 < state["value"] < 100 and len([v for v in values if 0 < v < 100]) == 1:
                    shot(member, "backends-02-member-progress")
            member.wait_for_timeout(100)
        assert any(0 < v < 100 for v in values), f"the server's progress never showed: {values}"
        assert values == sorted(values), f"the bar went backwards: {values}"
        expect(card.locator(".chips")).to_contain_text("automatic1111 · dreamy-v1")
        expect_image_loaded(card.locator(".gen-images img"))
        shot(member, "backends-03-member-done")
        sent = a1111.seen("/sdapi/v1/txt2img")[0]
        assert sent.body["prompt"] == "a lighthouse on a cliff at dusk"
        assert sent.headers["authorization"].startswith("Basic ")
        assert member_errors == []
    finally:
        context.close()
    assert errors == []
