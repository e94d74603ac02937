"""Sharing a finished generation, the post page, the feeds and their queries."""

import pytest

from models import posts
from models.db import connect
from tests.conftest import make_app, wait_for_status


@pytest.fixture
def finished(client, auth, worker):
    """A signed-in member with one finished generation (2 images)."""
    auth.signup("ana")
    generation_id = auth.generate("a lighthouse on a cliff at sunset", seed="11", count="2", style="flat")
    wait_for_status(client, generation_id)
    return generation_id


def test_share_json_makes_post_with_all_images(client, auth, finished, db):
    response = auth.post(f"/generations/{finished}/share", {"caption": "My first one"}, json=True)
    assert response.status_code == 201
    post_id = response.get_json()["post_id"]
    row = db.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()
    assert (row["caption"], row["generation_id"], row["remix_policy"], row["show_prompt"]) == (
        "My first one",
        finished,
        "anyone",
        1,
    )
    alts = [r[0] for r in db.execute("SELECT alt FROM post_media WHERE post_id = ? ORDER BY position", (post_id,))]
    assert alts == ["a lighthouse on a cliff at sunset"] * 2  # alt defaults to the prompt
    body = client.get(f"/generations/{finished}", headers={"Accept": "application/json"}).get_json()
    assert body["post_id"] == post_id


def test_share_is_idempotent(client, auth, finished, db):
    first = auth.post(f"/generations/{finished}/share", {"caption": "once"}, json=True)
    second = auth.post(f"/generations/{finished}/share", {"caption": "twice"}, json=True)
    assert second.status_code == 200
    assert first.get_json() == second.get_json()
    assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == 1


def test_share_htmx_redirects_to_post_and_card_links_it(client, auth, finished):
    response = auth.post(f"/generations/{finished}/share", {"caption": "hi", "alt": "A white lighthouse"}, htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/p/1"
    page = client.get("/p/1").get_data(as_text=True)
    assert 'alt="A white lighthouse"' in page
    card = client.get(f"/generations/{finished}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "view the post" in card and "Share to the feed" not in card


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"caption": "x" * 501}, "caption", "under 500 characters"),
        ({"caption": "ok", "alt": "y" * 1501}, "alt", "under 1500 characters"),
        ({"caption": "ok", "remix_policy": "everyone"}, "remix_policy", "who may remix"),
        ({"caption": "ok", "show_prompt": "maybe"}, "show_prompt", "whether to show"),
    ],
)
def test_bad_share_is_422_and_stores_nothing(client, auth, finished, db, fields, field, message):
    response = auth.post(f"/generations/{finished}/share", fields, json=True)
    assert response.status_code == 422 and message in response.get_json()["errors"][field]
    htmx = auth.post(f"/generations/{finished}/share", fields, htmx=True)
    assert htmx.status_code == 422 and 'class="gen-card' in htmx.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_unfinished_generation_cannot_be_shared(client, auth, db):
    auth.signup()
    generation_id = auth.generate("waiting")
    response = auth.post(f"/generations/{generation_id}/share", {"caption": "too soon"}, json=True)
    assert response.status_code == 422
    assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_post_page_shows_image_caption_and_generation_card(client, auth, finished):
    post_id = auth.post(f"/generations/{finished}/share", {"caption": "Evening <b>light</b>"}, json=True).get_json()[
        "post_id"
    ]
    auth.logout()
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "Evening &lt;b&gt;light&lt;/b&gt;" in page  # escaped, never raw HTML
    assert "a lighthouse on a cliff at sunset" in page and "@ana" in page
    assert "11–12" in page and "512×512" in page and "builtin" in page
    assert 'href="/media/' in page and ".png" in page  # full size on click
    understood = page.split("Understood</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert "lighthouse" in understood and "sunset" in understood  # what the builtin generator drew
    body = client.get(f"/p/{post_id}", headers={"Accept": "application/json"}).get_json()
    assert body["author"] == "ana" and body["caption"] == "Evening <b>light</b>"
    assert body["prompt"] == "a lighthouse on a cliff at sunset" and body["seed"] == 11
    assert len(body["images"]) == 2
    assert {k: body[k] for k in ("like_count", "reply_count", "repost_count", "remix_count")} == dict.fromkeys(
        ("like_count", "reply_count", "repost_count", "remix_count"), 0
    )
    assert body["remix_of"] is None and body["reply_to"] is None and body["created_at"].endswith("Z")


def test_hidden_prompt_is_not_sent(client, auth, finished):
    post_id = auth.post(
        f"/generations/{finished}/share", {"caption": "secret", "show_prompt": "0"}, json=True
    ).get_json()["post_id"]
    auth.logout()
    for path in (f"/p/{post_id}", "/latest", "/"):
        assert "lighthouse on a cliff" not in client.get(path).get_data(as_text=True)
    assert "prompt" not in client.get(f"/p/{post_id}", headers={"Accept": "application/json"}).get_json()
    assert 'alt="secret"' in client.get(f"/p/{post_id}").get_data(as_text=True)


def test_missing_post_is_404_in_site_look(client):
    response = client.get("/p/12345")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page and 'class="topbar"' in page and "Traceback" not in page
    assert client.get("/p/12345", headers={"Accept": "application/json"}).status_code == 404


def test_latest_and_home_show_posts_newest_first(client, auth, worker):
    auth.signup("ana")
    for caption in ("older post", "newer post"):
        generation_id = auth.generate(caption)
        wait_for_status(client, generation_id)
        auth.post(f"/generations/{generation_id}/share", {"caption": caption})
    for path in ("/latest", "/"):
        page = client.get(path).get_data(as_text=True)
        assert page.index("newer post") < page.index("older post")
        assert 'loading="lazy"' in page and "-thumb.webp" in page and 'width="512"' in page
    auth.logout()
    public = client.get("/").get_data(as_text=True)
    assert "newer post" in public and "Join" in public


def seed_posts(app, n):
    """n posts straight through the models (the feed test needs many, fast)."""
    from models import users

    conn = connect(app.config["DATABASE"])
    user = users.create_user(conn, "ana", "correct horse")
    for i in range(n):
        conn.execute(
            "INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, created_at)"
            " VALUES (?, ?, ?, 512, 512, 'flat', 'builtin', 'done', 0)",
            (user["id"], f"prompt {i}", i),
        )
        conn.execute(
            "INSERT INTO posts (user_id, generation_id, caption, created_at) VALUES (?, ?, ?, 0)",
            (user["id"], i + 1, f"caption number {i}"),
        )
    conn.close()


def test_feed_pages_by_keyset_20_at_a_time(tmp_path):
    app = make_app(tmp_path / "d")
    seed_posts(app, 45)
    client = app.test_client()
    page = client.get("/latest").get_data(as_text=True)
    assert page.count('class="post"') == 20
    assert "caption number 44" in page and "caption number 25" in page and "caption number 24" not in page
    assert 'hx-get="/latest?before=26"' in page and 'hx-trigger="revealed"' in page
    second = client.get("/latest?before=26", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in second and second.count('class="post"') == 20
    assert "caption number 24" in second and "caption number 5" in second
    third = client.get("/latest?before=6", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert third.count('class="post"') == 5 and "hx-trigger" not in third
    assert client.get("/latest?before=abc").status_code == 400


def test_feed_page_takes_a_fixed_number_of_queries(tmp_path):
    app = make_app(tmp_path / "d")
    seed_posts(app, 30)
    conn = connect(app.config["DATABASE"])
    statements = []
    conn.set_trace_callback(statements.append)
    items, cursor = posts.feed(conn, "latest", viewer_id=1, limit=20)
    assert len(items) == 20 and cursor == items[-1]["id"]
    # the page, then for the whole page: its images, and what the viewer liked/reposted/bookmarked
    assert len(statements) == 3
    conn.close()


@pytest.mark.parametrize("name", sorted(posts.FEEDS) + ["newer", "newer_home"])
def test_every_feed_query_uses_an_index(tmp_path, name):
    app = make_app(tmp_path / "d")
    sql = {"newer": posts.NEWER_COUNT_SQL, "newer_home": posts.NEWER_HOME_COUNT_SQL}.get(name) or posts.FEEDS[name]
    conn = connect(app.config["DATABASE"])
    params = {"before": 2**62, "limit": 20, "viewer": 1, "author": 1, "tag": "x", "after": 5}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    conn.close()
    assert not [s for s in plan if s.startswith("SCAN") and "subquery" not in s and "CONSTANT ROW" not in s], plan
    if name not in ("home",):  # home merges its followed members' index ranges: a sort of at most their posts
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
