"""Federation in a real browser (issue 10): two Easel instances on 127.0.0.1. On B, bob follows ana
of A. On A, ana types @bob@B into search, sees his card, and blocks him from its menu: the card
says Unblock, and B hears of it (bob no longer follows ana there)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import sign_up, watch_for_errors
from tests.test_federation_two_instances import Instance, scalar, wait


@pytest.fixture
def pair(tmp_path):
    a, b = Instance(tmp_path / "a"), Instance(tmp_path / "b")
    a.start_threads()
    b.start_threads()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def base_url(pair):
    """The browser talks to instance A."""
    return pair[0].url


def test_search_a_remote_account_and_block_it(page: Page, pair, shot):
    a, b = pair
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    expect(page).to_have_url(f"{a.url}/studio")

    # bob, on B, follows ana on A (her account is open: A accepts at once)
    b.auth.signup("bob")
    b.client.get("/federation/card", query_string={"q": f"@ana@{a.host}"})
    ana_on_b = scalar(b, "SELECT id FROM users WHERE actor_uri = ?", f"{a.url}/u/ana")
    b.auth.post("/federation/follow", {"actor_id": str(ana_on_b)})
    wait(lambda: scalar(b, "SELECT count(*) FROM follows") == 1, what="B to record bob's accepted follow")

    # ana searches for him: the card loads by itself once typing pauses
    page.goto("/search")
    page.get_by_role("searchbox").first.fill(f"@bob@{b.host}")
    card = page.locator("#remote-card")
    expect(card.get_by_text(f"@bob@{b.host}", exact=True)).to_be_visible(timeout=10_000)
    expect(card.get_by_role("button", name="Follow", exact=True)).to_be_visible()

    # ... and blocks him from the card's menu (after the browser's confirmation)
    page.once("dialog", lambda dialog: dialog.accept())
    card.locator("summary").click()
    shot(page, "federation-remote-card-menu")
    card.get_by_role("button", name=f"Block @bob@{b.host}").click()
    expect(page.locator("#remote-card").get_by_role("button", name="Unblock", exact=True)).to_be_visible()
    expect(page.locator("#remote-card").get_by_role("button", name="Follow", exact=True)).to_have_count(0)
    assert scalar(a, "SELECT count(*) FROM blocks") == 1 and scalar(a, "SELECT count(*) FROM follows") == 0

    # B hears of it: the Reject ends bob's follow there too
    wait(lambda: scalar(b, "SELECT count(*) FROM follows") == 0, what="B to drop bob's follow of ana")
    shot(page, "federation-remote-card-blocked")
    assert errors == []
