"""What Easel shows outside itself: the posts of the Atom feeds, and the avatar behind a profile's link preview.

A feed is read by anyone who has its URL, signed in or not, so it holds only what a signed-out
visitor may see: no deleted posts, no reposts, nothing hidden or held by moderators, nothing from
suspended or deleted members. Filtering in SQL (not after the page, as hydrate() does for the
timelines) keeps a feed its full length.
"""

from __future__ import annotations

import sqlite3

from models.posts import POST_COLUMNS, POST_FROM, hydrate

FEED_LENGTH = 30

# Local authors only: a remote post's home is its own server (and its feed there).
VISIBLE = ("p.deleted_at IS NULL AND p.repost_of IS NULL AND p.moderation IS NULL AND u.status = 'active'"
           " AND u.domain IS NULL")

# The member's top-level posts, newest first, from the posts_timeline index.
MEMBER_SQL = f"""SELECT {POST_COLUMNS} {POST_FROM}
    WHERE p.user_id = :author AND p.reply_to IS NULL AND {VISIBLE}
    ORDER BY p.id DESC LIMIT :limit"""

# Posts with the tag (replies too, like the tag's page), newest first, from post_tags' key.
TAG_SQL = f"""SELECT {POST_COLUMNS} {POST_FROM}
    JOIN post_tags t ON t.post_id = p.id
    WHERE t.tag_id = (SELECT id FROM hashtags WHERE name = :tag) AND {VISIBLE}
    ORDER BY t.post_id DESC LIMIT :limit"""


def member_posts(conn: sqlite3.Connection, user_id: int, limit: int = FEED_LENGTH) -> list[dict]:
    """The newest public top-level posts of a member (plain post dicts with their images)."""
    rows = conn.execute(MEMBER_SQL, {"author": user_id, "limit": limit}).fetchall()
    return [item["post"] for item in hydrate(conn, rows, None)]


def tag_posts(conn: sqlite3.Connection, tag: str, limit: int = FEED_LENGTH) -> list[dict]:
    """The newest public posts carrying a hashtag (plain post dicts with their images)."""
    rows = conn.execute(TAG_SQL, {"tag": tag, "limit": limit}).fetchall()
    return [item["post"] for item in hydrate(conn, rows, None)]


def avatar_image(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    """The full-size avatar picture (name, width, height) of a member, or None."""
    return conn.execute(
        """SELECT m.name, m.width, m.height FROM users u JOIN media m ON m.id = u.avatar_media_id
           WHERE u.id = ? AND m.name IS NOT NULL""",
        (user_id,),
    ).fetchone()
