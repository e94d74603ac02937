"""Explore: public posts of the last 7 days ranked by engagement with time decay, and trending tags.

    score = (1 + likes + 2*reposts + 2*replies + 3*remixes) / (age_hours + 2) ** 1.5

The +1 lets a fresh post with no reactions yet still appear; the +2 hours keeps a brand-new post
from dividing by almost nothing; the 1.5 power halves a post's score about every 3 hours early on,
so yesterday's hit gives way to today's unless it keeps being liked.

The ranking is one SQL query over the 7-day window (a partial index on created_at), computed at
most once a minute per process and shared by every viewer; each page then reads only its 20 ids.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from typing import Callable

from models.posts import HIDDEN_AUTHORS, POST_COLUMNS, POST_FROM, fetch_dicts, hydrate

WINDOW = 7 * 86400
TRENDING_WINDOW = 86400
MAX_RANKED = 1000  # 50 pages; nobody scrolls a ranked feed further than that
TRENDING_LIMIT = 10

# INDEXED BY: on a young database without statistics the planner would rather walk
# posts_reply_to (reply_to IS NULL is most rows), which reads every post ever made.
# Ordering by score² avoids pow()/sqrt(), which SQLite only has when built with math functions:
# score² = n² / (age_hours + 2)³ ranks exactly like score, since every score is positive.
RANKING_SQL = """SELECT id, user_id FROM posts INDEXED BY posts_explore
    WHERE created_at >= :since AND reply_to IS NULL AND repost_of IS NULL AND deleted_at IS NULL
      AND moderation IS NULL
    ORDER BY (1.0 + like_count + 2 * repost_count + 2 * reply_count + 3 * remix_count)
           * (1.0 + like_count + 2 * repost_count + 2 * reply_count + 3 * remix_count)
           / ((:now - created_at) / 3600.0 + 2) / ((:now - created_at) / 3600.0 + 2)
           / ((:now - created_at) / 3600.0 + 2) DESC, id DESC
    LIMIT :limit"""

# One page of the cached ranking; posts deleted or hidden since the ranking was made drop out.
PAGE_SQL = f"""SELECT {POST_COLUMNS} {POST_FROM}
    WHERE p.id IN (SELECT value FROM json_each(:ids)) AND p.deleted_at IS NULL
      AND p.user_id NOT IN ({HIDDEN_AUTHORS})"""

# The window's rows come straight from the covering index; only the top tags touch hashtags.
TRENDING_SQL = """SELECT h.name, count(*) AS posts
    FROM post_tags t INDEXED BY post_tags_recent JOIN hashtags h ON h.id = t.tag_id
    WHERE t.created_at >= :since
    GROUP BY t.tag_id ORDER BY posts DESC, h.name LIMIT :limit"""


def score(likes: int, reposts: int, replies: int, remixes: int, age_hours: float) -> float:
    """The explore score of one post (the SQL above orders by its square)."""
    return (1 + likes + 2 * reposts + 2 * replies + 3 * remixes) / (age_hours + 2) ** 1.5


def ranking(conn: sqlite3.Connection, at: float | None = None, limit: int = MAX_RANKED) -> list[int]:
    """Ids of the last 7 days' top-level posts, best first."""
    at = time.time() if at is None else at
    # Suspended and deleted members (a handful, from a partial index) drop out of the ranking;
    # hydrate() drops them from pages too, for members suspended since the ranking was cached.
    inactive = {row[0] for row in conn.execute("SELECT id FROM users WHERE status != 'active'")}
    rows = conn.execute(RANKING_SQL, {"since": at - WINDOW, "now": at, "limit": limit})
    return [row[0] for row in rows if row[1] not in inactive]


def trending(conn: sqlite3.Connection, at: float | None = None, limit: int = TRENDING_LIMIT) -> list[dict]:
    """The most used tags of the last 24 hours: [{name, posts}]."""
    at = time.time() if at is None else at
    return [dict(row) for row in conn.execute(TRENDING_SQL, {"since": at - TRENDING_WINDOW, "limit": limit})]


def page(conn: sqlite3.Connection, ids: list[int], viewer_id: int | None) -> list[dict]:
    """Hydrated feed items for these ids, in the order given."""
    if not ids:
        return []
    rows = fetch_dicts(conn, PAGE_SQL, {"ids": json.dumps(ids), "viewer": viewer_id or 0})
    order = {post_id: i for i, post_id in enumerate(ids)}
    rows.sort(key=lambda row: order[row["id"]])
    return hydrate(conn, rows, viewer_id)


class Cache:
    """The ranking and trending tags, recomputed when older than `ttl` seconds (per app, thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._expires = float("-inf")
        self._ranking: list[int] = []
        self._trending: list[dict] = []

    def get(self, conn: sqlite3.Connection, ttl: float) -> tuple[list[int], list[dict]]:
        """(ranked ids, trending tags); one thread recomputes on expiry while the others wait for it."""
        with self._lock:
            if self._clock() >= self._expires:
                self._ranking, self._trending = ranking(conn), trending(conn)
                self._expires = self._clock() + ttl
            return self._ranking, self._trending

    def clear(self) -> None:
        with self._lock:
            self._expires = float("-inf")
