"""The walking skeleton in a real browser (issue 2).

Sign up as the first member (the admin) -> studio -> generate -> watch the progress bar fill
-> the finished picture -> share with a caption -> the post page; then a second, signed-out
browser sees the post on /latest and opens it. Plus the bad inputs a person meets on the way.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"
GENERATION_TIMEOUT = 15_000  # ms; the slowed builtin takes ~2-3 s

# One atomic read of a studio card: htmx replaces the whole card every second, so reading
# status and progress in two Playwright calls could straddle a swap.
CARD_STATE = """id => {
  const card = document.getElementById(id);
  if (!card) return null;
  const bar = card.querySelector("progress");
  return {status: card.dataset.status, value: bar ? Number(bar.value) : null,
          polling: card.hasAttribute("hx-trigger")};
}"""

# A marker on `window` survives htmx swaps but not a page load: proof that nothing reloaded.
MARK_PAGE = "() => { window.__easelSamePage = true; }"
SAME_PAGE = "() => window.__easelSamePage === true"

IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


# Chromium logs every non-2xx answer as a console error; a 422 is how bad input is answered.
EXPECTED_CONSOLE = re.compile(r"^Failed to load resource: the server responded with a status of 422\b")


def watch_for_errors(page: Page) -> list[str]:
    """Collect JavaScript errors and console errors (CSP violations, missing files, htmx errors)."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not EXPECTED_CONSOLE.match(msg.text):
            errors.append(f"console {msg.type}: {msg.text} ({msg.location.get('url', '')})")

    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", on_console)
    return errors


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/signup")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Create account").click()


def expect_image_loaded(image) -> None:
    """The <img> is shown and its bytes really arrived and decoded."""
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(IMAGE_LOADED, arg=image.element_handle(), timeout=5_000)


def test_sign_up_generate_share_and_a_visitor_sees_it(page: Page, browser, base_url, shot):
    errors = watch_for_errors(page)

    # --- Sign up: the first account becomes the admin, and the page says so.
    page.goto("/signup")
    expect(page.get_by_text("this account becomes the instance admin")).to_be_visible()
    shot(page, "01-signup-first-admin")
    sign_up(page, "ana")
    expect(page).to_have_url(f"{base_url}/studio")
    expect(page.get_by_role("banner")).to_contain_text("@ana")  # signed in
    page.goto("/about")
    admins = page.locator("section", has=page.get_by_role("heading", name="Admins"))
    expect(admins).to_contain_text("@ana")
    page.goto("/studio")
    expect(page.locator("#generations .gen-card")).to_have_count(0)
    shot(page, "02-studio-empty")

    # --- Compose: a prompt, a style other than the default, a wide size.
    prompt = "a red lighthouse on a cliff at sunset, two sailboats on a blue sea"
    page.get_by_label("Prompt", exact=True).fill(prompt)
    styles = page.locator("#f-style option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent.trim()])"
    )
    assert len(styles) >= 3, f"the builtin offers at least 3 styles, the studio shows {styles}"
    style_value, style_label = styles[1]
    page.get_by_label("Style").select_option(style_value)
    page.get_by_role("radio", name="768×512").check()
    expect(page.get_by_role("radio", name="768×512")).to_be_checked()
    page.evaluate(MARK_PAGE)

    # --- Generate: the card appears at once, in place, still waiting.
    started = time.monotonic()
    page.get_by_role("button", name="Generate").click()
    card = page.locator("#generations .gen-card")
    expect(card).to_have_count(1, timeout=3_000)
    card_id = card.get_attribute("id")
    first = page.evaluate(CARD_STATE, card_id)
    assert first is not None and first["status"] in ("queued", "running"), first
    assert first["polling"], "a waiting card polls for its progress"
    assert page.evaluate(SAME_PAGE), "the card must appear without a page reload"
    expect(card.locator(".gen-prompt")).to_have_text(prompt)
    expect(card.locator(".chips")).to_contain_text("768×512")
    expect(card.locator(".chips")).to_contain_text(style_label)
    seed = card.locator(".chips .mono").inner_text().strip()
    assert seed.isdigit(), f"a blank seed is picked at random and shown: {seed!r}"

    # --- Watch the progress bar: sample it until the card says done.
    samples = [first]
    shot_taken = False
    deadline = started + GENERATION_TIMEOUT / 1000
    while samples[-1] is None or samples[-1]["status"] != "done":
        assert time.monotonic() < deadline, f"generation did not finish; samples: {samples}"
        page.wait_for_timeout(100)
        state = page.evaluate(CARD_STATE, card_id)
        samples.append(state)
        if not shot_taken and state and state["value"] and 0 < state["value"] < 100:
            shot(page, "03-studio-progress")
            shot_taken = True
    assert all(s is not None for s in samples), f"the card vanished while polling: {samples}"
    waiting = [s for s in samples if s["status"] != "done"]
    assert {s["status"] for s in waiting} <= {"queued", "running"}, samples
    values = [s["value"] for s in waiting]
    assert values == sorted(values), f"the progress bar went backwards: {values}"
    between = sorted({v for v in values if 0 < v < 100})
    # A real bar: it showed progress part-way (the slowed job takes ~2-3 s, polling is 1 s),
    # then the finished state. Usually two or more distinct values are seen.
    assert between, f"never saw the bar part-way between 0 and 100: {values}"
    assert page.evaluate(SAME_PAGE), "progress must update in place, without reloading"

    # --- Finished: the picture replaces the bar, and the polling stops.
    done = samples[-1]
    assert done["value"] is None and not done["polling"], done
    expect(card).to_have_attribute("data-status", "done")
    expect(card.locator("progress")).to_have_count(0)
    image = card.locator(".gen-images img")
    expect(image).to_have_count(1)
    expect_image_loaded(image)
    polls_after_done: list[str] = []

    def count_poll(request):
        if request.url.endswith(f"/generations/{card_id.removeprefix('gen-')}"):
            polls_after_done.append(request.url)

    page.on("request", count_poll)
    page.wait_for_timeout(1_500)  # more than one polling period
    page.remove_listener("request", count_poll)
    assert polls_after_done == [], f"the finished card kept polling: {polls_after_done}"
    shot(page, "04-studio-done")

    # --- Share with a caption: lands on the post page.
    caption = "First light at the lighthouse"
    card.get_by_label("Caption").fill(caption)
    card.get_by_role("button", name="Share to the feed").click()
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/p/\d+$"))
    post_url = page.url
    post = page.locator("article.post-page")
    expect(post.locator(".caption")).to_have_text(caption)
    expect(post.locator(".handle")).to_have_text("@ana")
    post_image = post.locator(".post-images img")
    expect(post_image).to_have_count(1)
    expect_image_loaded(post_image)
    expect(post_image).to_have_attribute("alt", prompt)  # alt text is the prompt unless edited
    details = post.locator(".gen-details")
    expect(details.locator("dd.prompt")).to_have_text(prompt)
    expect(details).to_contain_text(seed)
    expect(details).to_contain_text(style_label)
    expect(details).to_contain_text("768×512")
    shot(page, "05-post-page")

    # --- A second, separate, signed-out browser (a phone, in dark mode) finds it on /latest.
    visitor = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    try:
        other = visitor.new_page()
        visitor_errors = watch_for_errors(other)
        other.goto("/latest")
        expect(other.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()  # signed out
        entry = other.locator("article.post").filter(has_text=caption)
        expect(entry).to_have_count(1)
        expect(entry.locator(".handle")).to_have_text("@ana")
        expect_image_loaded(entry.locator("img").first)
        shot(other, "06-visitor-latest-phone-dark")
        entry.locator("a.post-media").click()
        expect(other).to_have_url(post_url)
        expect(other.locator("article.post-page .caption")).to_have_text(caption)
        expect(other.locator("article.post-page dd.prompt")).to_have_text(prompt)
        expect_image_loaded(other.locator("article.post-page .post-images img"))
        shot(other, "07-visitor-post-phone-dark")
        assert visitor_errors == [], visitor_errors
    finally:
        visitor.close()

    assert errors == [], errors


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("ab", "short", "password", "at least 8 characters"),
        ("Bad Name!", PASSWORD, "username", "lowercase letters, digits and underscores"),
    ],
    ids=["short-password", "bad-username"],
)
def test_bad_sign_up_shows_the_message_next_to_the_field(
    page: Page, base_url, shot, username, password, field, message
):
    errors = watch_for_errors(page)
    page.goto("/signup")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_response(lambda r: r.url.endswith("/signup") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Create account").click()
    assert answer.value.status == 422

    expect(page).to_have_url(f"{base_url}/signup")
    box = page.locator(".field", has=page.locator(f"#f-{field}"))
    expect(box).to_have_class(re.compile(r"\bhas-error\b"))
    expect(box.locator(".field-error")).to_contain_text(re.compile(re.escape(message), re.I))
    expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#f-{field}")).to_have_attribute("aria-describedby", f"e-{field}")
    expect(page.locator(".field-error")).to_have_count(1)  # only the field at fault
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()  # still signed out
    shot(page, f"10-signup-error-{field}")

    # Nothing was stored: the next visitor is still told they will be the first (the admin).
    page.goto("/signup")
    expect(page.get_by_text("this account becomes the instance admin")).to_be_visible()
    assert errors == [], errors


def test_empty_prompt_shows_the_message_in_place_and_makes_no_card(page: Page, base_url, shot):
    errors = watch_for_errors(page)
    sign_up(page, "ana")
    expect(page).to_have_url(f"{base_url}/studio")
    page.evaluate(MARK_PAGE)

    for prompt in ("", "   "):
        page.get_by_label("Prompt", exact=True).fill(prompt)
        with page.expect_response(lambda r: r.url.endswith("/generations") and r.request.method == "POST") as answer:
            page.get_by_role("button", name="Generate").click()
        assert answer.value.status == 422
        message = page.locator("#composer #e-prompt")
        expect(message).to_have_text("Describe the picture you want.")
        expect(page.get_by_label("Prompt", exact=True)).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("button", name="Generate")).to_be_enabled()
        expect(page.locator(".gen-card")).to_have_count(0)
        expect(page.locator("#generations .empty")).to_be_visible()
        assert page.evaluate(SAME_PAGE), "the message must appear in place, without a page reload"
    expect(page).to_have_url(f"{base_url}/studio")
    shot(page, "11-studio-empty-prompt")

    # Fixing the prompt clears the message and makes the card.
    page.get_by_label("Prompt", exact=True).fill("a green hill under a yellow moon")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#generations .gen-card")).to_have_count(1)
    expect(page.locator("#e-prompt")).to_have_count(0)
    expect(page.get_by_label("Prompt", exact=True)).not_to_have_attribute("aria-invalid", "true")
    assert page.evaluate(SAME_PAGE)
    assert errors == [], errors
