"""Members as moderators see them: a searchable list, and one member's record."""

from __future__ import annotations

import sqlite3

from models.posts import POST_COLUMNS, POST_FROM, hydrate

PAGE_SIZE = 30
STATUSES = ("active", "pending", "suspended", "deleted", "rejected")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(conn: sqlite3.Connection, query: str = "", status: str = "", after: str | None = None,
           limit: int = PAGE_SIZE) -> tuple[list[sqlite3.Row], str | None]:
    """Local members whose username or display name contains `query`, by username; keyset-paged
    (`after` = the last username of the previous page)."""
    pattern = f"%{_escape_like(query.strip().lstrip('@'))}%"
    params = {"pattern": pattern, "after": after or "", "limit": limit, "status": status}
    rows = conn.execute(
        f"""SELECT u.id, u.username, u.display_name, u.role, u.status, u.created_at, u.suspended_at,
                   am.thumb_name AS avatar_name,
                   (SELECT count(*) FROM reports r WHERE r.target_user_id = u.id AND r.status = 'open') AS open_reports
            FROM users u LEFT JOIN media am ON am.id = u.avatar_media_id
            WHERE u.domain IS NULL AND u.username > :after
              AND (u.username LIKE :pattern ESCAPE '\\' OR u.display_name LIKE :pattern ESCAPE '\\')
              {"AND u.status = :status" if status else ""}
            ORDER BY u.username LIMIT :limit""",
        params,
    ).fetchall()
    return rows, (rows[-1]["username"] if len(rows) == limit else None)


def record(conn: sqlite3.Connection, user_id: int) -> dict:
    """What a moderator needs to judge a member: their counts (posts, replies, pictures, follows, likes,
    reports about them and by them)."""
    row = conn.execute(
        """SELECT (SELECT count(*) FROM posts WHERE user_id = :u AND deleted_at IS NULL AND repost_of IS NULL
                       AND reply_to IS NULL) AS posts,
                  (SELECT count(*) FROM posts WHERE user_id = :u AND deleted_at IS NULL AND reply_to IS NOT NULL)
                      AS replies,
                  (SELECT count(*) FROM posts WHERE user_id = :u AND moderation IS NOT NULL AND deleted_at IS NULL)
                      AS moderated,
                  (SELECT count(*) FROM generations WHERE user_id = :u) AS generations,
                  (SELECT count(*) FROM follows WHERE followee_id = :u) AS followers,
                  (SELECT count(*) FROM follows WHERE follower_id = :u) AS following,
                  (SELECT count(*) FROM likes WHERE user_id = :u) AS likes,
                  (SELECT count(*) FROM reports WHERE target_user_id = :u) AS reported,
                  (SELECT count(*) FROM reports WHERE reporter_id = :u) AS reports_filed""",
        {"u": user_id},
    ).fetchone()
    return dict(row)


def recent_posts(conn: sqlite3.Connection, user_id: int, limit: int = 10) -> list[dict]:
    """The member's latest posts and replies, including any hidden or held (moderators see them all)."""
    rows = conn.execute(
        f"""SELECT {POST_COLUMNS} {POST_FROM}
            WHERE p.user_id = :author AND p.deleted_at IS NULL AND p.repost_of IS NULL
            ORDER BY p.id DESC LIMIT :limit""",
        {"author": user_id, "limit": limit},
    ).fetchall()
    return [item["post"] for item in hydrate(conn, rows, None, show_hidden=True)]
