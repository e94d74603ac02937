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


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_main_pages_have_no_serious_axe_violations(page: Page, easel_app, base_url, theme, shot):
    errors = watch_for_errors(page)
    data = make_community(easel_app)
    page.emulate_media(color_scheme=theme, reduced_motion="reduce")
    found: list[str] = []
    checked = 0

    def check(path: str, label: str) -> None:
        nonlocal checked
        page.goto(path.format(**data))
        expect(page.locator("main#main")).to_be_visible()
        violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        found.extend(describe(violations, f"{theme} {label}"))
        checked += 1

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
