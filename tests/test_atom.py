"""Atom feeds: /u/<name>/feed.atom and /tags/<tag>/feed.atom parse as Atom, hold what a signed-out
visitor may see (never a hidden prompt), escape hostile text, and are discoverable from their pages."""

import datetime as dt
import os
import xml.etree.ElementTree as ET

import pytest

from models import posts
from models.syndication import MEMBER_SQL, TAG_SQL
from tests.conftest import make_app
from tests.sharing_helpers import PUBLIC_URL, head_of, member, picture_post, remote_post, text_post, user_id

NS = {"atom": "http://www.w3.org/2005/Atom"}
A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path / "data", PUBLIC_URL=PUBLIC_URL)
    yield app
    app.extensions["easel_worker"].stop()


@pytest.fixture
def ana(app):
    return member(app, "ana")


def atom(client, path, status=200, **kwargs):
    """GET a feed and parse it the way a feed reader does: as XML, in the Atom namespace."""
    response = client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == A + "feed"
    return root


def rfc3339(text: str) -> dt.datetime:
    assert text.endswith("Z") or text[-6] in "+-", text
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None
    return parsed


def entries(root) -> list:
    return root.findall("atom:entry", NS)


def test_member_feed_holds_the_atom_elements_with_absolute_urls(app, client, db, ana):
    first = picture_post(app, db, "ana", caption="Morning light #coast", prompt="a lighthouse at dawn")
    second = picture_post(app, db, "ana", caption="", prompt="a red fox in snow")
    root = atom(client, "/u/ana/feed.atom")
    assert root.findtext("atom:id", namespaces=NS) == f"{PUBLIC_URL}/u/ana/feed.atom"
    assert "@ana" in root.findtext("atom:title", namespaces=NS)
    rfc3339(root.findtext("atom:updated", namespaces=NS))
    links = {link.get("rel"): link for link in root.findall("atom:link", NS)}
    assert links["self"].get("href") == f"{PUBLIC_URL}/u/ana/feed.atom"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == f"{PUBLIC_URL}/u/ana"
    assert root.findtext("atom:icon", namespaces=NS).startswith(PUBLIC_URL + "/static/")

    newest, older = entries(root)  # newest first
    assert newest.findtext("atom:id", namespaces=NS) == f"{PUBLIC_URL}/p/{second}"
    assert newest.findtext("atom:title", namespaces=NS) == "a red fox in snow"  # no caption: the shown prompt
    assert older.findtext("atom:title", namespaces=NS) == "Morning light #coast"
    for entry, post_id in ((newest, second), (older, first)):
        alternate = [link for link in entry.findall("atom:link", NS) if link.get("rel") == "alternate"]
        assert [link.get("href") for link in alternate] == [f"{PUBLIC_URL}/p/{post_id}"]
        assert entry.findtext("atom:author/atom:name", namespaces=NS) == "ana"
        assert entry.findtext("atom:author/atom:uri", namespaces=NS) == f"{PUBLIC_URL}/u/ana"
        assert rfc3339(entry.findtext("atom:published", namespaces=NS)) == rfc3339(
            entry.findtext("atom:updated", namespaces=NS))
        (enclosure,) = [link for link in entry.findall("atom:link", NS) if link.get("rel") == "enclosure"]
        assert enclosure.get("type") == "image/png"
        name = enclosure.get("href").removeprefix(f"{PUBLIC_URL}/media/")
        assert name.endswith(".png") and "/" not in name
        assert int(enclosure.get("length")) == os.path.getsize(os.path.join(app.config["MEDIA_DIR"], name))
        content = entry.find("atom:content", NS)
        assert content.get("type") == "html"
        assert f'<img src="{enclosure.get("href")}"' in content.text  # the picture, full size, absolute
    assert "Morning light" in older.find("atom:content", NS).text
    assert f'href="{PUBLIC_URL}/tags/coast"' in older.find("atom:content", NS).text  # links are absolute too


def test_media_behind_the_enclosure_is_served(app, client, db, ana):
    picture_post(app, db, "ana", caption="hi")
    (entry,) = entries(atom(client, "/u/ana/feed.atom"))
    href = [link.get("href") for link in entry.findall("atom:link", NS) if link.get("rel") == "enclosure"][0]
    response = client.get(href.removeprefix(PUBLIC_URL))
    assert response.status_code == 200 and response.data[:8] == b"\x89PNG\r\n\x1a\n"
    response.close()


@pytest.mark.parametrize("caption", [
    '<script>alert("x")</script> & friends',
    "]]> <![CDATA[ sneaky ]]> &amp; &lt;b&gt;",
    "quotes \" and ' and <img src=x onerror=alert(1)>",
])
def test_hostile_captions_are_escaped_and_round_trip(app, client, db, ana, caption):
    picture_post(app, db, "ana", caption=caption)
    text_post(db, "ana", caption)
    root = atom(client, "/u/ana/feed.atom")
    for entry in entries(root):
        assert entry.findtext("atom:title", namespaces=NS) == caption  # exactly the text, once escaped
        html = entry.find("atom:content", NS).text  # the HTML a reader renders
        assert "<script" not in html and "<img src=x" not in html and "<![CDATA[" not in html
        assert "&lt;script&gt;" in html or "&lt;img src=x" in html or "&lt;![CDATA[" in html


def test_control_characters_never_break_the_xml(app, client, db, ana):
    text_post(db, "ana", "bell\x07 and \x1b escape")
    (entry,) = entries(atom(client, "/u/ana/feed.atom"))
    assert entry.findtext("atom:title", namespaces=NS) == "bell and  escape"


def test_a_hidden_prompt_never_appears(app, client, db, ana):
    # The alt text equals the prompt here (an old row): the feed still must not show it.
    picture_post(app, db, "ana", caption="", prompt="secret lighthouse recipe", show_prompt=False)
    picture_post(app, db, "ana", caption="Shown", prompt="public fox prompt", show_prompt=True)
    body = client.get("/u/ana/feed.atom").get_data(as_text=True)
    assert "secret lighthouse recipe" not in body
    root = ET.fromstring(body.encode())
    hidden, shown = entries(root)[1], entries(root)[0]
    assert hidden.findtext("atom:title", namespaces=NS) == "A picture by @ana"
    assert "public fox prompt" in shown.find("atom:content", NS).text  # a shown prompt is part of the entry
    tag_body = client.get("/tags/x/feed.atom").get_data(as_text=True)
    assert "secret lighthouse recipe" not in tag_body


def test_member_feed_leaves_out_replies_reposts_deleted_hidden_and_held(app, client, db, ana):
    member(app, "bob")
    kept = picture_post(app, db, "ana", caption="kept")
    deleted = picture_post(app, db, "ana", caption="deleted")
    posts.delete(db, deleted)
    hidden = picture_post(app, db, "ana", caption="hidden")
    db.execute("UPDATE posts SET moderation = 'hidden' WHERE id = ?", (hidden,))
    picture_post(app, db, "ana", caption="held", held=True)
    bobs = picture_post(app, db, "bob", caption="bob's")
    posts.reply(db, user_id(db, "ana"), bobs, "a reply by ana")
    assert ana.post(f"/p/{bobs}/repost").status_code in (200, 303)
    text = text_post(db, "ana", "just words")
    root = atom(client, "/u/ana/feed.atom")
    assert [e.findtext("atom:id", namespaces=NS) for e in entries(root)] == [
        f"{PUBLIC_URL}/p/{text}", f"{PUBLIC_URL}/p/{kept}"]
    # The author signed in reads the same public feed (their held post is not public).
    assert len(entries(atom(ana.client, "/u/ana/feed.atom"))) == 2
    assert len(entries(atom(client, "/u/bob/feed.atom"))) == 1


def test_member_feed_is_the_newest_30(app, client, db, ana):
    ids = [text_post(db, "ana", f"post {n}") for n in range(33)]
    got = [e.findtext("atom:id", namespaces=NS) for e in entries(atom(client, "/u/ana/feed.atom"))]
    assert got == [f"{PUBLIC_URL}/p/{post_id}" for post_id in reversed(ids[-30:])]


@pytest.mark.parametrize("status", ["suspended", "deleted", "pending"])
def test_feeds_of_members_not_active_are_404(app, client, db, ana, status):
    picture_post(app, db, "ana", caption="#coast before")
    db.execute("UPDATE users SET status = ? WHERE username = 'ana'", (status,))
    assert client.get("/u/ana/feed.atom").status_code == 404
    assert entries(atom(client, "/tags/coast/feed.atom")) == []  # nor in a tag's feed


def test_unknown_member_is_404(client):
    assert client.get("/u/nobody/feed.atom").status_code == 404


def test_tag_feed(app, client, db, ana):
    member(app, "bob")
    first = picture_post(app, db, "ana", caption="Dawn #Coast")
    second = picture_post(app, db, "bob", caption="Dusk #coast and #sea")
    hidden = picture_post(app, db, "bob", caption="#coast hidden one")
    db.execute("UPDATE posts SET moderation = 'hidden' WHERE id = ?", (hidden,))
    picture_post(app, db, "bob", caption="#elsewhere")
    root = atom(client, "/tags/COAST/feed.atom")
    assert root.findtext("atom:id", namespaces=NS) == f"{PUBLIC_URL}/tags/coast/feed.atom"
    assert "#coast" in root.findtext("atom:title", namespaces=NS)
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links == {"self": f"{PUBLIC_URL}/tags/coast/feed.atom", "alternate": f"{PUBLIC_URL}/tags/coast"}
    got = [(e.findtext("atom:id", namespaces=NS), e.findtext("atom:author/atom:name", namespaces=NS))
           for e in entries(root)]
    assert got == [(f"{PUBLIC_URL}/p/{second}", "bob"), (f"{PUBLIC_URL}/p/{first}", "ana")]


def test_tag_feed_of_an_unused_tag_is_empty_and_a_bad_tag_is_404(client):
    root = atom(client, "/tags/nothing/feed.atom")
    assert entries(root) == [] and root.findtext("atom:updated", namespaces=NS)
    assert client.get("/tags/no%20tag/feed.atom").status_code == 404
    assert client.get("/tags/1st/feed.atom").status_code == 404


def test_discovery_links_in_the_profile_and_tag_pages(app, client, db, ana):
    picture_post(app, db, "ana", caption="#coast")
    for path, feed in (("/u/ana", "/u/ana/feed.atom"), ("/u/ana/media", "/u/ana/feed.atom"),
                       ("/tags/coast", "/tags/coast/feed.atom")):
        head = head_of(client.get(path).get_data(as_text=True))
        (link,) = head.link("alternate", "application/atom+xml")
        assert link["href"] == PUBLIC_URL + feed and link["title"]
        atom(client, feed)  # and it answers


def test_without_public_url_urls_use_the_request_host(tmp_path):
    app = make_app(tmp_path / "d")
    try:
        member(app, "ana")
        root = atom(app.test_client(), "/u/ana/feed.atom", base_url="http://easel.local:8080")
        assert root.findtext("atom:id", namespaces=NS) == "http://easel.local:8080/u/ana/feed.atom"
    finally:
        app.extensions["easel_worker"].stop()


def test_conditional_get(app, client, db, ana):
    picture_post(app, db, "ana", caption="hi")
    first = client.get("/u/ana/feed.atom")
    assert "max-age" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = client.get("/u/ana/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(("sql", "params", "index"), [
    (MEMBER_SQL, {"author": 1, "limit": 30}, "posts_timeline"),
    (TAG_SQL, {"tag": "coast", "limit": 30}, "SEARCH t USING PRIMARY KEY (tag_id=?)"),
])
def test_feed_queries_use_an_index(db, sql, params, index):
    plan = " ".join(row["detail"] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert index in plan and "SCAN p" not in plan, plan


def test_tag_feed_of_a_non_ascii_tag(app, client, db, ana):
    post_id = picture_post(app, db, "ana", caption="Petit #Café du matin")
    root = atom(client, "/tags/caf%C3%A9/feed.atom")
    assert root.findtext("atom:id", namespaces=NS) == f"{PUBLIC_URL}/tags/caf%C3%A9/feed.atom"
    assert [e.findtext("atom:id", namespaces=NS) for e in entries(root)] == [f"{PUBLIC_URL}/p/{post_id}"]


def test_remote_posts_stay_out_of_tag_feeds(app, client, db, ana):
    local = picture_post(app, db, "ana", caption="#coast here")
    remote_post(db, "#coast from elsewhere")
    got = [e.findtext("atom:id", namespaces=NS) for e in entries(atom(client, "/tags/coast/feed.atom"))]
    assert got == [f"{PUBLIC_URL}/p/{local}"]
