"""Link previews: OpenGraph and Twitter-card tags and the canonical link on post and profile pages,
with absolute URLs on PUBLIC_URL, and never a hidden prompt or a post strangers may not see."""

import pytest

from models import profiles
from tests.conftest import make_app
from tests.moderation_helpers import set_role
from tests.sharing_helpers import PUBLIC_URL, head_of, member, picture_post, remote_post, text_post, user_id


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path / "data", PUBLIC_URL=PUBLIC_URL)
    yield app
    app.extensions["easel_worker"].stop()


@pytest.fixture
def ana(app):
    return member(app, "ana")


def test_post_page_previews_with_the_full_picture(app, client, db, ana):
    ana.post("/settings", {"display_name": "Ana Lima", "bio": ""})
    post_id = picture_post(app, db, "ana", caption="Morning light over the bay", prompt="a lighthouse at dawn",
                           alt="A white lighthouse", size=(120, 80))
    head = head_of(client.get(f"/p/{post_id}").get_data(as_text=True))
    url = f"{PUBLIC_URL}/p/{post_id}"
    assert [link["href"] for link in head.link("canonical")] == [url]
    assert head.one("og:url") == url
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Ana Lima (@ana)"
    assert head.one("og:description") == "Morning light over the bay"
    image = head.one("og:image")
    assert image.startswith(PUBLIC_URL + "/media/") and image.endswith(".png")  # the full PNG, not the thumbnail
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("120", "80")
    assert head.one("og:image:alt") == "A white lighthouse"
    assert head.one("og:image:type") == "image/png"
    assert head.one("og:site_name") == "Easel"
    assert head.one("article:author") == f"{PUBLIC_URL}/u/ana"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == image
    assert head.one("twitter:image:alt") == "A white lighthouse"
    assert head.one("twitter:description") == "Morning light over the bay"
    response = client.get(image.removeprefix(PUBLIC_URL))
    assert response.status_code == 200 and response.mimetype == "image/png"
    response.close()


def test_without_a_caption_the_shown_prompt_describes_it(app, client, db, ana):
    post_id = picture_post(app, db, "ana", caption="", prompt="a red fox in the snow")
    head = head_of(client.get(f"/p/{post_id}").get_data(as_text=True))
    assert head.one("og:description") == "a red fox in the snow"


def test_a_hidden_prompt_is_in_no_tag_and_nowhere_on_the_page(app, client, db, ana):
    # Sharing gives such a post an alt text of its own (tests/test_share_feed.py).
    post_id = picture_post(app, db, "ana", caption="", prompt="secret lighthouse recipe", show_prompt=False,
                           alt="A picture by @ana")
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "secret lighthouse recipe" not in page
    head = head_of(page)
    assert head.one("og:description") is None and head.one("twitter:description") is None
    assert head.one("og:image:alt") == "A picture by @ana"
    assert head.one("og:image").endswith(".png")
    # The author sees their prompt in the page, never in its preview tags.
    own = ana.client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "secret lighthouse recipe" not in own[:own.index("</head>")]


def test_an_alt_text_equal_to_a_hidden_prompt_stays_out_of_the_tags(app, client, db, ana):
    """Rows from before sharing replaced such alt texts: the preview still never carries the prompt."""
    post_id = picture_post(app, db, "ana", caption="Dawn", prompt="secret lighthouse recipe", show_prompt=False)
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    head = page[:page.index("</head>")]
    assert "secret lighthouse recipe" not in head
    assert head_of(page).one("og:image:alt") == "Dawn"


def test_a_long_caption_is_shortened_and_hostile_text_stays_text(app, client, db, ana):
    caption = '"><script>alert(1)</script> ' + "word " * 100
    post_id = picture_post(app, db, "ana", caption=caption.strip())
    page = client.get(f"/p/{post_id}").get_data(as_text=True)
    assert "<script>alert" not in page
    description = head_of(page).one("og:description")
    assert description.startswith('"><script>alert(1)</script> word') and description.endswith("…")
    assert len(description) <= 300


def test_a_text_post_has_a_summary_card_without_image(app, client, db, ana):
    post_id = text_post(db, "ana", "Just words today")
    head = head_of(client.get(f"/p/{post_id}").get_data(as_text=True))
    assert head.one("twitter:card") == "summary" and head.one("og:image") is None
    assert head.one("og:description") == "Just words today"


def test_held_and_hidden_posts_have_no_preview_tags(app, client, db, ana):
    held = picture_post(app, db, "ana", caption="waiting for review", held=True)
    hidden = picture_post(app, db, "ana", caption="hidden by moderators")
    db.execute("UPDATE posts SET moderation = 'hidden' WHERE id = ?", (hidden,))
    moderator = member(app, "mod")
    set_role(app, "mod", "moderator")
    for post_id in (held, hidden):
        assert client.get(f"/p/{post_id}").status_code == 404  # others: not there at all
        for viewer in (ana, moderator):  # the author and moderators see the page, not a preview
            response = viewer.client.get(f"/p/{post_id}")
            assert response.status_code == 200
            head = head_of(response.get_data(as_text=True))
            assert head.meta.keys().isdisjoint({"og:title", "og:image", "twitter:card"})
            assert head.link("canonical") == []


def test_a_suspended_members_post_and_profile_have_no_preview(app, client, db, ana):
    post_id = picture_post(app, db, "ana", caption="before")
    moderator = member(app, "mod")
    set_role(app, "mod", "moderator")
    db.execute("UPDATE users SET status = 'suspended' WHERE username = 'ana'")
    head = head_of(moderator.client.get(f"/p/{post_id}").get_data(as_text=True))
    assert "og:title" not in head.meta
    profile = client.get("/u/ana")
    assert profile.status_code == 200
    head = head_of(profile.get_data(as_text=True))
    assert "og:title" not in head.meta and head.link("alternate", "application/atom+xml") == []


def test_profile_page_previews_with_the_avatar(app, client, db, ana):
    ana.post("/settings", {"display_name": "Ana Lima", "bio": "Painter of #coasts"})
    head = head_of(client.get("/u/ana").get_data(as_text=True))
    assert head.one("og:type") == "profile"
    assert head.one("og:title") == "Ana Lima (@ana)"
    assert head.one("og:description") == "Painter of #coasts"
    assert head.one("profile:username") == "ana"
    assert head.one("og:url") == f"{PUBLIC_URL}/u/ana"
    assert [link["href"] for link in head.link("canonical")] == [f"{PUBLIC_URL}/u/ana"]
    assert head.one("twitter:card") == "summary" and head.one("og:image") is None  # no avatar yet

    picture_post(app, db, "ana", caption="me", size=(100, 100))
    media = db.execute("SELECT id, name FROM media ORDER BY id DESC LIMIT 1").fetchone()
    profiles.update_profile(db, user_id(db, "ana"), "Ana Lima", "Painter of #coasts", avatar_media_id=media["id"])
    head = head_of(client.get("/u/ana/media").get_data(as_text=True))
    assert head.one("og:image") == f"{PUBLIC_URL}/media/{media['name']}"
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("100", "100")
    assert head.one("og:image:alt")
    assert head.one("og:url") == f"{PUBLIC_URL}/u/ana/media"  # each tab is its own page


def test_without_public_url_the_request_host_is_used(tmp_path):
    app = make_app(tmp_path / "d")
    try:
        member(app, "ana")
        page = app.test_client().get("/u/ana", base_url="http://pi.local:5000").get_data(as_text=True)
        assert head_of(page).one("og:url") == "http://pi.local:5000/u/ana"
    finally:
        app.extensions["easel_worker"].stop()


def test_a_remote_post_has_no_preview_of_ours(app, client, db, ana):
    post_id = remote_post(db, "Hello from elsewhere")
    response = client.get(f"/p/{post_id}")
    assert response.status_code == 200  # shown here, but its preview and canonical URL are its server's
    head = head_of(response.get_data(as_text=True))
    assert "og:title" not in head.meta and head.link("canonical") == []
