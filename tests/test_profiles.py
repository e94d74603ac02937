"""Profiles: /u/<name> and its tabs (posts, media, likes), infinite scroll, followers and following."""

import hashlib
import time

import pytest

from tests.conftest import AuthActions, make_app


@pytest.fixture
def app(tmp_path):
    """Small pages, so a handful of posts already spans several."""
    app = make_app(tmp_path / "data", FEED_PAGE_SIZE=3)
    yield app
    app.extensions["easel_worker"].stop()


def member(app, name: str) -> AuthActions:
    """A signed-in member on a client of their own."""
    actions = AuthActions(app.test_client())
    assert actions.signup(name).status_code in (302, 303)
    return actions


def user_id(db, name: str) -> int:
    return db.execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()[0]


def seed_post(db, author_id: int, caption: str = "", image: bool = True, images: int = 1) -> int:
    """A shared post straight into the database (a finished generation and its media when `image`)."""
    now = time.time()
    generation_id = None
    db.execute("BEGIN")
    if image:
        generation_id = db.execute(
            """INSERT INTO generations (user_id, prompt, seed, width, height, style, count, backend, status, progress,
                                        created_at, finished_at)
               VALUES (?, ?, 1, 512, 512, 'flat', ?, 'builtin', 'done', 1, ?, ?)""",
            (author_id, f"prompt for {caption}", images, now, now),
        ).lastrowid
    post_id = db.execute(
        "INSERT INTO posts (user_id, generation_id, caption, created_at) VALUES (?, ?, ?, ?)",
        (author_id, generation_id, caption, now),
    ).lastrowid
    for position in range(images if image else 0):
        digest = hashlib.sha256(f"{post_id}-{position}".encode()).hexdigest()
        media_id = db.execute(
            """INSERT INTO media (user_id, generation_id, position, name, thumb_name, width, height, thumb_width,
                                  thumb_height, created_at) VALUES (?, ?, ?, ?, ?, 512, 512, 512, 512, ?)""",
            (author_id, generation_id, position, f"{digest}.png", f"{digest}-thumb.webp", now),
        ).lastrowid
        db.execute("INSERT INTO post_media (post_id, media_id, position, alt) VALUES (?, ?, ?, ?)",
                   (post_id, media_id, position, caption))
    db.execute("COMMIT")
    return post_id


def test_unknown_member_is_404(client):
    assert client.get("/u/nobody").status_code == 404
    for tab in ("media", "likes", "followers", "following"):
        assert client.get(f"/u/nobody/{tab}").status_code == 404


def test_profile_shows_name_handle_bio_counts_and_tabs(app, client, db):
    ana = member(app, "ana")
    ana.post("/settings", {"display_name": "Ana Lima",
                           "bio": "Painter. See #sunsets and @bob at https://ana.example/x <b>hi</b>"})
    member(app, "bob")
    ana.post("/u/bob/follow")
    page = client.get("/u/ana").get_data(as_text=True)
    assert "Ana Lima" in page and "@ana" in page
    assert '<a class="hashtag" href="/tags/sunsets">#sunsets</a>' in page
    assert '<a class="mention" href="/u/bob">@bob</a>' in page
    assert 'href="https://ana.example/x"' in page
    assert "<b>hi</b>" not in page and "&lt;b&gt;hi&lt;/b&gt;" in page
    assert 'href="/u/ana/media"' in page and 'href="/u/ana/likes"' in page
    assert 'href="/u/ana/following"><strong>1</strong>' in page


def test_follows_you_badge_and_follow_button(app, db):
    ana, bob = member(app, "ana"), member(app, "bob")
    bob.post("/u/ana/follow")
    page = ana.client.get("/u/bob").get_data(as_text=True)
    assert "follows you" in page and ">\n    Follow\n" in page
    assert "follows you" not in bob.client.get("/u/ana").get_data(as_text=True)
    own = ana.client.get("/u/ana").get_data(as_text=True)
    assert "Edit profile" in own and "Block @" not in own


@pytest.mark.parametrize("tab", ["", "/media", "/likes"])
def test_tabs_page_with_cursor_and_htmx_partial(app, client, db, tab):
    ana = member(app, "ana")
    ana_id = user_id(db, "ana")
    ids = [seed_post(db, ana_id, f"post {n}") for n in range(7)]
    if tab == "/likes":
        for post_id in ids:
            assert ana.post(f"/p/{post_id}/like", json=True).status_code == 200
    page = client.get(f"/u/ana{tab}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'aria-current="page"' in html
    assert 'hx-trigger="revealed"' in html
    first_page = [i for i in ids if f'/p/{i}"' in html]
    assert first_page == ids[-3:]
    cursor = client.get(f"/u/ana{tab}").get_data(as_text=True).split("before=")[1].split('"')[0]
    partial = client.get(f"/u/ana{tab}?before={cursor}", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "profile-name" not in body
    assert [i for i in ids if f'/p/{i}"' in body] == ids[1:4]
    # The whole page (no htmx) at a cursor still has the header; the last page has no sentinel.
    assert "profile-name" in client.get(f"/u/ana{tab}?before={cursor}").get_data(as_text=True)
    last = client.get(f"/u/ana{tab}?before={ids[1]}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'/p/{ids[0]}"' in last and "hx-trigger" not in last


def test_media_tab_is_a_square_grid_of_image_posts(app, client, db):
    member(app, "ana")
    ana_id = user_id(db, "ana")
    with_image = seed_post(db, ana_id, "picture", images=2)
    text_only = seed_post(db, ana_id, "words only", image=False)
    html = client.get("/u/ana/media").get_data(as_text=True)
    assert 'class="media-grid"' in html and f'class="media-tile" href="/p/{with_image}"' in html
    assert f'/p/{text_only}"' not in html
    assert 'class="media-count"' in html  # two images in one post
    assert f'/p/{text_only}"' in client.get("/u/ana").get_data(as_text=True)


def test_likes_tab_lists_liked_posts_newest_like_first(app, client, db):
    ana, _bob = member(app, "ana"), member(app, "bob")
    bob_id = user_id(db, "bob")
    first, second = seed_post(db, bob_id, "first"), seed_post(db, bob_id, "second")
    ana.post(f"/p/{second}/like")
    ana.post(f"/p/{first}/like")
    html = client.get("/u/ana/likes").get_data(as_text=True)
    assert html.index(f"/p/{first}\"") < html.index(f"/p/{second}\"")
    assert "No likes yet" in client.get("/u/bob/likes").get_data(as_text=True)


def test_followers_and_following_lists_page_with_follow_buttons(app, db):
    ana = member(app, "ana")
    names = [f"fan{n}" for n in range(33)]
    for name in names:
        fan = member(app, name)
        fan.post("/settings", {"display_name": name.upper(), "bio": f"I am {name} and I like pictures"})
        fan.post("/u/ana/follow")
    ana.post("/u/fan5/follow")
    html = ana.client.get("/u/ana/followers").get_data(as_text=True)
    assert html.count('class="member-row"') == 30
    assert "FAN32" in html and "@fan32" in html and "I am fan32 and I like pictures" in html
    assert "FAN0<" not in html and 'hx-trigger="revealed"' in html
    # ana follows fan5 back: the row says Following; the others offer Follow.
    assert 'action="/u/fan5/unfollow"' in html and 'action="/u/fan6/follow"' in html
    cursor = html.split("/u/ana/followers?before=")[1].split('"')[0]
    rest = ana.client.get(f"/u/ana/followers?before={cursor}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert rest.count('class="member-row"') == 3 and "<html" not in rest and "hx-trigger" not in rest
    assert "FAN0<" in rest
    following = ana.client.get("/u/ana/following").get_data(as_text=True)
    assert following.count('class="member-row"') == 1 and "@fan5" in following
    empty = ana.client.get("/u/fan1/following").get_data(as_text=True)
    assert "@ana" in empty  # fan1 follows ana
    assert "No followers yet" in ana.client.get("/u/fan1/followers").get_data(as_text=True)


def test_profile_shows_avatar_on_posts_and_header(app, client, db):
    from tests.test_settings import png_bytes, upload

    ana = member(app, "ana")
    seed_post(db, user_id(db, "ana"), "with avatar")
    response = upload(ana, png_bytes(300, 200))
    assert response.status_code == 303
    thumb = db.execute("SELECT m.thumb_name FROM users u JOIN media m ON m.id = u.avatar_media_id").fetchone()[0]
    own = ana.client.get("/u/ana").get_data(as_text=True)
    assert own.count(f"/media/{thumb}") >= 3  # header menu, profile card, the post
    assert f"/media/{thumb}" in client.get("/latest").get_data(as_text=True)
