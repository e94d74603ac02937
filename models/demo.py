"""Demo content for trying Easel out (`flask --app app seed-demo`): members, pictures, and the life
around them (follows, likes, replies, reposts, remixes, hashtags).

Pictures are drawn by the builtin generator right here, synchronously: no worker, no queue. Each
post's generation row says exactly how its picture was made (prompt, seed, style, size), so
"reproduce" and remix behave as on real posts. Drawing and encoding a 512x512 picture costs about
a quarter of a second, so only `images` distinct pictures are drawn and posts beyond that reuse them
(same prompt, seed and style: the builtin is deterministic, so the reuse is truthful).
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from typing import Callable

from werkzeug.security import generate_password_hash

from imagegen.base import GenerationRequest
from imagegen.media import store_image
from models import posts as post_model
from models import social
from models.db import now, transaction

PREFIX = "demo_"
NAMES = ["ada", "bruno", "chiara", "dmitri", "esme", "farid", "greta", "hiro", "ines", "jonas", "kemi", "lars",
         "mei", "nadia", "omar", "priya", "quinn", "rosa", "sami", "tove"]
SUBJECTS = ["a white lighthouse on a cliff", "a red sailboat", "a small cabin", "a pagoda", "an old temple",
            "a stone castle", "a windmill", "hot air balloons", "a whale", "a wooden bridge", "a fox and a deer",
            "paper lanterns", "a tent and a campfire", "a lonely tower", "a village", "a cat on the rocks"]
PLACES = ["by a lake", "over the ocean", "in the mountains", "in a misty forest", "among rice terraces",
          "in the desert dunes", "in a meadow of flowers", "on a tropical island", "under cherry blossoms",
          "by a waterfall", "in the snowy hills", "on the beach"]
TIMES = ["at dawn", "at noon", "at sunset", "at night under the stars", "under the northern lights",
         "on a rainy afternoon", "under a full moon"]
TAGS = ["landscape", "nightsky", "cozy", "seascape", "architecture", "wildlife", "calm", "colour", "dreamy",
        "mountains"]
CAPTIONS = ["Trying the {style} style on this one.", "Morning sketch.", "This came out better than I hoped!",
            "Same seed as yesterday, new mood.", "Any ideas for a remix?", "For the weekend challenge.",
            "Can't stop making these.", "Playing with light.", "A quiet one.", "Which style would you pick?"]
REPLIES = ["Love the colours!", "How did you get that sky?", "This is so calm.", "Remixing this tonight.",
           "The {style} style suits it.", "Beautiful composition.", "Wow.", "Saved for inspiration.",
           "What seed was this?", "More of these, please!"]
SIZE = (512, 512)


class AlreadySeeded(Exception):
    """Demo members exist already (carries how many)."""


def demo_members(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM users WHERE domain IS NULL AND username LIKE ? ESCAPE '\\'",
        (PREFIX.replace("_", "\\_") + "%",),
    ).fetchone()[0]


def _free_name(conn: sqlite3.Connection, base: str) -> str:
    name, n = base, 1
    while conn.execute("SELECT 1 FROM users WHERE domain IS NULL AND username = ?", (name,)).fetchone():
        n += 1
        name = f"{base}{n}"
    return name


def create_members(conn: sqlite3.Connection, count: int, password: str) -> tuple[list[int], str | None]:
    """`count` active demo members sharing one password; returns (ids, the name made admin or None).

    The password is hashed once for all of them. When the instance has no admin yet, the first demo
    member becomes one, so whoever tries Easel out can also see the admin area.
    """
    password_hash = generate_password_hash(password)
    ids, admin = [], None
    with transaction(conn):
        has_admin = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM users WHERE domain IS NULL AND role = 'admin' AND status = 'active')"
        ).fetchone()[0]
        created = now() - 9 * 86400
        for number in range(count):
            base = NAMES[number % len(NAMES)] + (str(number // len(NAMES) + 1) if number >= len(NAMES) else "")
            username = _free_name(conn, PREFIX + base)
            role = "member"
            if not has_admin and number == 0:
                role, admin = "admin", username
            display = f"{base.rstrip('0123456789').capitalize()} (demo)"
            ids.append(conn.execute(
                """INSERT INTO users (username, display_name, bio, password_hash, role, status, created_at)
                   VALUES (?, ?, ?, ?, ?, 'active', ?)""",
                (username, display, "A demo account made by `flask --app app seed-demo`.", password_hash, role,
                 created + number * 60),
            ).lastrowid)
    return ids, admin


def draw(backend, prompt: str, seed: int, style: str, media_dir: str) -> tuple[dict, dict, str]:
    """Render one picture with the builtin and store it: (media fields, generator info, version)."""
    request = GenerationRequest(prompt=prompt, negative_prompt="", seed=seed, width=SIZE[0], height=SIZE[1],
                                style=style, count=1)
    result = backend.generate(request, lambda _fraction, _note="": None)
    return store_image(result.images[0], media_dir), result.info, result.version


def picture_post(conn: sqlite3.Connection, user_id: int, picture: dict, caption: str,
                 remix_of: int | None = None, show_prompt: bool = True) -> int:
    """A finished generation (already drawn: `picture` from draw() plus prompt/seed/style) and its post."""
    t = now()
    with transaction(conn):
        generation_id = conn.execute(
            """INSERT INTO generations (user_id, prompt, negative_prompt, seed, width, height, style, count, backend,
                   generator_version, info, remix_of, status, progress, attempts, created_at, started_at,
                   finished_at)
               VALUES (?, ?, '', ?, ?, ?, ?, 1, 'builtin', ?, ?, ?, 'done', 1, 1, ?, ?, ?)""",
            (user_id, picture["prompt"], picture["seed"], SIZE[0], SIZE[1], picture["style"], picture["version"],
             json.dumps(picture["info"], sort_keys=True), remix_of, t, t, t),
        ).lastrowid
        media = picture["media"]
        conn.execute(
            """INSERT INTO media (user_id, generation_id, position, seed, name, thumb_name, width, height,
                   thumb_width, thumb_height, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (user_id, generation_id, picture["seed"], media["name"], media["thumb_name"], media["width"],
             media["height"], media["thumb_width"], media["thumb_height"], t),
        )
    generation = conn.execute("SELECT * FROM generations WHERE id = ?", (generation_id,)).fetchone()
    return post_model.share(conn, generation, caption=caption, remix_policy="anyone", show_prompt=show_prompt,
                            alt=picture["prompt"])


def seed(conn: sqlite3.Connection, backend, media_dir: str, *, members: int, posts: int, images: int,
         password: str, rng: random.Random | None = None,
         echo: Callable[[str], None] = lambda _message: None) -> dict:
    """Fill the instance; returns what was made (counts, the admin's name, seconds taken)."""
    started = time.monotonic()
    rng = rng or random.Random(8)
    styles = [key for key, _label in backend.styles()]
    user_ids, admin = create_members(conn, members, password)
    echo(f"Created {len(user_ids)} demo members.")

    pictures: list[dict] = []
    distinct = min(images, posts)
    for number in range(distinct):
        prompt = f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(TIMES)}"
        style, picture_seed = styles[number % len(styles)], rng.randrange(1, 2**31)
        media, info, version = draw(backend, prompt, picture_seed, style, media_dir)
        pictures.append({"prompt": prompt, "seed": picture_seed, "style": style, "media": media, "info": info,
                         "version": version})
        if (number + 1) % max(1, distinct // 5) == 0 or number + 1 == distinct:
            echo(f"  drew {number + 1}/{distinct} pictures")

    counts = {"members": len(user_ids), "posts": 0, "remixes": 0, "replies": 0, "likes": 0, "reposts": 0,
              "follows": 0}
    for follower in user_ids:
        for followee in rng.sample(user_ids, min(len(user_ids), rng.randint(3, 8))):
            if followee != follower and social.follow(conn, follower, followee):
                counts["follows"] += 1

    # Posts, with the reactions to them in between (replies and reposts are posts too: ids set feed order).
    made: list[tuple[int, int, str]] = []  # (post id, author, style)
    for number in range(posts):
        author = rng.choice(user_ids)
        picture = pictures[number % len(pictures)]
        tags = " ".join(f"#{tag}" for tag in rng.sample(TAGS, rng.randint(1, 2)))
        caption = f"{rng.choice(CAPTIONS).format(style=picture['style'])} {tags}"
        parent = rng.choice(made)[0] if made and rng.random() < 0.15 else None
        post_id = picture_post(conn, author, picture, caption, remix_of=parent)
        made.append((post_id, author, picture["style"]))
        counts["posts"] += 1
        counts["remixes"] += parent is not None
        fans = [u for u in rng.sample(user_ids, min(len(user_ids), rng.randint(0, 9))) if u != author]
        for fan in fans:
            counts["likes"] += social.like(conn, fan, post_id)
        recent_id, recent_author, recent_style = rng.choice(made[-12:])
        others = [u for u in user_ids if u != recent_author]
        if others and rng.random() < 0.3:
            post_model.reply(conn, rng.choice(others), recent_id, rng.choice(REPLIES).format(style=recent_style))
            counts["replies"] += 1
        if others and rng.random() < 0.1:
            counts["reposts"] += social.repost(conn, rng.choice(others), recent_id)
    echo(f"  shared {counts['posts']} posts ({counts['remixes']} remixes)")
    spread_in_time(conn, made[0][0] if made else None)
    echo(f"  {counts['follows']} follows, {counts['likes']} likes, {counts['replies']} replies, "
         f"{counts['reposts']} reposts")
    return {**counts, "admin": admin, "pictures": distinct, "seconds": time.monotonic() - started}


def spread_in_time(conn: sqlite3.Connection, first_post: int | None, days: float = 6.0) -> None:
    """Date the new posts over the last few days (ids keep their order), so feeds read like a week of life."""
    if first_post is None:
        return
    with transaction(conn):
        last = conn.execute("SELECT max(id) FROM posts").fetchone()[0]
        span = max(1, last - first_post)
        end = now()
        conn.execute(
            """UPDATE posts SET created_at = :end - (:last - id) * :step WHERE id >= :first""",
            {"end": end, "last": last, "step": days * 86400 / span, "first": first_post},
        )
        conn.execute(
            """UPDATE generations SET created_at = p.created_at, started_at = p.created_at,
                   finished_at = p.created_at
               FROM posts p WHERE p.generation_id = generations.id AND p.id >= ?""", (first_post,))
        conn.execute(
            "UPDATE post_tags SET created_at = (SELECT created_at FROM posts WHERE id = post_tags.post_id)"
            " WHERE post_id >= ?", (first_post,))
