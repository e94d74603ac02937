"""Your data in a real browser (issue 8): a member opts in to AI training, asks for an export of
their account, watches its progress card poll, and downloads the zip when the link appears."""

from __future__ import annotations

import re
import time
import zipfile

import pytest
from playwright.sync_api import Page, expect

from imagegen import account_export
from tests.e2e.test_journey import sign_up, watch_for_errors


@pytest.fixture
def slow_exports(monkeypatch):
    """An empty account's zip takes milliseconds; slow each progress step so the card is seen working."""
    real_build = account_export.build

    def slowed(conn, job, media_dir, folder, progress):
        def step(fraction):
            time.sleep(1.5)
            progress(fraction)

        step(0.02)
        return real_build(conn, job, media_dir, folder, step)

    monkeypatch.setattr(account_export, "build", slowed)


def test_consent_then_export_and_download(page: Page, base_url, shot, slow_exports, tmp_path):
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    page.goto("/settings")
    page.get_by_role("link", name="Privacy and data").click()
    expect(page.get_by_role("heading", name="AI training")).to_contain_text("Not allowed")

    page.get_by_label("Allow my pictures to be used to train AI models").check()
    page.locator("#training").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Datasets made from now on follow your choice.")).to_be_visible()
    expect(page.get_by_role("heading", name="AI training")).to_contain_text("Allowed")

    page.get_by_role("button", name="Request an export").click()
    card = page.locator(".export-status")
    expect(card).to_contain_text(re.compile(r"Your export is queued|Making your export"))
    expect(card.locator("progress")).to_be_visible()
    shot(page, "data-export-running")
    expect(page.get_by_role("button", name="Request an export")).to_have_count(0)

    link = page.get_by_role("link", name="Download the zip")
    expect(link).to_be_visible(timeout=20_000)  # the card polled itself until the worker finished
    expect(card).to_contain_text("Your export is ready")
    shot(page, "data-export-done")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"easel-ana-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert {"posts.json", "generations.json", "following.csv", "README.txt"} <= set(archive.namelist())
    assert errors == []
