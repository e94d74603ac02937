"""The issue 9 screens (home, post, studio, profile, notifications) at 360 px and 1280 px, light and dark,
in every language with a catalogue: each fits its width, with no errors in the console.
With EASEL_SCREENSHOTS=/some/folder each is saved there to be looked at (`post-360-dark-id.png`, whole page, and
`post-360-dark-id-screen.png`, the first screen as a phone shows it)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import make_community
from tests.e2e.test_journey import PASSWORD, watch_for_errors
from tests.e2e.test_mobile import OVERFLOW

SCREENS = {"home": "/", "post": "/p/{post}", "studio": "/studio", "profile": "/u/budi",
           "notifications": "/notifications"}
WIDTHS = {360: 740, 1280: 800}
# Load the lazy pictures below the fold too, so a whole-page screenshot shows them (and a broken one fails).
ALL_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  await Promise.all(images.map(img => img.decode().catch(() => null)));  // painted, not just fetched
  return images.filter(img => !img.naturalWidth).map(img => img.src);
}"""


def languages(app) -> list[str]:
    with app.test_request_context():
        from views.i18n import available

        return list(available())


def test_screens_fit_in_both_widths_themes_and_languages(browser, easel_app, base_url, shot):
    ids = make_community(easel_app)
    problems = []
    for language in languages(easel_app):
        for width, height in WIDTHS.items():
            context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height},
                                          locale=language, is_mobile=width < 400, has_touch=width < 400,
                                          device_scale_factor=2 if width < 400 else 1)
            page: Page = context.new_page()
            errors = watch_for_errors(page)
            sign_in_as_ana(page)
            for theme in ("light", "dark"):
                page.emulate_media(color_scheme=theme)
                for name, path in SCREENS.items():
                    page.goto(path.format(**ids))
                    page.wait_for_load_state("networkidle")
                    broken = page.evaluate(ALL_IMAGES)
                    if broken:
                        problems.append(f"{name} {width} {theme} {language}: pictures did not load: {broken}")
                    found = page.evaluate(OVERFLOW, width)
                    if found["scrollWidth"] > width or found["wide"]:
                        problems.append(f"{name} {width} {theme} {language}: {found}")
                    shot(page, f"{name}-{width}-{theme}-{language}")
                    if width < 400:  # what the phone shows: the fixed bars where they really are
                        first_screen(page, f"{name}-{width}-{theme}-{language}-screen")
            context.close()
            problems.extend(errors)
    assert not problems, "\n".join(problems)


def first_screen(page: Page, name: str) -> None:
    folder = os.environ.get("EASEL_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), caret="initial")


def sign_in_as_ana(page: Page) -> None:
    """Sign in by the fields' names, which are the same in every language."""
    page.goto("/login")
    form = page.locator("main form[method=post]").first
    form.locator("input[name=username]").fill("ana")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text("@ana")
