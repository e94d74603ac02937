"""Search: posts by caption and visible prompt, people, tags; FTS syntax in input is just text."""

from __future__ import annotations

import time

import pytest

from models import posts, search, social
from models.db import connect
from tests.conftest import make_app

HTMX = {"HX-Request": "true"}
JSON = {"Accept": "application/json"}


def member(conn, username, display_name="", bio=""):
    """A member without a password (authors only; tests sign in through the client when they must)."""
    return conn.execute(
        "INSERT INTO users (username, display_name, bio, created_at) VALUES (?, ?, ?, ?)",
        (username, display_name, bio, time.time()),
    ).lastrowid


def make_post(conn, user_id, caption, prompt="a quiet lake", show_prompt=True, age_hours=0.0):
    """A shared post through the model (tags, FTS triggers and all), optionally backdated."""
    generation_id = conn.execute(
        "INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, created_at)"
        " VALUES (?, ?, 1, 512, 512, 'flat', 'builtin', 'done', ?)",
        (user_id, prompt, time.time()),
    ).lastrowid
    generation = conn.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    post_id = posts.share(conn, generation, caption=caption, alt="", remix_policy="anyone", show_prompt=show_prompt)
    if age_hours:
        conn.execute("UPDATE posts SET created_at = created_at - ? WHERE id = ?", (age_hours * 3600, post_id))
        conn.execute("UPDATE post_tags SET created_at = created_at - ? WHERE post_id = ?", (age_hours * 3600, post_id))
    return post_id


def found(client, q, **params):
    return client.get("/search", query_string={"q": q, **params}, headers=JSON).get_json()


@pytest.fixture
def seeded(db):
    ana = member(db, "ana", "Ana Lima", "I paint harbours at dawn")
    bob = member(db, "bobby", "Bob Stone")
    ids = {
        "lighthouse": make_post(db, ana, "Evening at the #lighthouse", prompt="a red lighthouse on a cliff"),
        "secret": make_post(db, bob, "guess the words", prompt="a hidden xylophone garden", show_prompt=False),
        "cats": make_post(db, bob, "Two #cats and a #catnap", prompt="sleepy kittens"),
    }
    return {"ana": ana, "bob": bob, **ids}


@pytest.mark.parametrize(("q", "key"), [
    ("lighthouse", "lighthouse"),  # caption word
    ("cliff", "lighthouse"),  # prompt word
    ("Evening cliff", "lighthouse"),  # both, any order
    ("kitten", "cats"),  # the last word is a prefix
    ("LIGHTHOUSE", "lighthouse"),
])
def test_posts_found_by_caption_and_prompt(client, seeded, q, key):
    assert found(client, q)["posts"] == [seeded[key]]


def test_hidden_prompt_words_find_nothing(client, seeded):
    assert found(client, "xylophone")["posts"] == []
    assert found(client, "guess")["posts"] == [seeded["secret"]]  # its caption still counts


def test_posts_ranked_by_relevance(client, db, seeded):
    once = make_post(db, seeded["ana"], "a boat", prompt="boat")
    twice = make_post(db, seeded["ana"], "boat boat boat", prompt="boat on a boat")
    assert found(client, "boat")["posts"] == [twice, once]


def test_people_by_name_and_prefix(client, seeded):
    assert found(client, "ana")["people"] == ["ana"]
    assert found(client, "bob")["people"] == ["bobby"]  # username prefix
    assert found(client, "@bo")["people"] == ["bobby"]
    assert found(client, "stone")["people"] == ["bobby"]  # display name
    assert found(client, "harbours")["people"] == ["ana"]  # bio


def test_remote_members_are_not_listed(client, db, seeded):
    db.execute("INSERT INTO users (username, domain, created_at) VALUES ('anaremote', 'example.social', 0)")
    assert found(client, "ana")["people"] == ["ana"]


def test_tags_by_prefix_with_counts(client, db, seeded):
    make_post(db, seeded["ana"], "more #cats")
    assert found(client, "#cat")["tags"] == ["cats", "catnap"]  # most used first
    page = client.get("/search?q=cat&type=tags").get_data(as_text=True)
    assert 'href="/tags/cats"' in page and "#catnap" in page


NASTY = [
    '"', '""', '"""', "*", "**", "(", ")", "(()", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "a AND", "AND a",
    "-", "-a", "a -b", "a OR", "^a", "a:b", "caption:cliff", "{caption prompt}: x", "'", "\\", "%", "_", "%_",
    "a*b", "lighthouse*", '"lighthouse', 'light"house', "🎨", "🎨🔥 lighthouse", "ß", "café", "日本語", "\x00",
    "a" * 1000, "lighthouse " * 200, "+", "#", "@", "@@", "#####", "\t\n", "NEAR/3", "a NEAR/2 b", "\u202e",
]


@pytest.mark.parametrize("q", NASTY)
def test_fts_syntax_in_input_is_only_text(client, seeded, q):
    for headers in ({}, HTMX, JSON):
        response = client.get("/search", query_string={"q": q}, headers=headers)
        assert response.status_code == 200, (q, headers)


def test_fts_query_quotes_every_word():
    assert search.fts_query('light"house AND (cliff') == '"light" "house" "AND" "cliff"*'
    assert search.fts_query("*** ---") is None
    assert len(search.tokens("word " * 500)) == search.MAX_TOKENS


def test_nasty_input_still_finds(client, seeded):
    assert found(client, '"lighthouse')["posts"] == [seeded["lighthouse"]]
    assert found(client, "cliff AND")["posts"] == []  # AND is a plain word here, and no cliff post has it
    assert found(client, "cats AND")["posts"] == [seeded["cats"]]  # "Two #cats and a #catnap"
    assert found(client, "(cliff")["posts"] == [seeded["lighthouse"]]


def test_empty_query_is_a_helpful_page(client, seeded):
    page = client.get("/search").get_data(as_text=True)
    assert "Find posts by the words" in page and "Trending today" in page and "#lighthouse" in page
    assert found(client, "") == {"posts": [], "people": [], "tags": []}
    assert found(client, "   ") == {"posts": [], "people": [], "tags": []}


def test_no_results_empty_state(client, seeded):
    page = client.get("/search?q=zzzqqq").get_data(as_text=True)
    assert "Nothing found for" in page and "zzzqqq" in page


def test_page_and_partial(client, seeded):
    page = client.get("/search?q=lighthouse").get_data(as_text=True)
    assert "<html" in page and 'id="search-results"' in page
    assert 'hx-get="/search"' in page and 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-target="#search-results"' in page and 'hx-push-url="true"' in page
    assert 'method="get"' in page and 'value="lighthouse"' in page  # works without JavaScript
    assert 'id="post-%d"' % seeded["lighthouse"] in page
    partial = client.get("/search?q=lighthouse", headers=HTMX)
    body = partial.get_data(as_text=True)
    assert "<html" not in body and 'id="post-%d"' % seeded["lighthouse"] in body
    assert "HX-Request" in partial.headers["Vary"]
    # the back button after hx-push-url may ask for the whole page with HX-Request set
    restore = client.get("/search?q=lighthouse", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_user_text_is_escaped(client, seeded):
    page = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_deleted_post_disappears(client, db, seeded):
    posts.delete(db, seeded["lighthouse"])
    assert found(client, "lighthouse")["posts"] == []
    assert found(client, "cliff")["posts"] == []


def test_reposts_are_not_results(client, db, seeded):
    social.repost(db, seeded["bob"], seeded["lighthouse"])
    assert found(client, "lighthouse")["posts"] == [seeded["lighthouse"]]


@pytest.mark.parametrize("how", ["block", "blocked_by", "mute"])
def test_hidden_authors_are_not_shown(client, auth, db, seeded, how):
    auth.signup("viewer")
    viewer = db.execute("SELECT id FROM users WHERE username = 'viewer'").fetchone()[0]
    if how == "block":
        social.block(db, viewer, seeded["ana"])
    elif how == "blocked_by":
        social.block(db, seeded["ana"], viewer)
    else:
        social.mute(db, viewer, seeded["ana"])
    result = found(client, "lighthouse ana")
    assert result["posts"] == [] and "ana" not in found(client, "ana")["people"]
    auth.logout()
    assert found(client, "lighthouse")["posts"] == [seeded["lighthouse"]]


def test_top_fifty_only(tmp_path):
    app = make_app(tmp_path / "d")
    conn = connect(app.config["DATABASE"])
    author = member(conn, "ana")
    for i in range(60):
        make_post(conn, author, f"sunset number {i}")
    conn.close()
    assert len(found(app.test_client(), "sunset")["posts"]) == search.POST_LIMIT


@pytest.mark.parametrize("name", ["POSTS_SQL", "PEOPLE_PREFIX_SQL", "PEOPLE_FTS_SQL", "TAGS_SQL"])
def test_search_queries_use_an_index(db, name):
    two_words = "(h.name >= :lo0 AND h.name < :hi0) OR (h.name >= :lo1 AND h.name < :hi1)"
    sql = getattr(search, name).format(ranges=two_words)
    params = {"match": '"a"*', "scan": 200, "limit": 50, "viewer": 1, "lo": "a", "hi": "b",
              "lo0": "a", "hi0": "b", "lo1": "c", "hi1": "d"}
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    scans = [step for step in plan if step.startswith("SCAN") and "VIRTUAL TABLE" not in step and step != "SCAN f"]
    assert not scans, plan
