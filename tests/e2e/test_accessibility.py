"""Accessibility in a real browser (issue 9): axe-core on every main page in the light and the
dark theme, with zero serious or critical violations.

axe-core is vendored in tests/e2e/vendor (see its README). The site's Content-Security-Policy
forbids inline and third-party scripts, so `page.add_script_tag` would be blocked; the source is
run with `page.evaluate`, which goes through the DevTools protocol into the page's main world and
is not subject to the page's CSP.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models.db import connect
from tests.conftest import AuthActions, wait_for_status
from tests.e2e.test_journey import PASSWORD, watch_for_errors

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""

BLOCKING = ("serious", "critical")


def axe_violations(page: Page) -> list[dict]:
    """Run axe on the page as it is now; inject it first if this document has not got it yet."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    return page.evaluate(RUN_AXE)


def describe(violations: list[dict], where: str) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}  -- {node['summary'].splitlines()[-1] if node['summary'] else ''}")
    return lines


def make_community(app) -> dict:
    """One small data set through the app's own routes: two members who follow each other, shared
    pictures, a reply, a like, a quote, a report, and a finished generation left in the studio."""
    backend = app.extensions.get("easel_backend")
    if hasattr(backend, "delay"):
        backend.delay = 0.02  # the slowed builtin: nobody watches these progress bars
    ana_client, budi_client = app.test_client(), app.test_client()
    ana, budi = AuthActions(ana_client), AuthActions(budi_client)
    assert ana.signup("ana", PASSWORD).status_code in (302, 303)  # the first member: the admin
    assert budi.signup("budi", PASSWORD).status_code in (302, 303)
    budi.post("/u/ana/follow")
    ana.post("/u/budi/follow")

    def shared(actions, client, prompt, caption):
        generation_id = actions.generate(prompt)
        wait_for_status(client, generation_id)
        answer = actions.post(f"/generations/{generation_id}/share", {"caption": caption}, json=True)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return answer.get_json()["post_id"]

    kite = shared(ana, ana_client, "a kite over the rice terraces at dawn", "Morning kites #layangan")
    harbour = shared(budi, budi_client, "a red sailboat in a quiet harbour", "Harbour light, @ana")
    shared(budi, budi_client, "a lighthouse on a cliff at night", "Night watch")
    budi.post(f"/p/{kite}/like")
    budi.post(f"/p/{kite}/repost")
    budi.post(f"/p/{kite}/reply", {"text": "Beautiful colours, @ana!"})
    ana.post(f"/p/{kite}/reply", {"text": "Thank you! Dawn is the best time."})
    ana.post(f"/p/{harbour}/like")
    budi.post(f"/p/{kite}/quote", {"text": "Look at this one"})
    budi.post(f"/p/{harbour}/report", {"reason": "Testing the report queue."})
    ana.post(f"/p/{harbour}/report", {"reason": "Looks like spam to me."})
    left = ana.generate("paper lanterns by a lake at night")
    wait_for_status(ana_client, left)
    return {"post": kite, "generation": left}


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("banner")).to_contain_text(f"@{username}")


SIGNED_OUT = ["/login", "/signup", "/about", "/explore"]
SIGNED_IN = [
    "/",
    "/explore",
    "/latest",
    "/p/{post}",
    "/u/budi",
    "/studio",
    "/notifications",
    "/search?q=kite",
    "/settings",
    "/settings/account",
    "/about",
    "/admin",
    "/admin/reports",
]


@pytest.mark.parametrize(
    ("theme", "width"),
    [("light", 1280), ("dark", 1280), ("dark", 360)],  # phones: words hidden to save room must still name things
    ids=["light", "dark", "dark-phone"],
)
def test_main_pages_have_no_serious_axe_violations(page: Page, easel_app, base_url, theme, width, shot):
    errors = watch_for_errors(page)
    data = make_community(easel_app)
    page.emulate_media(color_scheme=theme, reduced_motion="reduce")
    page.set_viewport_size({"width": width, "height": 800 if width > 640 else 740})
    theme = theme if width > 640 else f"{theme}-{width}px"  # for the messages and the screenshots
    found: list[str] = []
    checked = 0

    def check(path: str, label: str) -> None:
        nonlocal checked
        page.goto(path.format(**data))
        expect(page.locator("main#main")).to_be_visible()
        violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        found.extend(describe(violations, f"{theme} {label}"))
        checked += 1
        shot(page, f"a11y-{theme}-{checked:02d}-" + re.sub(r"[^a-z0-9]+", "-", path.format(**data)).strip("-"))

    for path in SIGNED_OUT:
        check(path, f"{path} (signed out)")
    sign_in(page, "ana")
    for path in SIGNED_IN:
        check(path, path)
    # The studio card really is the finished one, and notifications and reports are not empty.
    page.goto("/studio")
    expect(page.locator(f"#gen-{data['generation']}")).to_have_attribute("data-status", "done")
    page.goto("/notifications")
    expect(page.locator(".notification").first).to_be_visible()
    page.goto("/admin/reports")
    expect(page.locator("main")).to_contain_text("spam")
    shot(page, f"a11y-{theme}-admin-reports")

    assert checked == len(SIGNED_OUT) + len(SIGNED_IN)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
    assert [e for e in errors if not re.search(r"status of 4\d\d", e)] == []


def two_members_two_pictures(app) -> list[int]:
    """ana (the admin) and budi, who shared two pictures; ids newest first."""
    backend = app.extensions.get("easel_backend")
    if hasattr(backend, "delay"):
        backend.delay = 0.02
    AuthActions(app.test_client()).signup("ana", PASSWORD)
    budi_client = app.test_client()
    budi = AuthActions(budi_client)
    budi.signup("budi", PASSWORD)
    ids = []
    for prompt in ("a red sailboat in a quiet harbour", "a lighthouse on a cliff at night"):
        generation_id = budi.generate(prompt)
        wait_for_status(budi_client, generation_id)
        ids.append(
            budi.post(f"/generations/{generation_id}/share", {"caption": prompt}, json=True).get_json()["post_id"]
        )
    return ids[::-1]


def liked_by(app, post_id: int) -> list[str]:
    conn = connect(app.config["DATABASE"])
    try:
        rows = conn.execute(
            "SELECT u.username FROM likes l JOIN users u ON u.id = l.user_id WHERE l.post_id = ?", (post_id,)
        )
        return [row[0] for row in rows]
    finally:
        conn.close()


FOCUSED_POST = "() => { const p = document.activeElement.closest('article.post'); return p ? p.id : null; }"


def test_j_and_k_move_through_the_feed_and_l_likes(page: Page, easel_app, base_url, shot):
    errors = watch_for_errors(page)
    newest, older = two_members_two_pictures(easel_app)
    sign_in(page, "ana")
    page.goto("/latest")
    expect(page.locator("article.post")).to_have_count(2)

    # The skip link is the first stop of Tab, shows itself, and leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 40, box
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_POST) == f"post-{newest}"
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_POST) == f"post-{older}"
    page.keyboard.press("k")
    assert page.evaluate(FOCUSED_POST) == f"post-{newest}"
    page.keyboard.press("j")
    page.keyboard.press("l")
    second = page.locator(f"#post-{older}")
    expect(second.locator("button.act-like")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#post-{newest} button.act-like")).to_have_attribute("aria-pressed", "false")
    assert liked_by(easel_app, older) == ["ana"] and liked_by(easel_app, newest) == []
    assert page.evaluate(FOCUSED_POST) == f"post-{older}"  # the focus stays on the post
    shot(page, "a11y-keyboard-liked")

    # Typing in a field: j and l are letters.
    page.goto(f"/p/{older}")
    box = page.get_by_label("Your reply")
    box.click()
    page.keyboard.type("jl")
    expect(box).to_have_value("jl")
    assert liked_by(easel_app, older) == ["ana"]

    # Reduced motion: transitions and animations end at once.
    page.emulate_media(reduced_motion="reduce")
    duration = page.evaluate("() => getComputedStyle(document.querySelector('.btn')).transitionDuration")
    assert all(float(part.strip().rstrip("s")) < 0.001 for part in duration.split(",")), duration

    # The keys are written down on /about.
    page.goto("/about")
    shortcuts = page.locator("section", has=page.get_by_role("heading", name="Keyboard shortcuts"))
    expect(shortcuts).to_contain_text("j")
    assert errors == [], errors


ANNOUNCED = "() => document.getElementById('announcer').textContent"


def test_reply_and_report_move_the_focus_and_the_studio_announces_politely(page: Page, easel_app, base_url, shot):
    errors = watch_for_errors(page)
    newest, _older = two_members_two_pictures(easel_app)
    sign_in(page, "ana")

    # --- The new-posts banner is announced when it appears (not at every 20 s poll).
    page.goto("/latest")
    budi_client = easel_app.test_client()
    budi = AuthActions(budi_client)
    budi.login("budi", PASSWORD)
    generation_id = budi.generate("a whale under the northern lights")
    wait_for_status(budi_client, generation_id)
    budi.post(f"/generations/{generation_id}/share", {"caption": "Whale song"}, json=True)
    poll_now = """() => { const el = document.getElementById('newer');
      htmx.ajax('GET', el.getAttribute('hx-get'), {source: el, target: el, swap: 'outerHTML'}); }"""
    page.evaluate(poll_now)
    expect(page.locator("#newer")).to_contain_text("1 new post")
    page.wait_for_function(f"() => ({ANNOUNCED})() === '1 new post'")

    # --- A reply: the new reply gets the focus; the form is empty again.
    page.goto(f"/p/{newest}")
    page.get_by_label("Your reply").fill("Lovely light on the water")
    page.get_by_role("button", name="Reply", exact=True).click()
    reply = page.locator("#replies article.post").filter(has_text="Lovely light")
    expect(reply).to_have_count(1)
    expect(reply).to_be_focused()
    expect(page.get_by_label("Your reply")).to_have_value("")
    # An empty reply: the focus goes to the field with its message.
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#e-reply")).to_be_visible()
    expect(page.get_by_label("Your reply")).to_be_focused()

    # --- A report from the post's menu: focus in the form, then on the thanks.
    page.goto("/latest")
    post = page.locator(f"#post-{newest}")
    post.locator(".post-menu summary").click()
    post.get_by_role("link", name="Report post").click()
    reason = post.get_by_label("What is wrong with this post?")
    expect(reason).to_be_focused()
    reason.fill("Not what it says.")
    post.get_by_role("button", name="Send report").click()
    thanks = post.get_by_text("Thanks, moderators will look at it.")
    expect(thanks).to_be_focused()

    # --- A like by keyboard: the focus stays on the like button after htmx swapped it.
    like = page.locator(f"#post-{newest} button.act-like")
    like.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#post-{newest} button.act-like")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#post-{newest} button.act-like")).to_be_focused()

    # --- The studio: status changes are announced once each, not at every poll.
    easel_app.extensions["easel_backend"].delay = 0.5
    page.goto("/studio")
    page.evaluate(
        """() => {
          window.__said = [];
          new MutationObserver(() => {
            const text = document.getElementById('announcer').textContent;
            if (text) window.__said.push(text);
          }).observe(document.getElementById('announcer'), {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.get_by_role("button", name="Generate").click()  # no prompt: the focus goes to the field in error
    expect(page.locator("#e-prompt")).to_be_visible()
    expect(page.get_by_label("Prompt", exact=True)).to_be_focused()
    page.get_by_label("Prompt", exact=True).fill("paper lanterns by a lake at night")
    page.get_by_role("button", name="Generate").click()
    card = page.locator("#generations .gen-card").first
    expect(card).to_have_attribute("data-status", "running", timeout=10_000)
    expect(page.get_by_role("button", name="Generate")).to_be_focused()  # the composer came back: focus kept
    expect(card).to_have_attribute("data-status", "done", timeout=20_000)
    page.wait_for_function("() => window.__said.some(t => t.startsWith('Picture ready'))")
    said = page.evaluate("() => window.__said")
    assert said[-1] == "Picture ready: paper lanterns by a lake at night", said
    assert said.count("Drawing the picture…") == 1, said  # several polls while drawing, one announcement
    assert page.locator(".gen-state[role=status]").count() == 0
    assert page.evaluate("() => document.getElementById('announcer').getAttribute('aria-live')") == "polite"
    shot(page, "a11y-studio-done")
    assert errors == [], errors


def test_load_more_keeps_the_focus_in_the_feed(page: Page, easel_app, base_url):
    errors = watch_for_errors(page)
    newest, older = two_members_two_pictures(easel_app)
    budi = AuthActions(easel_app.test_client())
    budi.login("budi", PASSWORD)
    for post_id in (older, newest):
        budi.post(f"/p/{post_id}/quote", {"text": f"Still thinking about {post_id}"})
    easel_app.config["FEED_PAGE_SIZE"] = 2
    page.goto("/latest")
    expect(page.locator("article.post")).to_have_count(2)
    more = page.get_by_role("link", name="Older posts")
    more.focus()  # a keyboard user reaches it: it scrolls into view and htmx loads the next page in its place
    expect(page.locator("article.post")).to_have_count(4)
    expect(page.locator(f"article.post#post-{newest}")).to_be_focused()  # the first of the new page
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_POST) == f"post-{older}"
    assert errors == [], errors
