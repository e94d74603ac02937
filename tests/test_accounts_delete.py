"""Deleting an account (models.accounts.delete_account): content goes, counters on other members'
posts stay exact, threads keep their shape, the name stays reserved, files no one uses are removed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models import accounts, posts, social
from models.db import connect
from tests.test_search import make_post, member


def counts(conn, post_id):
    row = conn.execute("SELECT like_count, reply_count, repost_count, remix_count FROM posts WHERE id = ?",
                       (post_id,)).fetchone()
    return tuple(row)


def media(conn, media_dir: Path, user_id: int, post_id: int | None, name: str) -> int:
    """A stored picture (a file and its media row), attached to a post if given."""
    for file in (name, f"thumb-{name}"):
        (media_dir / file).write_bytes(b"webp")
    media_id = conn.execute(
        """INSERT INTO media (user_id, position, name, thumb_name, width, height, thumb_width, thumb_height,
                              created_at) VALUES (?, 0, ?, ?, 8, 8, 4, 4, ?)""",
        (user_id, name, f"thumb-{name}", time.time())).lastrowid
    if post_id:
        conn.execute("INSERT INTO post_media (post_id, media_id, position) VALUES (?, ?, 0)", (post_id, media_id))
    return media_id


def remix(conn, user_id: int, parent_id: int) -> int:
    generation_id = conn.execute(
        """INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, remix_of,
                                    created_at) VALUES (?, 'remixed', 1, 512, 512, 'flat', 'builtin', 'done', ?, ?)""",
        (user_id, parent_id, time.time())).lastrowid
    generation = conn.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    return posts.share(conn, generation, caption="my remix", remix_policy="anyone", show_prompt=True)


@pytest.fixture
def world(app):
    """cleo (to be deleted) has done a bit of everything with dan's and ana's posts."""
    conn = connect(app.config["DATABASE"])
    media_dir = Path(app.config["MEDIA_DIR"])
    ana, cleo, dan = member(conn, "ana"), member(conn, "cleo", "Cleo C", "bio here"), member(conn, "dan")
    conn.execute("UPDATE users SET role = 'admin' WHERE id = ?", (ana,))
    conn.execute("UPDATE users SET password_hash = 'x', totp_secret = 'SECRET' WHERE id = ?", (cleo,))
    d1, d2 = make_post(conn, dan, "dan's first #tag"), make_post(conn, dan, "dan's second")
    p1 = make_post(conn, cleo, "cleo's own @dan #tag")
    media(conn, media_dir, cleo, p1, "cleo-only.webp")
    media(conn, media_dir, cleo, None, "shared.webp")
    media(conn, media_dir, dan, d2, "shared.webp")  # the same content-addressed file
    avatar = media(conn, media_dir, cleo, None, "avatar.webp")
    conn.execute("UPDATE users SET avatar_media_id = ? WHERE id = ?", (avatar, cleo))
    social.like(conn, cleo, d1)
    social.like(conn, ana, d1)
    social.like(conn, cleo, d2)
    social.like(conn, dan, p1)
    social.repost(conn, cleo, d1)
    social.repost(conn, ana, d1)
    social.repost(conn, dan, p1)
    social.bookmark(conn, cleo, d1)
    social.bookmark(conn, dan, p1)
    social.follow(conn, cleo, dan)
    social.follow(conn, dan, cleo)
    social.mute(conn, cleo, ana)
    social.block(conn, ana, cleo)
    social.unblock(conn, ana, cleo)
    social.block(conn, dan, ana)
    r1 = posts.reply(conn, cleo, d1, "cleo replies on dan's thread")
    posts.reply(conn, ana, r1, "ana answers cleo")  # a reply under cleo's reply: the thread keeps its shape
    posts.reply(conn, dan, d1, "dan replies too")
    q1 = posts.quote(conn, cleo, d2, "cleo quotes dan")
    x1 = remix(conn, cleo, d1)
    under_p1 = posts.reply(conn, dan, p1, "dan replies to cleo")
    conn.execute("INSERT INTO generations (user_id, prompt, seed, width, height, style, backend, status, created_at)"
                 " VALUES (?, 'queued one', 1, 512, 512, 'flat', 'builtin', 'queued', 0)", (cleo,))
    conn.execute("INSERT INTO invites (code, created_by, created_at) VALUES ('abc', ?, 0)", (cleo,))
    conn.execute("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, 'h')", (cleo,))
    before = {"d1": counts(conn, d1), "d2": counts(conn, d2)}
    yield {"conn": conn, "media_dir": media_dir, "ana": ana, "cleo": cleo, "dan": dan, "d1": d1, "d2": d2,
           "p1": p1, "r1": r1, "q1": q1, "x1": x1, "under_p1": under_p1, "before": before}
    conn.close()


def test_counters_on_other_posts_stay_exact(world):
    conn, w = world["conn"], world
    accounts.delete_account(conn, w["cleo"], w["media_dir"])
    likes, replies, reposts, remixes = w["before"]["d1"]
    # d1 loses cleo's like, repost, reply and remix; ana's and dan's stay.
    assert counts(conn, w["d1"]) == (likes - 1, replies - 1, reposts - 1, remixes - 1) == (1, 1, 1, 0)
    assert counts(conn, w["d2"]) == (w["before"]["d2"][0] - 1, 0, 0, 0)
    # The counters equal the rows they count.
    for post_id in (w["d1"], w["d2"]):
        real = conn.execute(
            """SELECT (SELECT count(*) FROM likes WHERE post_id = :p),
                      (SELECT count(*) FROM posts WHERE reply_to = :p AND deleted_at IS NULL),
                      (SELECT count(*) FROM posts WHERE repost_of = :p),
                      (SELECT count(*) FROM posts WHERE remix_of = :p AND deleted_at IS NULL)""",
            {"p": post_id}).fetchone()
        assert tuple(real) == counts(conn, post_id)


def test_their_content_goes_and_the_row_stays_as_a_tombstone(world):
    conn, w = world["conn"], world
    cleo = w["cleo"]
    accounts.delete_account(conn, cleo, w["media_dir"])
    row = conn.execute("SELECT * FROM users WHERE id = ?", (cleo,)).fetchone()
    assert (row["status"], row["password_hash"], row["display_name"], row["bio"], row["avatar_media_id"],
            row["totp_secret"], row["session_version"]) == ("deleted", None, "", "", None, None, 2)
    live = conn.execute("SELECT count(*) FROM posts WHERE user_id = ? AND deleted_at IS NULL", (cleo,)).fetchone()[0]
    assert live == 0
    for post_id in (w["p1"], w["r1"], w["q1"], w["x1"]):  # placeholders, not gone
        assert conn.execute("SELECT deleted_at FROM posts WHERE id = ?", (post_id,)).fetchone()[0] is not None
    for table, column in [("likes", "user_id"), ("bookmarks", "user_id"), ("follows", "follower_id"),
                          ("follows", "followee_id"), ("notifications", "user_id"), ("notifications", "actor_id"),
                          ("mutes", "muter_id"), ("blocks", "blocked_id"), ("generations", "user_id"),
                          ("media", "user_id"), ("invites", "created_by"), ("recovery_codes", "user_id"),
                          ("mentions", "user_id")]:
        n = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (cleo,)).fetchone()[0]
        assert n == 0, (table, column)
    assert conn.execute("SELECT count(*) FROM posts WHERE user_id = ? AND repost_of IS NOT NULL",
                        (cleo,)).fetchone()[0] == 0
    # Others' relations among themselves are untouched.
    assert conn.execute("SELECT count(*) FROM blocks WHERE blocker_id = ?", (w["dan"],)).fetchone()[0] == 1


def test_files_no_one_uses_are_removed_after_commit(world):
    conn, w = world["conn"], world
    removed = accounts.delete_account(conn, w["cleo"], w["media_dir"])
    assert set(removed) == {"cleo-only.webp", "thumb-cleo-only.webp", "avatar.webp", "thumb-avatar.webp"}
    files = {path.name for path in w["media_dir"].iterdir()}
    assert "cleo-only.webp" not in files and "avatar.webp" not in files
    assert {"shared.webp", "thumb-shared.webp"} <= files  # dan's post uses the same file


def test_threads_keep_their_shape(world, client):
    w = world
    accounts.delete_account(w["conn"], w["cleo"], w["media_dir"])
    page = client.get(f"/p/{w['d1']}").get_data(as_text=True)
    assert "This reply was deleted" in page and "dan replies too" in page
    assert "cleo replies" not in page
    page = client.get(f"/p/{w['r1']}")
    assert page.status_code == 404 and "ana answers cleo" in page.get_data(as_text=True)
    page = client.get(f"/p/{w['under_p1']}").get_data(as_text=True)
    assert "dan replies to cleo" in page and "This post was deleted" in page
    assert client.get("/u/cleo").status_code == 404
    assert "cleo" not in client.get("/latest").get_data(as_text=True)


def test_deleting_twice_is_harmless_and_the_last_admin_stays(world):
    conn, w = world["conn"], world
    accounts.delete_account(conn, w["cleo"], w["media_dir"])
    assert accounts.delete_account(conn, w["cleo"], w["media_dir"]) == []
    with pytest.raises(accounts.LastAdmin):
        accounts.delete_account(conn, w["ana"], w["media_dir"])
    assert conn.execute("SELECT status FROM users WHERE id = ?", (w["ana"],)).fetchone()[0] == "active"


def test_a_moderator_may_not_delete_an_admin(world):
    conn, w = world["conn"], world
    conn.execute("UPDATE users SET role = 'admin' WHERE id = ?", (w["dan"],))
    mod = {"id": w["cleo"], "username": "cleo", "role": "moderator"}
    with pytest.raises(accounts.NotAllowed):
        accounts.delete_account(conn, w["dan"], w["media_dir"], actor=mod, reason="x")
    assert conn.execute("SELECT status FROM users WHERE id = ?", (w["dan"],)).fetchone()[0] == "active"


def test_a_member_signed_in_is_signed_out(app, auth, db):
    auth.signup("ana")
    auth.logout()
    auth.signup("cleo")
    assert auth.client.get("/settings").status_code == 200
    cleo = db.execute("SELECT id FROM users WHERE username = 'cleo'").fetchone()[0]
    accounts.delete_account(db, cleo, app.config["MEDIA_DIR"])
    assert auth.client.get("/settings").status_code == 302
    assert auth.login("cleo").status_code != 303 or auth.client.get("/settings").status_code == 302
