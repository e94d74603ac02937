"""Mobile-first (issue 9): at 360 x 740 no page scrolls sideways, even with hostile content (a 30-letter
username, unbroken captions, prompts and bios, long hashtags and links); the bottom bar and the account
menu work; actions are thumb-sized; the post page lets phones load the WebP thumbnail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import AuthActions, wait_for_status
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_journey import PASSWORD, watch_for_errors

PHONE = {"width": 360, "height": 740}
LONG_NAME = "w" * 30  # the longest username allowed, in the widest letter
UNBROKEN = "W" * 420
LONG_TAG = "panjangsekalitagarnyatidakmuatdilayarponselkecilsamasekali"
LONG_LINK = "https://example.com/" + "x" * 160

# The innermost elements that reach past the screen's right edge and are not inside a sideways-scrolling
# box of their own. (A mobile browser widens its layout viewport to fit such content, so the screen
# width is passed in rather than read from the page.)
OVERFLOW = """vw => {
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const past = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > vw + 1 && !el.closest(".skip, .icon-sprite") && !scrolls(el);
  };
  const wide = [...document.body.querySelectorAll("*")].filter(el => past(el) && ![...el.children].some(past));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          wide: wide.slice(0, 6).map(el => `${name(el)} right=${Math.round(el.getBoundingClientRect().right)}`)};
}"""

# Visible controls a thumb presses that are smaller than 44 x 44 CSS pixels.
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width < 43.5 || r.height < 43.5)
  .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ` +
                     `${Math.round(r.width)}x${Math.round(r.height)}`)"""
TARGETS = (".act, .nav-links a, .nav-icon, .whoami-btn, .post-menu summary, .btn, .menu-item, "
           ".theme-switch button, .language-switch button, .tabs a, .filters a, .admin-nav a")


def hostile_community(app) -> dict:
    """Members and posts with the longest things a member can type, through the app's own routes."""
    backend = app.extensions.get("easel_backend")
    if hasattr(backend, "delay"):
        backend.delay = 0.02
    ana_client, long_client = app.test_client(), app.test_client()
    ana, long = AuthActions(ana_client), AuthActions(long_client)
    assert ana.signup("ana", PASSWORD).status_code in (302, 303)  # the admin
    assert long.signup(LONG_NAME, PASSWORD).status_code in (302, 303)
    long.post("/settings", {"display_name": "W" * 50, "bio": UNBROKEN[:300]})
    long.post("/u/ana/follow")
    ana.post(f"/u/{LONG_NAME}/follow")

    def shared(actions, client, prompt, caption, size="768x512"):
        generation_id = actions.generate(prompt, size=size)
        wait_for_status(client, generation_id)
        answer = actions.post(f"/generations/{generation_id}/share", {"caption": caption}, json=True)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return answer.get_json()["post_id"]

    hostile = shared(long, long_client, "M" * 900 + " a lighthouse",
                     f"{UNBROKEN[:250]} #{LONG_TAG} {LONG_LINK[:120]} @ana")
    calm = shared(ana, ana_client, "a kite over the rice terraces at dawn", "Morning kites #layangan")
    long.post(f"/p/{calm}/like")
    long.post(f"/p/{calm}/reply", {"text": f"@ana {UNBROKEN[:400]}"})
    ana.post(f"/p/{hostile}/reply", {"text": LONG_LINK})
    long.post(f"/p/{calm}/quote", {"text": UNBROKEN[:200]})
    long.post(f"/p/{calm}/report", {"reason": UNBROKEN[:400]})
    ana.post("/admin/rules", {"pattern": "Z" * 120, "action": "hold"})
    ana.post("/admin/invites", {})
    ana.post(f"/admin/members/{LONG_NAME}/suspend", {"reason": UNBROKEN[:200]})
    ana.post(f"/admin/members/{LONG_NAME}/unsuspend", {})
    left = ana.generate("Q" * 600, size="512x768")  # stays in the studio as a card
    wait_for_status(ana_client, left)
    return {"hostile": hostile, "calm": calm}


SIGNED_IN = ["/", "/explore", "/latest", "/p/{hostile}", "/p/{calm}", "/studio", f"/u/{LONG_NAME}", "/u/ana",
             f"/u/{LONG_NAME}/followers", "/notifications", f"/search?q={UNBROKEN[:60]}", f"/tags/{LONG_TAG}",
             "/bookmarks", "/settings", "/settings/account", "/settings/data", "/about", "/admin", "/admin/members",
             f"/admin/members/{LONG_NAME}", "/admin/reports", "/admin/review", "/admin/rules", "/admin/audit",
             "/admin/settings", "/admin/data", "/admin/backends", "/admin/invites", "/admin/signups",
             "/studio/styles"]
SIGNED_OUT = ["/", "/explore", "/latest", "/p/{hostile}", f"/u/{LONG_NAME}", "/login", "/signup", "/about",
              "/offline"]


def overflowing(page: Page, path: str) -> str | None:
    found = page.evaluate(OVERFLOW, PHONE["width"])
    if found["scrollWidth"] > PHONE["width"] or found["innerWidth"] != PHONE["width"] or found["wide"]:
        return f"{path}: scrollWidth {found['scrollWidth']} > {found['innerWidth']}; too wide: {found['wide']}"
    return None


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="en-US", has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


def test_no_page_scrolls_sideways_at_360(phone: Page, easel_app, shot):
    ids = hostile_community(easel_app)
    errors = watch_for_errors(phone)
    problems = []
    for path in SIGNED_OUT:
        url = path.format(**ids)
        response = phone.goto(url)
        assert response.status == 200, url
        problems.append(overflowing(phone, url))
        shot(phone, "hostile-out" + url.replace("/", "_")[:60])
    sign_in(phone, "ana")
    for path in SIGNED_IN:
        url = path.format(**ids)
        response = phone.goto(url)
        assert response.status == 200, url
        problems.append(overflowing(phone, url))
        shot(phone, "hostile-in" + url.replace("/", "_")[:60])
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
    assert not errors


def test_phone_navigation_targets_and_images(phone: Page, easel_app, base_url):
    ids = hostile_community(easel_app)
    sign_in(phone, "ana")
    phone.goto("/")
    # The main links are a bar at the bottom of the screen, and nothing is hidden behind it.
    bar = phone.locator(".nav-links")
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)
    phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    footer = phone.locator("footer").bounding_box()
    assert footer["y"] + footer["height"] <= phone.evaluate("() => window.innerHeight") - box["height"] + 1
    bar.get_by_role("link", name="Studio").click()
    expect(phone).to_have_url(f"{base_url}/studio")
    # The account menu (profile, settings, administration) and notifications stay reachable up top.
    phone.locator(".account-menu summary").click()
    menu = phone.locator(".account-menu .menu")
    expect(menu).to_be_visible()
    menu_box = menu.bounding_box()
    assert menu_box["x"] >= 0 and menu_box["x"] + menu_box["width"] <= PHONE["width"]
    menu.get_by_role("link", name="Settings").click()
    expect(phone).to_have_url(f"{base_url}/settings")
    phone.locator(".nav-account a[href='/notifications']").click()
    expect(phone).to_have_url(f"{base_url}/notifications")

    for path in ("/", "/p/{calm}".format(**ids), "/studio", "/u/ana", "/notifications", "/settings"):
        phone.goto(path)
        small = phone.evaluate(SMALL_TARGETS, TARGETS)
        assert not small, f"{path}: targets under 44 x 44: {small}"

    # The post page: the original PNG for wide screens, the WebP thumbnail (640w) for phones.
    phone.goto(f"/p/{ids['calm']}")
    image = phone.locator(".post-images img")
    assert image.get_attribute("src").endswith(".png")
    srcset = image.get_attribute("srcset")
    assert "-thumb.webp 640w" in srcset and ".png 768w" in srcset
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.currentSrc").endswith("-thumb.webp")
