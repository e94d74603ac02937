"""Explore: ranking with time decay over 7 days, the 60 s cache, paging, the landing page, trending tags."""

from __future__ import annotations

import pytest

from models import explore, social
from models.db import connect
from tests.conftest import make_app
from tests.test_search import make_post, member

HTMX = {"HX-Request": "true"}


@pytest.fixture
def app(tmp_path):
    """Explore without the cache, so every request sees the database as it is."""
    app = make_app(tmp_path / "data", EXPLORE_CACHE_SECONDS=0)
    yield app
    app.extensions["easel_worker"].stop()


def likes(conn, post_id, n):
    conn.execute("UPDATE posts SET like_count = ? WHERE id = ?", (n, post_id))


def order(page: str, ids: list[int]) -> list[int]:
    """The given post ids in the order they appear on the page (absent ones left out)."""
    present = [post_id for post_id in ids if f'id="post-{post_id}"' in page]
    return sorted(present, key=lambda post_id: page.index(f'id="post-{post_id}"'))


def test_score_formula():
    assert explore.score(0, 0, 0, 0, 0) == pytest.approx(1 / 2 ** 1.5)
    assert explore.score(1, 1, 1, 1, 2) == pytest.approx(9 / 4 ** 1.5)
    assert explore.score(10, 0, 0, 0, 1) > explore.score(10, 0, 0, 0, 5) > explore.score(1, 0, 0, 0, 5)


def test_more_likes_and_newer_rank_higher_and_old_posts_drop_out(client, db):
    ana = member(db, "ana")
    quiet = make_post(db, ana, "quiet and recent", age_hours=1)
    liked = make_post(db, ana, "liked and recent", age_hours=1)
    old_hit = make_post(db, ana, "liked three days ago", age_hours=72)
    ancient = make_post(db, ana, "the best post of last month", age_hours=8 * 24)
    newest = make_post(db, ana, "brand new")
    likes(db, liked, 5)
    likes(db, old_hit, 20)
    likes(db, ancient, 1000)
    ids = [quiet, liked, old_hit, ancient, newest]
    # liked: 6/3^1.5=1.15; newest: 1/2^1.5=0.35; quiet: 1/3^1.5=0.19; old hit: 21/74^1.5=0.03
    assert order(client.get("/explore").get_data(as_text=True), ids) == [liked, newest, quiet, old_hit]
    assert explore.ranking(db) == [liked, newest, quiet, old_hit]


def test_reposts_replies_and_remixes_weigh_more_than_likes(db):
    ana = member(db, "ana")
    by_likes = make_post(db, ana, "two likes")
    by_remix = make_post(db, ana, "one remix")
    likes(db, by_likes, 2)
    db.execute("UPDATE posts SET remix_count = 1 WHERE id = ?", (by_remix,))
    assert explore.ranking(db) == [by_remix, by_likes]


def test_only_live_top_level_posts(client, db):
    ana, bob = member(db, "ana"), member(db, "bob")
    post = make_post(db, ana, "the original")
    gone = make_post(db, ana, "deleted soon")
    social.repost(db, bob, post)
    from models import posts

    reply = posts.reply(db, bob, post, "nice")
    posts.delete(db, gone)
    assert explore.ranking(db) == [post]
    page = client.get("/explore").get_data(as_text=True)
    assert page.count('class="post"') == 1 and f"post-{reply}" not in page


def test_cache_keeps_the_ranking_until_it_expires(tmp_path):
    app = make_app(tmp_path / "d", EXPLORE_CACHE_SECONDS=60)
    clock = [1000.0]
    app.extensions["easel_explore"] = explore.Cache(clock=lambda: clock[0])
    conn = connect(app.config["DATABASE"])
    ana = member(conn, "ana")
    first, second = make_post(conn, ana, "first"), make_post(conn, ana, "second")
    client = app.test_client()
    assert order(client.get("/explore").get_data(as_text=True), [first, second]) == [second, first]
    social.like(conn, ana, first)
    likes(conn, first, 50)
    clock[0] += 59
    page = client.get("/explore").get_data(as_text=True)
    assert order(page, [first, second]) == [second, first]  # ranked as it was...
    assert '<span class="act-count">50</span>' in page  # ...but each post shows its counts as they are
    clock[0] += 2
    assert order(client.get("/explore").get_data(as_text=True), [first, second]) == [first, second]
    conn.close()


def test_cache_is_per_app(tmp_path):
    one, two = make_app(tmp_path / "a"), make_app(tmp_path / "b")
    assert one.extensions["easel_explore"] is not two.extensions["easel_explore"]


def test_pages_of_twenty_with_infinite_scroll(client, db):
    ana = member(db, "ana")
    ids = [make_post(db, ana, f"post number {i}", age_hours=i) for i in range(45)]  # newest ranks first
    page = client.get("/explore").get_data(as_text=True)
    assert order(page, ids) == ids[:20]
    assert 'hx-get="/explore?page=2"' in page and 'hx-trigger="revealed"' in page
    second = client.get("/explore?page=2", headers=HTMX).get_data(as_text=True)
    assert "<html" not in second and order(second, ids) == ids[20:40]
    third = client.get("/explore?page=3", headers=HTMX).get_data(as_text=True)
    assert order(third, ids) == ids[40:] and "hx-trigger" not in third
    assert client.get("/explore?page=9", headers=HTMX).get_data(as_text=True).count('class="post"') == 0
    assert client.get("/explore?page=x").status_code == 400


def test_a_page_takes_a_fixed_number_of_queries(app, db):
    ana = member(db, "ana")
    for i in range(30):
        make_post(db, ana, f"post {i}")
    ids = explore.ranking(db)
    statements = []
    db.set_trace_callback(statements.append)
    items = explore.page(db, ids[:20], viewer_id=ana)
    assert len(items) == 20
    assert len(statements) == 3  # the page, its images, the viewer's likes/reposts/bookmarks


@pytest.mark.parametrize("how", ["block", "mute"])
def test_hidden_authors_are_not_shown(client, auth, db, how):
    ana = member(db, "ana")
    post = make_post(db, ana, "from ana")
    auth.signup("viewer")
    viewer = db.execute("SELECT id FROM users WHERE username = 'viewer'").fetchone()[0]
    getattr(social, how)(db, viewer, ana)
    assert f"post-{post}" not in client.get("/explore").get_data(as_text=True)
    auth.logout()
    assert f"post-{post}" in client.get("/explore").get_data(as_text=True)


def test_signed_out_home_is_explore_with_the_join_panel(client, auth, db):
    ana = member(db, "ana")
    quiet, liked = make_post(db, ana, "quiet one"), make_post(db, ana, "popular one", age_hours=2)
    likes(db, liked, 10)
    page = client.get("/").get_data(as_text=True)
    assert "Join" in page and "Trending today" in page
    assert order(page, [quiet, liked]) == [liked, quiet]  # ranked, not newest first
    auth.signup("viewer")
    home = client.get("/").get_data(as_text=True)
    assert "Pictures from prompts, shared with friends" not in home


def test_explore_page_has_nav_and_side_box(client, db):
    make_post(db, member(db, "ana"), "hello #sunset")
    page = client.get("/explore").get_data(as_text=True)
    assert 'href="/explore" aria-current="page"' in page and 'href="/search"' in page
    assert 'href="/tags/sunset"' in page and "1 post" in page


def test_trending_counts_only_the_last_day(client, db):
    ana = member(db, "ana")
    for i in range(3):
        make_post(db, ana, f"#sunset {i} #sea")
    make_post(db, ana, "#sea again")
    for i in range(5):
        make_post(db, ana, f"#yesterday {i}", age_hours=25)
    assert explore.trending(db) == [{"name": "sea", "posts": 4}, {"name": "sunset", "posts": 3}]
    page = client.get("/explore").get_data(as_text=True)
    box = page[page.index('class="panel trending"'):]
    box = box[:box.index("</section>")]
    assert "#sea" in box and "4 posts" in box and "#yesterday" not in box


def test_trending_top_ten(db):
    ana = member(db, "ana")
    for i in range(12):
        make_post(db, ana, " ".join(f"#tag{j}" for j in range(i + 1)))
    names = [tag["name"] for tag in explore.trending(db)]
    assert len(names) == 10 and names[0] == "tag0"


QUERIES = {
    "ranking": (explore.RANKING_SQL, {"since": 0, "now": 1, "limit": 1000}),
    "page": (explore.PAGE_SQL, {"ids": "[1, 2, 3]", "viewer": 1}),
    "trending": (explore.TRENDING_SQL, {"since": 0, "limit": 10}),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_explore_queries_use_an_index(db, name):
    sql, params = QUERIES[name]
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert not [step for step in plan if step.startswith("SCAN") and "json_each" not in step], plan
    if name == "ranking":
        assert "SEARCH posts USING INDEX posts_explore (created_at>?)" in plan
    if name == "trending":
        assert "SEARCH t USING COVERING INDEX post_tags_recent (created_at>?)" in plan


def test_cache_recomputes_once_for_concurrent_requests(monkeypatch):
    import threading
    import time

    calls = []

    def slow_ranking(conn):
        calls.append(1)
        time.sleep(0.05)
        return [1, 2, 3]

    monkeypatch.setattr(explore, "ranking", slow_ranking)
    monkeypatch.setattr(explore, "trending", lambda conn: [])
    cache = explore.Cache()
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(None, 60))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [([1, 2, 3], [])] * 8


def test_the_trending_box_is_drawn_once_per_language_and_ranking(client, db):
    ana = member(db, "ana")
    for i in range(2):
        make_post(db, ana, f"#sea {i}")
    make_post(db, ana, "#sunset")

    def box(headers=None):
        page = client.get("/explore", headers=headers or {}).get_data(as_text=True)
        box = page[page.index('class="panel trending"'):]
        return box[:box.index("</section>")]

    english = box()
    assert "Trending today" in english and "#sea" in english and "2 posts" in english
    assert box() == english
    indonesian = box({"Accept-Language": "id"})
    assert "Tren hari ini" in indonesian and "2 postingan" in indonesian
    assert box() == english  # each language keeps its own box

    make_post(db, ana, "#sea third")  # the app here ranks afresh on every request (no 60 s cache)
    assert "3 posts" in box() and "2 posts" not in box()
