"""Search: posts by caption and visible prompt, people by name, tags by prefix.

Member input never reaches FTS5's query language: it is cut into words, each word becomes a
quoted string (so AND, NEAR, *, -, ( and quotes are just text), and the last word a prefix.
"""

from __future__ import annotations

import re
import sqlite3

from models.posts import HIDDEN_AUTHORS, POST_COLUMNS, POST_FROM, hydrate

MAX_QUERY = 200  # characters considered; the rest of a pasted essay is ignored
MAX_TOKENS = 8
MAX_TOKEN = 64
POST_LIMIT = 50  # the top 50 by rank; search is for finding, the feeds are for browsing
PEOPLE_LIMIT = 20
TAG_LIMIT = 20

# FTS5's unicode61 tokenizer keeps letters and digits; everything else separates words.
# Python's \w also keeps "_", which unicode61 splits on, so split on it too.
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_HANDLE_RE = re.compile(r"[a-z0-9_]{1,30}")


def tokens(query: str) -> list[str]:
    """The words of a query, as the FTS tokenizer would see them (bounded in number and length)."""
    return [word[:MAX_TOKEN] for word in _WORD_RE.findall((query or "")[:MAX_QUERY])][:MAX_TOKENS]


def fts_query(query: str) -> str | None:
    """A safe FTS5 MATCH expression: every word quoted, the last one a prefix. None when no words."""
    words = tokens(query)
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


# Ranked by bm25 with a caption match weighing twice a prompt match. The FTS table only holds
# live, non-repost posts with visible prompts (see migration 2's triggers); the joins re-check
# deletion anyway, since a trigger-maintained index is only as good as its triggers. Posts held or
# hidden by moderators are left out here; those of suspended members are dropped by hydrate().
# Suspended, pending and deleted members are not found as people.
POSTS_SQL = f"""SELECT {POST_COLUMNS} {POST_FROM}
    JOIN (SELECT rowid AS hit, bm25(posts_fts, 2.0, 1.0) AS score FROM posts_fts
          WHERE posts_fts MATCH :match ORDER BY score LIMIT :scan) f ON f.hit = p.id
    WHERE p.deleted_at IS NULL AND p.repost_of IS NULL AND p.moderation IS NULL
      AND p.user_id NOT IN ({HIDDEN_AUTHORS})
    ORDER BY f.score LIMIT :limit"""

PEOPLE_PREFIX_SQL = f"""SELECT u.id, u.username, u.display_name, u.bio, u.avatar_media_id,
        am.thumb_name AS avatar_name
    FROM users u LEFT JOIN media am ON am.id = u.avatar_media_id
    WHERE u.domain IS NULL AND u.username >= :lo AND u.username < :hi AND u.status = 'active'
      AND u.id NOT IN ({HIDDEN_AUTHORS})
    ORDER BY u.username LIMIT :limit"""

PEOPLE_FTS_SQL = f"""SELECT u.id, u.username, u.display_name, u.bio, u.avatar_media_id,
        am.thumb_name AS avatar_name
    FROM (SELECT rowid AS hit, bm25(users_fts, 4.0, 3.0, 1.0) AS score FROM users_fts
          WHERE users_fts MATCH :match ORDER BY score LIMIT :scan) f
    JOIN users u ON u.id = f.hit
    LEFT JOIN media am ON am.id = u.avatar_media_id
    WHERE u.domain IS NULL AND u.status = 'active' AND u.id NOT IN ({HIDDEN_AUTHORS})
    ORDER BY f.score LIMIT :limit"""

# Tags starting with one of the words; the count reads the (tag_id, post_id) primary key.
TAGS_SQL = """SELECT h.name, (SELECT count(*) FROM post_tags t WHERE t.tag_id = h.id) AS posts
    FROM hashtags h WHERE {ranges}
    ORDER BY posts DESC, h.name LIMIT :limit"""


def _prefix_range(word: str) -> tuple[str, str]:
    # Usernames and tags compare NOCASE; U+10FFFF sorts after anything that can follow the prefix.
    word = word.lower()
    return word, word + "\U0010ffff"


def posts(conn: sqlite3.Connection, query: str, viewer_id: int | None, limit: int = POST_LIMIT) -> list[dict]:
    """Posts matching the query, best first, hydrated like any feed page."""
    match = fts_query(query)
    if match is None:
        return []
    rows = conn.execute(
        POSTS_SQL, {"match": match, "scan": limit * 4, "limit": limit, "viewer": viewer_id or 0}
    ).fetchall()
    return hydrate(conn, rows, viewer_id)


def people(conn: sqlite3.Connection, query: str, viewer_id: int | None, limit: int = PEOPLE_LIMIT) -> list[dict]:
    """Local members: username prefix matches first (as you type '@an'), then name and bio matches."""
    words = tokens(query)
    if not words:
        return []
    params = {"viewer": viewer_id or 0, "limit": limit}
    found: dict[int, dict] = {}
    handle = query.strip().lstrip("@").lower()
    if _HANDLE_RE.fullmatch(handle):
        lo, hi = _prefix_range(handle)
        for row in conn.execute(PEOPLE_PREFIX_SQL, {**params, "lo": lo, "hi": hi}):
            found[row["id"]] = dict(row)
    if len(found) < limit:
        for row in conn.execute(PEOPLE_FTS_SQL, {**params, "match": fts_query(query), "scan": limit * 4}):
            found.setdefault(row["id"], dict(row))
    return list(found.values())[:limit]


def tags(conn: sqlite3.Connection, query: str, limit: int = TAG_LIMIT) -> list[dict]:
    """Hashtags starting with any word of the query, most used first: [{name, posts}]."""
    words = list(dict.fromkeys(word.lower() for word in tokens(query)))
    if not words:
        return []
    params: dict = {"limit": limit}
    ranges = []
    for i, word in enumerate(words):
        params[f"lo{i}"], params[f"hi{i}"] = _prefix_range(word)
        ranges.append(f"(h.name >= :lo{i} AND h.name < :hi{i})")
    return [dict(row) for row in conn.execute(TAGS_SQL.format(ranges=" OR ".join(ranges)), params)]


def search(conn: sqlite3.Connection, query: str, viewer_id: int | None) -> dict:
    """Everything the search page shows for a query."""
    return {
        "posts": posts(conn, query, viewer_id),
        "people": people(conn, query, viewer_id),
        "tags": tags(conn, query),
    }
