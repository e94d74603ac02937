"""Posts: sharing a generation, reading one post, and the feeds (keyset-paged, no per-post queries)."""

from __future__ import annotations

import json
import sqlite3

from models.db import now, transaction

REMIX_POLICIES = ("anyone", "followers", "nobody")

# Every feed reads the same columns: the post, its author and the generation card's fields.
POST_COLUMNS = """
    p.*, u.username, u.display_name, u.domain,
    g.prompt, g.negative_prompt, g.seed, g.width, g.height, g.style, g.backend, g.info AS gen_info,
    g.generator_version
"""
POST_FROM = """
    FROM posts p
    JOIN users u ON u.id = p.user_id
    LEFT JOIN generations g ON g.id = p.generation_id
"""


class AlreadyShared(Exception):
    """Carries the id of the post that already shares this generation."""


def share(conn: sqlite3.Connection, generation: sqlite3.Row, *, caption: str, alt: str,
          remix_policy: str, show_prompt: bool) -> int:
    """Make a post from a finished generation, with all its images, in one transaction."""
    with transaction(conn):
        existing = conn.execute("SELECT id FROM posts WHERE generation_id = ?", (generation["id"],)).fetchone()
        if existing is not None:
            raise AlreadyShared(existing["id"])
        post_id = conn.execute(
            """INSERT INTO posts (user_id, generation_id, caption, remix_of, remix_policy, show_prompt, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (generation["user_id"], generation["id"], caption, generation["remix_of"], remix_policy,
             1 if show_prompt else 0, now()),
        ).lastrowid
        media = conn.execute(
            "SELECT id, position FROM media WHERE generation_id = ? ORDER BY position", (generation["id"],)
        ).fetchall()
        conn.executemany(
            "INSERT INTO post_media (post_id, media_id, position, alt) VALUES (?, ?, ?, ?)",
            [(post_id, row["id"], row["position"], alt) for row in media],
        )
        if generation["remix_of"]:
            conn.execute("UPDATE posts SET remix_count = remix_count + 1 WHERE id = ?", (generation["remix_of"],))
    return post_id


def post_for_generation(conn: sqlite3.Connection, generation_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM posts WHERE generation_id = ? AND deleted_at IS NULL", (generation_id,)
    ).fetchone()
    return row["id"] if row else None


def posts_for_generations(conn: sqlite3.Connection, generation_ids: list[int]) -> dict[int, int]:
    if not generation_ids:
        return {}
    marks = ",".join("?" * len(generation_ids))
    rows = conn.execute(
        f"SELECT generation_id, id FROM posts WHERE deleted_at IS NULL AND generation_id IN ({marks})",
        generation_ids,
    )
    return {row["generation_id"]: row["id"] for row in rows}


def get(conn: sqlite3.Connection, post_id: int) -> dict | None:
    """One visible post with its author, generation and images."""
    row = conn.execute(
        f"SELECT {POST_COLUMNS} {POST_FROM} WHERE p.id = ? AND p.deleted_at IS NULL", (post_id,)
    ).fetchone()
    return _with_media(conn, [row])[0] if row else None


LATEST_SQL = f"""SELECT {POST_COLUMNS} {POST_FROM}
    WHERE p.id < ? AND p.deleted_at IS NULL AND p.reply_to IS NULL
    ORDER BY p.id DESC LIMIT ?"""


def latest(conn: sqlite3.Connection, before: int | None = None, limit: int = 20) -> list[dict]:
    """Public top-level posts, newest first; `before` is the last id of the previous page."""
    rows = conn.execute(LATEST_SQL, (before or 2**62, limit)).fetchall()
    return _with_media(conn, rows)


def newest_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]


def _with_media(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
    """Turn rows into post dicts with their images, fetched for the whole page in one query."""
    posts = [_post_dict(row) for row in rows]
    if not posts:
        return posts
    by_id = {post["id"]: post for post in posts}
    marks = ",".join("?" * len(by_id))
    for media in conn.execute(
        f"""SELECT pm.post_id, pm.position, pm.alt, m.name, m.thumb_name, m.remote_url, m.width, m.height,
                   m.thumb_width, m.thumb_height, m.seed
            FROM post_media pm JOIN media m ON m.id = pm.media_id
            WHERE pm.post_id IN ({marks}) ORDER BY pm.post_id, pm.position""",
        list(by_id),
    ):
        by_id[media["post_id"]]["images"].append(dict(media))
    return posts


def _post_dict(row: sqlite3.Row) -> dict:
    post = dict(row)
    post["images"] = []
    try:
        post["gen_info"] = json.loads(post.get("gen_info") or "{}")
    except ValueError:
        post["gen_info"] = {}
    return post
