"""Helpers for the sharing-outward tests (Atom feeds, link previews, proxies): members and posts
made through the models, with real PNG files in the media folder (so enclosure lengths are real)."""

from __future__ import annotations

import time
from html.parser import HTMLParser

from PIL import Image

from imagegen.media import store_image
from models import posts
from tests.conftest import AuthActions

PUBLIC_URL = "https://easel.example"


def member(app, name: str) -> AuthActions:
    """A signed-in member on a client of their own (the instance's first sign-up is its admin)."""
    actions = AuthActions(app.test_client())
    assert actions.signup(name).status_code in (302, 303)
    return actions


def user_id(db, name: str) -> int:
    return db.execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()[0]


def picture_post(app, db, username: str, caption: str = "", prompt: str = "a lighthouse on a cliff",
                 show_prompt: bool = True, alt: str | None = None, held: bool = False,
                 size: tuple[int, int] = (96, 64)) -> int:
    """A finished generation with one stored picture, shared as a post (through models.posts.share)."""
    author = user_id(db, username)
    now = time.time()
    seed = db.execute("SELECT count(*) FROM generations").fetchone()[0] + 1
    picture = store_image(Image.new("RGB", size, ((seed * 40) % 256, 90, 160)), app.config["MEDIA_DIR"])
    generation_id = db.execute(
        """INSERT INTO generations (user_id, prompt, seed, width, height, style, count, backend, status, progress,
                                    created_at, finished_at)
           VALUES (?, ?, ?, ?, ?, 'flat', 1, 'builtin', 'done', 1, ?, ?)""",
        (author, prompt, seed, size[0], size[1], now, now),
    ).lastrowid
    db.execute(
        """INSERT INTO media (user_id, generation_id, position, seed, name, thumb_name, width, height, thumb_width,
                              thumb_height, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (author, generation_id, seed, picture["name"], picture["thumb_name"], picture["width"], picture["height"],
         picture["thumb_width"], picture["thumb_height"], now),
    )
    generation = db.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    return posts.share(db, generation, caption=caption, remix_policy="anyone", show_prompt=show_prompt,
                       alt=prompt if alt is None else alt, held=held)


def text_post(db, username: str, body: str) -> int:
    """A top-level text post (a post without a picture, as imports and old rows have)."""
    author = user_id(db, username)
    return db.execute("INSERT INTO posts (user_id, caption, created_at) VALUES (?, ?, ?)",
                      (author, body, time.time())).lastrowid


class HeadParser(HTMLParser):
    """The <meta> and <link> tags of a page's <head>, as a browser (or a link-preview bot) reads them."""

    def __init__(self):
        super().__init__()
        self.in_head = False
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs["content"])
        elif self.in_head and tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False

    def one(self, key: str) -> str | None:
        values = self.meta.get(key) or [None]
        assert len(values) == 1, (key, values)
        return values[0]

    def link(self, rel: str, type_: str | None = None) -> list[dict]:
        return [link for link in self.links if link.get("rel") == rel and (type_ is None or link.get("type") == type_)]


def head_of(page: str) -> HeadParser:
    parser = HeadParser()
    parser.feed(page)
    return parser


def remote_post(db, body: str, username: str = "bob", domain: str = "remote.example") -> int:
    """A text post by a remote (federated) member, with its hashtags indexed as federation stores them."""
    from models.text import hashtags

    row = db.execute("SELECT id FROM users WHERE username = ? AND domain = ?", (username, domain)).fetchone()
    author = row[0] if row else db.execute(
        "INSERT INTO users (username, domain, actor_uri, created_at) VALUES (?, ?, ?, ?)",
        (username, domain, f"https://{domain}/users/{username}", time.time())).lastrowid
    now = time.time()
    post_id = db.execute("INSERT INTO posts (user_id, caption, uri, created_at) VALUES (?, ?, ?, ?)",
                         (author, body, f"https://{domain}/notes/{now}", now)).lastrowid
    for tag in hashtags(body):
        db.execute("INSERT OR IGNORE INTO hashtags (name) VALUES (?)", (tag,))
        db.execute("INSERT INTO post_tags (tag_id, post_id, created_at) SELECT id, ?, ? FROM hashtags WHERE name = ?",
                   (post_id, now, tag))
    return post_id
