"""The page header is drawn once and reused (views/shell.py): it must still be each viewer's own,
follow their badges as they change, and carry their own CSRF token."""

import re

from tests.conftest import AuthActions


def member(app, username: str) -> AuthActions:
    actions = AuthActions(app.test_client())
    actions.signup(username)
    return actions


def header(page: str) -> str:
    return re.search(r'<header class="topbar">.*?</header>', page, re.S).group(0)


def test_unread_badge_follows_new_notifications_and_reading(app):
    ana, bea, cici = member(app, "ana"), member(app, "bea"), member(app, "cici")
    assert "count-badge" not in header(ana.client.get("/").get_data(as_text=True))
    bea.post("/u/ana/follow")
    first = header(ana.client.get("/").get_data(as_text=True))
    assert '<span class="count-badge" aria-hidden="true">1</span>' in first and "1 unread" in first
    cici.post("/u/ana/follow")
    second = header(ana.client.get("/").get_data(as_text=True))
    assert '<span class="count-badge" aria-hidden="true">2</span>' in second
    ana.client.get("/notifications")
    assert "count-badge" not in header(ana.client.get("/").get_data(as_text=True))
    # bea's header is hers: no badge (nobody followed her), her own name and menu
    bea_header = header(bea.client.get("/").get_data(as_text=True))
    assert "count-badge" not in bea_header and "@bea" in bea_header and "@ana" not in bea_header


def test_each_header_carries_its_own_sessions_token(app):
    ana, bea = member(app, "ana"), member(app, "bea")
    tokens = []
    for actions in (ana, bea, ana):
        page = actions.client.get("/latest").get_data(as_text=True)
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        logout_token = re.search(r'action="/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                                 page).group(1)
        assert "__easel_csrf_token__" not in page and logout_token == meta
        tokens.append(meta.split(".")[0])
    assert tokens[0] != tokens[1] and tokens[0] == tokens[2]
    assert ana.client.post("/logout", data={"csrf_token": logout_token}).status_code in (302, 303)


def test_header_marks_the_page_you_are_on(app):
    ana = member(app, "ana")
    for path, label in (("/latest", "Latest"), ("/explore", "Explore"), ("/", "Home"), ("/studio", "Studio")):
        top = header(ana.client.get(path).get_data(as_text=True))
        assert re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', top) == [label], path
    search = header(ana.client.get("/search").get_data(as_text=True))
    assert 'nav-search" href="/search" title="Search" aria-current="page"' in search


def test_visitors_see_sign_up_only_while_registration_is_open(app, client):
    admin = member(app, "ana")  # the first member is the admin
    page = header(client.get("/explore").get_data(as_text=True))
    assert ">Sign up</a>" in page and ">Log in</a>" in page
    from models import instance
    from models.db import get_db

    with app.app_context():
        instance.save(get_db(), {"registration_mode": "closed"})
    assert ">Sign up</a>" not in header(client.get("/explore").get_data(as_text=True))
    assert "@ana" in header(admin.client.get("/explore").get_data(as_text=True))


def test_feed_pages_are_ascii_when_their_content_is(app, client, worker):
    """Entities, not "·" or "×", in the chrome: an ASCII page encodes ~50x faster (views/shell.ascii_html)."""
    from tests.conftest import wait_for_status

    ana = member(app, "ana")
    generation_id = ana.generate("a lighthouse at dusk", seed="3")
    wait_for_status(ana.client, generation_id)
    ana.post(f"/generations/{generation_id}/share", {"caption": "Evening walk"}, json=True)
    home = ana.client.get("/").get_data(as_text=True)
    assert 'class="post"' in home and "&times;" in home and home.isascii()
    assert client.get("/latest").get_data(as_text=True).isascii()
    assert "Easel &#8212; pictures from prompts" in client.get("/explore").get_data(as_text=True)


def test_template_gettext_escapes_arguments_and_reads_the_locale(app):
    """`_()` in templates is one call now (views/__init__.py); it must still escape what it is given,
    treat the string as a format string, and follow the reader's language."""
    from flask import render_template_string

    with app.test_request_context("/"):
        page = render_template_string("{{ _('A picture by @%(name)s', name=who) }}|{{ _('100%% sure') }}",
                                      who="<b>x</b>")
        assert page == "A picture by @&lt;b&gt;x&lt;/b&gt;|100% sure"
    with app.test_request_context("/", headers={"Accept-Language": "id"}):
        assert render_template_string("{{ _('Home') }}") == "Beranda"
