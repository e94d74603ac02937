"""Two-factor sign-in in a real browser (issue 7): a member turns it on from account settings with a
code from "their phone", saves the recovery codes, logs out, and signs in in two steps; a recovery
code works once."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import PASSWORD, sign_up, watch_for_errors


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.locator("summary.whoami-btn").click()
    page.get_by_role("button", name="Log out").click()


def test_turn_on_two_factor_and_sign_in_with_a_code(page: Page, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    page.goto("/settings")
    page.get_by_role("link", name="Account and security").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()

    expect(page.locator(".qr-box svg")).to_be_visible()
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    shot(page, "2fa-setup")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("#two-factor .badge-on")).to_have_text("On")

    log_out(page)
    log_in(page, "ana")
    expect(page).to_have_url(f"{base_url}/login/code")
    shot(page, "2fa-code-step")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Verify and log in").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator(".whoami")).to_have_text("@ana")

    # Without the phone: a recovery code, once.
    log_out(page)
    log_in(page, "ana")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.locator(".whoami")).to_have_text("@ana")
    log_out(page)
    log_in(page, "ana")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    assert errors == []
