"""Dark mode with an override (issue 9): system by default, a member's stored choice, a visitor's cookie,
rendered as data-theme on <html> (no flash), and the stylesheet's two dark blocks kept identical."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "easel.css"


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def stored_theme(db, username="ana"):
    return db.execute("SELECT theme FROM users WHERE username = ?", (username,)).fetchone()[0]


def test_default_follows_the_system(client):
    page = client.get("/explore").get_data(as_text=True)
    assert "data-theme" not in html_tag(page)
    assert '<meta name="color-scheme" content="light dark">' in page
    assert 'name="theme-color" content="#f6f5f2" media="(prefers-color-scheme: light)"' in page
    assert 'name="theme-color" content="#121117" media="(prefers-color-scheme: dark)"' in page


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_visitor_choice_is_a_cookie_and_renders_on_html(client, auth, theme):
    response = auth.post("/theme", {"theme": theme}, headers={"Referer": "http://localhost/latest"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/latest")
    assert f"theme={theme}" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/explore").get_data(as_text=True)
    assert f'data-theme="{theme}"' in html_tag(page)
    assert f'<meta name="color-scheme" content="{theme}">' in page
    assert page.count('name="theme-color"') == 1
    assert re.search(rf'<button type="submit" name="theme" value="{theme}" aria-pressed="true">', page)


def test_visitor_back_to_system_deletes_the_cookie(client, auth):
    auth.post("/theme", {"theme": "dark"})
    response = auth.post("/theme", {"theme": "system"})
    assert response.status_code == 303
    assert "theme=;" in response.headers["Set-Cookie"]
    assert "data-theme" not in html_tag(client.get("/explore").get_data(as_text=True))


def test_member_choice_is_stored_and_wins_over_the_cookie(client, auth, db):
    auth.post("/theme", {"theme": "light"})  # as a visitor, before signing up
    auth.signup("ana")
    assert 'data-theme="light"' in html_tag(client.get("/settings").get_data(as_text=True))
    auth.post("/theme", {"theme": "dark"})
    assert stored_theme(db) == "dark"
    client.set_cookie("theme", "light")  # another device's cookie does not override the member's choice
    page = client.get("/settings").get_data(as_text=True)
    assert 'data-theme="dark"' in html_tag(page)
    assert '<option value="dark" selected>' in page
    auth.post("/theme", {"theme": "system"})
    assert stored_theme(db) is None


def test_member_choice_follows_them_to_a_new_device(app, client, auth):
    auth.signup("ana")
    auth.post("/theme", {"theme": "dark"})
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("ana")
    assert 'data-theme="dark"' in html_tag(other.get("/").get_data(as_text=True))


def test_settings_has_the_control_and_the_footer_toggle_is_for_visitors(client, auth):
    assert 'class="theme-switch"' in client.get("/explore").get_data(as_text=True)
    auth.signup("ana")
    page = client.get("/settings").get_data(as_text=True)
    assert 'id="f-theme" name="theme"' in page and '<option value="system" selected>' in page
    assert 'class="theme-switch"' not in page


def test_unknown_theme_is_refused_and_changes_nothing(client, auth, db):
    auth.signup("ana")
    auth.post("/theme", {"theme": "dark"})
    response = auth.post("/theme", {"theme": "purple"})
    assert response.status_code == 400
    assert stored_theme(db) == "dark"


def test_forged_cookie_is_ignored(client):
    client.set_cookie("theme", '"><script>')
    assert "data-theme" not in html_tag(client.get("/explore").get_data(as_text=True))


def test_needs_csrf(client):
    assert client.post("/theme", data={"theme": "dark"}).status_code == 400


def test_theme_is_not_part_of_cached_cards(client, auth):
    """Cards are cached for every viewer (views/cards.py): the theme lives on <html> only."""
    auth.signup("ana")
    auth.post("/theme", {"theme": "dark"})
    page = client.get("/latest").get_data(as_text=True)
    assert page.count("data-theme") == 1


def _declarations(block: str) -> list[str]:
    return sorted(line.strip() for line in block.splitlines() if line.strip().startswith("--"))


def test_the_two_dark_palettes_are_identical():
    """`prefers-color-scheme: dark` (unless light was chosen) and `data-theme="dark"` must not drift apart."""
    css = CSS.read_text()
    system = re.search(r':root:not\(\[data-theme="light"\]\) \{(.*?)\}', css, re.S).group(1)
    chosen = re.search(r':root\[data-theme="dark"\] \{(.*?)\}', css, re.S).group(1)
    assert _declarations(system) and _declarations(system) == _declarations(chosen)


def test_browser_bar_colours_match_the_stylesheet():
    """theme-color and the manifest use views/theme.py COLOURS: the --bg of each palette."""
    from views.theme import COLOURS

    css = CSS.read_text()
    light = re.search(r":root \{(.*?)\}", css, re.S).group(1)
    dark = re.search(r':root\[data-theme="dark"\] \{(.*?)\}', css, re.S).group(1)
    assert re.search(r"--bg:\s*([^;]+);", light).group(1).strip() == COLOURS["light"]
    assert re.search(r"--bg:\s*([^;]+);", dark).group(1).strip() == COLOURS["dark"]
