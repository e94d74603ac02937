"""The social verbs: like, repost, bookmark, follow, reply, quote, delete, mentions, tags, notifications."""

import re

import pytest

from models import notifications, social
from tests.conftest import AuthActions, wait_for_status


@pytest.fixture
def ana_post(client, auth, worker):
    """ana shares a picture with a tag and a mention-free caption; returns its post id."""
    auth.signup("ana")
    generation_id = auth.generate("a lighthouse at dusk", seed="3")
    wait_for_status(client, generation_id)
    post_id = auth.post(f"/generations/{generation_id}/share", {"caption": "Evening walk #senja"}, json=True)
    auth.logout()
    return post_id.get_json()["post_id"]


@pytest.fixture
def budi(auth):
    auth.signup("budi")
    return auth


def post_json(client, post_id):
    return client.get(f"/p/{post_id}", headers={"Accept": "application/json"}).get_json()


@pytest.mark.parametrize(
    ("verb", "undo", "state", "count"),
    [
        ("like", "unlike", "liked", "like_count"),
        ("repost", "unrepost", "reposted", "repost_count"),
        ("bookmark", "unbookmark", "bookmarked", None),
    ],
)
def test_toggle_is_idempotent_and_counts_exact(client, ana_post, budi, db, verb, undo, state, count):
    for _ in range(2):  # a double click never flips twice
        response = budi.post(f"/p/{ana_post}/{verb}", json=True)
        assert response.status_code == 200 and response.get_json()[state] is True
    body = post_json(client, ana_post)
    assert body[state] is True
    if count:
        assert body[count] == 1
    partial = budi.post(f"/p/{ana_post}/{verb}", htmx=True).get_data(as_text=True)
    assert 'aria-pressed="true"' in partial and f"/p/{ana_post}/{undo}" in partial and "<html" not in partial
    for _ in range(2):
        assert budi.post(f"/p/{ana_post}/{undo}", json=True).get_json()[state] is False
    body = post_json(client, ana_post)
    assert body[state] is False
    if count:
        assert body[count] == 0


def test_plain_form_toggle_redirects_back(client, ana_post, budi):
    response = budi.post(f"/p/{ana_post}/like", headers={"Referer": f"http://localhost/p/{ana_post}"})
    assert response.status_code == 303 and response.headers["Location"] == f"/p/{ana_post}"
    response = budi.post(f"/p/{ana_post}/like", headers={"Referer": "https://evil.example/x"})
    assert response.headers["Location"] == f"/p/{ana_post}"


@pytest.mark.parametrize("verb", ["like", "unlike", "repost", "unrepost", "bookmark", "unbookmark"])
def test_toggles_need_sign_in_and_a_post(client, ana_post, auth, verb):
    token = auth.token()
    response = client.post(f"/p/{ana_post}/{verb}", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert response.status_code == 401
    auth.signup("budi")
    if not verb.startswith("un"):
        assert auth.post(f"/p/99999/{verb}", json=True).status_code == 404


def test_like_notifies_author_once_and_unlike_withdraws(client, ana_post, budi, db):
    budi.post(f"/p/{ana_post}/like")
    budi.post(f"/p/{ana_post}/like")
    rows = db.execute("SELECT kind, post_id FROM notifications").fetchall()
    assert [tuple(r) for r in rows] == [("like", ana_post)]
    budi.post(f"/p/{ana_post}/unlike")
    assert db.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0


def test_no_notification_to_yourself(client, auth, ana_post, db):
    auth.login("ana")
    auth.post(f"/p/{ana_post}/like")
    auth.post(f"/p/{ana_post}/reply", {"text": "talking to myself"})
    assert db.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0


def test_follow_home_timeline_and_reposted_by(client, auth, ana_post, db):
    auth.signup("budi")
    assert "Evening walk" not in client.get("/").get_data(as_text=True)  # not following anyone yet
    for _ in range(2):
        response = auth.post("/u/ana/follow", json=True)
        assert response.get_json() == {"following": True, "username": "ana"}
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 1
    assert "Evening walk" in client.get("/").get_data(as_text=True)
    partial = auth.post("/u/ana/follow", htmx=True).get_data(as_text=True)
    assert "Following" in partial and "/u/ana/unfollow" in partial
    auth.post("/u/ana/unfollow")
    assert "Evening walk" not in client.get("/").get_data(as_text=True)
    # cici follows budi; budi reposts ana's post: cici sees it "reposted by budi"
    auth.logout()
    auth.signup("cici")
    auth.post("/u/budi/follow")
    auth.logout()
    auth.login("budi")
    auth.post(f"/p/{ana_post}/repost")
    auth.logout()
    auth.login("cici")
    home = client.get("/").get_data(as_text=True)
    assert "Evening walk" in home and "budi reposted" in home
    assert "budi reposted" not in client.get("/latest").get_data(as_text=True)


def test_follow_rules(client, auth, ana_post):
    auth.signup("budi")
    assert auth.post("/u/budi/follow", json=True).status_code == 422
    assert auth.post("/u/nobody/follow", json=True).status_code == 404
    auth.logout()
    token = auth.token()
    response = client.post("/u/ana/follow", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_reply_thread_counts_and_notification(client, ana_post, budi, db):
    response = budi.post(f"/p/{ana_post}/reply", {"text": "Lovely colours @ana"}, htmx=True)
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert 'hx-swap-oob="beforeend:#replies"' in html and "Lovely colours" in html
    reply_id = db.execute("SELECT id FROM posts WHERE reply_to = ?", (ana_post,)).fetchone()[0]
    assert post_json(client, ana_post)["reply_count"] == 1
    assert post_json(client, reply_id)["reply_to"] == ana_post
    kinds = [r[0] for r in db.execute("SELECT kind FROM notifications ORDER BY id")]
    assert kinds == ["reply"]  # the mention of the author is not notified twice
    page = client.get(f"/p/{ana_post}").get_data(as_text=True)
    assert "Lovely colours" in page and 'href="/u/ana"' in page
    thread = client.get(f"/p/{reply_id}").get_data(as_text=True).split("<main", 1)[1]
    assert thread.index("Evening walk") < thread.index("Lovely colours")  # the thread above
    assert "Lovely colours" not in client.get("/latest").get_data(as_text=True)  # replies stay in threads


@pytest.mark.parametrize(("text", "message"), [("", "Write something"), ("x" * 501, "under 500")])
def test_bad_reply_is_422_and_nothing_stored(client, ana_post, budi, db, text, message):
    response = budi.post(f"/p/{ana_post}/reply", {"text": text}, json=True)
    assert response.status_code == 422 and message in response.get_json()["errors"]["text"]
    htmx = budi.post(f"/p/{ana_post}/reply", {"text": text}, htmx=True)
    assert htmx.status_code == 422 and message in htmx.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM posts WHERE reply_to IS NOT NULL").fetchone()[0] == 0
    assert post_json(client, ana_post)["reply_count"] == 0


def test_quote_embeds_and_notifies(client, ana_post, budi, db):
    assert "Quote this post" in client.get(f"/p/{ana_post}/quote").get_data(as_text=True)
    response = budi.post(f"/p/{ana_post}/quote", {"text": "Look at this one"})
    assert response.status_code == 303
    quote_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/p/{quote_id}").get_data(as_text=True)
    assert "Look at this one" in page and "Evening walk" in page and 'class="quoted"' in page
    assert post_json(client, quote_id)["quote_of"] == ana_post
    assert [r[0] for r in db.execute("SELECT kind FROM notifications")] == ["quote"]
    assert budi.post(f"/p/{ana_post}/quote", {"text": ""}).status_code == 422


def test_delete_own_post_keeps_replies_as_deleted(client, auth, ana_post, db):
    auth.signup("budi")
    auth.post(f"/p/{ana_post}/reply", {"text": "first!"})
    auth.post(f"/p/{ana_post}/repost")
    assert auth.post(f"/p/{ana_post}/delete", json=True).status_code == 403  # not budi's
    reply_id = db.execute("SELECT id FROM posts WHERE reply_to = ?", (ana_post,)).fetchone()[0]
    auth.logout()
    auth.login("ana")
    response = auth.post(f"/p/{ana_post}/delete", htmx=True)
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert client.get(f"/p/{ana_post}", headers={"Accept": "application/json"}).status_code == 404
    placeholder = client.get(f"/p/{ana_post}")
    assert placeholder.status_code == 404 and "This post was deleted" in placeholder.get_data(as_text=True)
    assert "first!" in placeholder.get_data(as_text=True)
    thread = client.get(f"/p/{reply_id}").get_data(as_text=True)
    assert "This post was deleted" in thread and "first!" in thread
    assert "Evening walk" not in client.get("/latest").get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM posts WHERE repost_of = ?", (ana_post,)).fetchone()[0] == 0
    assert auth.post(f"/p/{ana_post}/delete", json=True).status_code == 404


def test_mentions_and_tags_link_safely(client, ana_post, budi, db):
    budi.post(f"/p/{ana_post}/reply", {"text": "<script>x</script> @ana @ghost #Senja #senja"})
    page = client.get(f"/p/{ana_post}").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert '<a class="mention" href="/u/ana">@ana</a>' in page
    assert '<a class="hashtag" href="/tags/senja">#Senja</a>' in page
    tag_page = client.get("/tags/senja").get_data(as_text=True)
    assert "Evening walk" in tag_page and "&lt;script&gt;" in tag_page
    assert db.execute("SELECT count(*) FROM post_tags").fetchone()[0] == 2
    assert client.get("/tags/SENJA").status_code == 200
    assert "No posts with this tag yet" in client.get("/tags/nothing").get_data(as_text=True)


def test_mention_notifies_the_mentioned(client, auth, ana_post, db):
    auth.signup("budi")
    auth.logout()
    auth.signup("cici")
    auth.post(f"/p/{ana_post}/reply", {"text": "what do you think @budi?"})
    kinds = sorted(
        tuple(r) for r in db.execute("SELECT u.username, n.kind FROM notifications n JOIN users u ON u.id = n.user_id")
    )
    assert kinds == [("ana", "reply"), ("budi", "mention")]


def test_notifications_grouped_badge_and_read(client, auth, ana_post, db):
    for name in ("budi", "cici", "dodi", "eka"):
        auth.signup(name)
        auth.post(f"/p/{ana_post}/like")
        auth.post("/u/ana/follow")
        auth.logout()
    auth.login("ana")
    badge = client.get("/notifications/badge").get_data(as_text=True)
    assert 'hx-trigger="every 30s"' in badge and ">8<" in badge
    assert client.get("/notifications/badge", headers={"Accept": "application/json"}).get_json() == {"unread": 8}
    page = client.get("/notifications").get_data(as_text=True)
    flat = " ".join(page.split())
    assert "and 3 others liked your post" in flat and flat.count("liked your post") == 1
    assert "followed you" in page
    assert client.get("/notifications/badge", headers={"Accept": "application/json"}).get_json() == {"unread": 0}
    assert "count-badge" not in client.get("/").get_data(as_text=True)


def test_notifications_need_sign_in(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/bookmarks").status_code == 302


def test_bookmarks_are_private(client, ana_post, auth):
    auth.signup("budi")
    auth.post(f"/p/{ana_post}/bookmark")
    assert "Evening walk" in client.get("/bookmarks").get_data(as_text=True)
    auth.logout()
    auth.signup("cici")
    assert "Evening walk" not in client.get("/bookmarks").get_data(as_text=True)


def test_blocked_member_cannot_interact(client, auth, ana_post, db, app):
    auth.signup("budi")
    auth.logout()
    ana_id, budi_id = (
        db.execute("SELECT id FROM users WHERE username = ?", (n,)).fetchone()[0] for n in ("ana", "budi")
    )
    social.block(db, ana_id, budi_id)
    auth.login("budi")
    assert auth.post(f"/p/{ana_post}/like", json=True).status_code == 403
    assert auth.post(f"/p/{ana_post}/repost", json=True).status_code == 403
    assert auth.post(f"/p/{ana_post}/reply", {"text": "hi"}, json=True).status_code == 403
    assert auth.post("/u/ana/follow", json=True).status_code == 403
    assert "Evening walk" not in client.get("/latest").get_data(as_text=True)
    assert client.get("/u/ana").status_code == 404
    assert db.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0


def test_muted_member_vanishes_from_feeds_and_notifications(client, auth, ana_post, db):
    auth.signup("budi")
    auth.post("/u/ana/follow")
    budi_id, ana_id = (
        db.execute("SELECT id FROM users WHERE username = ?", (n,)).fetchone()[0] for n in ("budi", "ana")
    )
    social.mute(db, budi_id, ana_id)
    assert "Evening walk" not in client.get("/").get_data(as_text=True)
    assert "Evening walk" not in client.get("/latest").get_data(as_text=True)
    auth.post("/p/1/reply", {"text": "still can reply"})
    assert notifications.unread_count(db, ana_id) == 2  # the follow and the reply
    social.mute(db, ana_id, budi_id)
    assert notifications.unread_count(db, ana_id) == 0


def test_new_posts_banner_counts_newer(client, auth, ana_post, worker):
    assert "3 new posts" not in client.get(f"/feed/newer?after={ana_post}").get_data(as_text=True)
    auth.login("ana")
    for n in range(3):
        generation_id = auth.generate(f"picture {n}")
        wait_for_status(client, generation_id)
        auth.post(f"/generations/{generation_id}/share", {"caption": f"more {n}"})
    banner = client.get(f"/feed/newer?after={ana_post}&feed=latest").get_data(as_text=True)
    assert "3 new posts" in banner and 'hx-trigger="every 20s"' in banner
    home = client.get("/latest").get_data(as_text=True)
    assert 'id="newer"' in home


def test_concurrent_likes_keep_exact_counts(app, client, ana_post):
    """16 members like and unlike at once through the real app; the counter always matches the rows."""
    import threading

    clients = []
    for n in range(16):
        member = AuthActions(app.test_client())
        member.signup(f"user{n}")
        clients.append(member)
    errors = []

    def hammer(member):
        try:
            for _ in range(3):
                member.post(f"/p/{ana_post}/like")
                member.post(f"/p/{ana_post}/like")
                member.post(f"/p/{ana_post}/unlike")
            member.post(f"/p/{ana_post}/like")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(m,)) for m in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert post_json(client, ana_post)["like_count"] == 16


def test_repost_and_original_on_one_page_both_show_images_and_state(client, auth, ana_post):
    auth.signup("budi")
    auth.post("/u/ana/follow")
    auth.post(f"/p/{ana_post}/repost")
    auth.post(f"/p/{ana_post}/like")
    home = client.get("/").get_data(as_text=True)
    assert home.count("-thumb.webp") == 2  # the repost and the original each show the picture
    assert home.count('class="act act-like is-on"') == 2


def test_cached_cards_never_leak_one_viewers_state_or_token(app, client, ana_post):
    """Two members see the same post: each gets their own liked state and their own CSRF token."""
    budi, cici = AuthActions(app.test_client()), AuthActions(app.test_client())
    budi.signup("budi")
    cici.signup("cici")
    budi.post(f"/p/{ana_post}/like")
    budi_page = budi.client.get("/latest").get_data(as_text=True)
    cici_page = cici.client.get("/latest").get_data(as_text=True)
    assert 'class="act act-like is-on"' in budi_page and 'class="act act-like is-on"' not in cici_page
    raw_tokens = []
    for page in (budi_page, cici_page):
        # Compare within one response: a signed token carries a one-second timestamp, so a token
        # fetched by a second request may differ in its signature part.
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        inputs = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert "__easel_csrf_token__" not in page
        assert inputs == {meta}
        raw_tokens.append(meta.split(".")[0])
    assert raw_tokens[0] != raw_tokens[1]  # each session its own token, never a cached one
    assert cici.post(f"/p/{ana_post}/like", headers={"Referer": "http://localhost/latest"}).status_code == 303
    again = cici.client.get("/latest").get_data(as_text=True)
    assert again.count('class="act act-like is-on"') == 1 and ">2<" in again  # fresh count, not a stale card


@pytest.mark.parametrize("gated", [False, True], ids=["every-thread-at-once", "behind-the-gate"])
def test_concurrent_toggles_over_real_http_keep_exact_counts(app, ana_post, db, gated):
    """12 members double-click like, unlike and repost at once against a real threaded HTTP server;
    behind the server's gate they also share one SQLite connection, and sign-ups open the gate
    while they hash (their own connection meanwhile)."""
    import http.cookiejar
    import re
    import threading
    import urllib.parse
    import urllib.request

    from werkzeug.serving import make_server

    import gate

    server = make_server("127.0.0.1", 0, gate.Gate(1).wrap(app) if gated else app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"

    def member(name):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(base + "/about") as page:
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.read().decode()).group(1)

        def post(path, **fields):
            data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
            request = urllib.request.Request(base + path, data=data, headers={"Accept": "application/json"})
            with opener.open(request) as response:
                return response.status

        post("/signup", username=name, password="correct horse")
        return post

    try:
        members = [member(f"fan{n}") for n in range(12)]
        errors = []

        def hammer(post):
            try:
                for _ in range(3):
                    post(f"/p/{ana_post}/like")
                    post(f"/p/{ana_post}/like")
                    post(f"/p/{ana_post}/unlike")
                post(f"/p/{ana_post}/like")
                post(f"/p/{ana_post}/repost")
                post(f"/p/{ana_post}/repost")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=hammer, args=(post,)) for post in members]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert not errors
    row = db.execute("SELECT like_count, repost_count FROM posts WHERE id = ?", (ana_post,)).fetchone()
    assert tuple(row) == (12, 12)
    assert db.execute("SELECT count(*) FROM likes WHERE post_id = ?", (ana_post,)).fetchone()[0] == 12
