"""Federation's rows (issue 10): members' key pairs, remote actors (users rows with a domain),
remote posts (posts rows with a uri, media rows with a remote_url), and what the actor documents
and NodeInfo count."""

from __future__ import annotations

import sqlite3
from typing import Callable

from models import posts as posts_model
from models.db import now, transaction
from models.notifications import notify

REMOTE_FIELDS = ("username", "domain", "display_name", "bio", "inbox_url", "shared_inbox_url", "public_key_id",
                 "public_key_pem", "profile_url", "avatar_url", "locked")


def key_pair(conn: sqlite3.Connection, user_id: int, generate: Callable[[], tuple[str, str]]) -> sqlite3.Row:
    """The member's key pair, made once on first need (two racing requests keep the first)."""
    row = conn.execute("SELECT * FROM actor_keys WHERE user_id = ?", (user_id,)).fetchone()
    if row is not None:
        return row
    public, private = generate()  # ~50 ms of CPU: outside the write lock
    with transaction(conn):
        conn.execute("INSERT OR IGNORE INTO actor_keys (user_id, public_pem, private_pem, created_at)"
                     " VALUES (?, ?, ?, ?)", (user_id, public, private, now()))
    return conn.execute("SELECT * FROM actor_keys WHERE user_id = ?", (user_id,)).fetchone()


def public_key(conn: sqlite3.Connection, user_id: int) -> str | None:
    row = conn.execute("SELECT public_pem FROM actor_keys WHERE user_id = ?", (user_id,)).fetchone()
    return row[0] if row else None


def upsert_remote(conn: sqlite3.Connection, actor_uri: str, info: dict) -> sqlite3.Row:
    """Insert or refresh a remote actor by its URI; returns its users row."""
    values = {key: info.get(key) for key in REMOTE_FIELDS}
    values["display_name"] = values["display_name"] or ""
    values["bio"] = values["bio"] or ""
    values["locked"] = 1 if values["locked"] else 0  # manuallyApprovesFollowers: shown as a lock
    with transaction(conn):
        row = conn.execute("SELECT id FROM users WHERE actor_uri = ?", (actor_uri,)).fetchone()
        if row is None:
            # A handle taken by an older actor URI (the account moved or was recreated): that row goes.
            clash = conn.execute("SELECT id FROM users WHERE domain = ? AND username = ? AND domain IS NOT NULL",
                                 (values["domain"], values["username"])).fetchone()
            if clash is not None:
                conn.execute("UPDATE users SET username = username || '~' || id WHERE id = ?", (clash["id"],))
            user_id = conn.execute(
                f"""INSERT INTO users (actor_uri, {", ".join(REMOTE_FIELDS)}, fetched_at, created_at)
                    VALUES (?, {", ".join("?" * len(REMOTE_FIELDS))}, ?, ?)""",
                (actor_uri, *values.values(), now(), now()),
            ).lastrowid
        else:
            user_id = row["id"]
            conn.execute(
                f"UPDATE users SET {', '.join(f'{key} = ?' for key in REMOTE_FIELDS)}, fetched_at = ? WHERE id = ?",
                (*values.values(), now(), user_id),
            )
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def by_actor_uri(conn: sqlite3.Connection, uri: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE actor_uri = ?", (uri,)).fetchone()


def by_key_id(conn: sqlite3.Connection, key_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE public_key_id = ? AND domain IS NOT NULL", (key_id,)).fetchone()


def remote_by_handle(conn: sqlite3.Connection, username: str, domain: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM users WHERE domain = ? AND username = ?", (domain, username)).fetchone()


def follower_inboxes(conn: sqlite3.Connection, user_id: int) -> list[str]:
    """Where a member's remote followers read: one shared inbox per server where it has one."""
    return [row[0] for row in conn.execute(
        """SELECT DISTINCT coalesce(u.shared_inbox_url, u.inbox_url) FROM follows f JOIN users u ON u.id = f.follower_id
           WHERE f.followee_id = ? AND u.domain IS NOT NULL AND u.status = 'active'
             AND coalesce(u.shared_inbox_url, u.inbox_url) IS NOT NULL""", (user_id,))]


def related_inboxes(conn: sqlite3.Connection, user_id: int) -> list[str]:
    """Every server that knows a member as a follower, followee or by a follow request either way:
    where a leaving member's Delete goes, so none of them keeps a follow (or a request) to nobody."""
    return [row[0] for row in conn.execute(
        """SELECT DISTINCT coalesce(u.shared_inbox_url, u.inbox_url) FROM users u
           WHERE u.domain IS NOT NULL AND u.status = 'active' AND coalesce(u.shared_inbox_url, u.inbox_url) IS NOT NULL
             AND u.id IN (SELECT follower_id FROM follows WHERE followee_id = :m
                          UNION SELECT followee_id FROM follows WHERE follower_id = :m
                          UNION SELECT requester_id FROM follow_requests WHERE target_id = :m
                          UNION SELECT target_id FROM follow_requests WHERE requester_id = :m)""",
        {"m": user_id})]


def outbox_posts(conn: sqlite3.Connection, user_id: int, limit: int = 20) -> list[dict]:
    """A member's newest public top-level posts, hydrated (the outbox's first page)."""
    items, _cursor = posts_model.feed(conn, "user_posts", None, None, limit, author=user_id)
    return [item["post"] for item in items if item["reposted_by"] is None and not item["post"]["domain"]]


def people_uris(conn: sqlite3.Connection, user_id: int, which: str, limit: int = 100) -> tuple[int, list[str]]:
    """(total, actor URIs or local names) of a member's followers or following; local names as '@name'."""
    mine, other = ("followee_id", "follower_id") if which == "followers" else ("follower_id", "followee_id")
    total = conn.execute(f"SELECT count(*) FROM follows WHERE {mine} = ?", (user_id,)).fetchone()[0]
    rows = conn.execute(
        f"""SELECT u.actor_uri, u.username, u.domain FROM follows f JOIN users u ON u.id = f.{other}
            WHERE f.{mine} = ? AND u.status = 'active' ORDER BY f.created_at DESC LIMIT ?""", (user_id, limit))
    return total, [row["actor_uri"] if row["domain"] else "@" + row["username"] for row in rows]


def usage(conn: sqlite3.Connection) -> dict:
    """NodeInfo's usage figures: local members (all, active in 30 and 180 days) and local posts."""
    month, half_year = now() - 30 * 86400, now() - 180 * 86400
    row = conn.execute(
        """SELECT (SELECT count(*) FROM users WHERE domain IS NULL AND status = 'active') AS total,
                  (SELECT count(DISTINCT p.user_id) FROM posts p JOIN users u ON u.id = p.user_id
                     WHERE u.domain IS NULL AND p.created_at > :month) AS month,
                  (SELECT count(DISTINCT p.user_id) FROM posts p JOIN users u ON u.id = p.user_id
                     WHERE u.domain IS NULL AND p.created_at > :half) AS half,
                  (SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id
                     WHERE u.domain IS NULL AND p.deleted_at IS NULL AND p.repost_of IS NULL) AS posts""",
        {"month": month, "half": half_year},
    ).fetchone()
    return {"users": {"total": row["total"], "activeMonth": row["month"], "activeHalfyear": row["half"]},
            "localPosts": row["posts"]}


# --- remote posts -----------------------------------------------------------------------------

def post_by_uri(conn: sqlite3.Connection, uri: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM posts WHERE uri = ?", (uri,)).fetchone()


def store_remote_post(conn: sqlite3.Connection, author_id: int, uri: str, caption: str, reply_to: int | None,
                      images: list[dict]) -> int | None:
    """A remote Note as a post (idempotent by URI); images are media rows with a remote_url.

    Returns the new post's id, or None when it was already stored.
    """
    with transaction(conn):
        if conn.execute("SELECT 1 FROM posts WHERE uri = ?", (uri,)).fetchone():
            return None
        if reply_to is not None and not conn.execute(
                "SELECT 1 FROM posts WHERE id = ? AND deleted_at IS NULL AND repost_of IS NULL",
                (reply_to,)).fetchone():
            reply_to = None
        created = now()
        post_id = conn.execute(
            "INSERT INTO posts (user_id, uri, caption, reply_to, created_at) VALUES (?, ?, ?, ?, ?)",
            (author_id, uri, caption, reply_to, created),
        ).lastrowid
        for position, image in enumerate(images[:4]):
            width, height = int(image.get("width") or 0), int(image.get("height") or 0)
            media_id = conn.execute(
                """INSERT INTO media (user_id, position, remote_url, width, height, thumb_width, thumb_height,
                                      created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (author_id, position, image["url"], width, height, width, height, created),
            ).lastrowid
            conn.execute("INSERT INTO post_media (post_id, media_id, position, alt) VALUES (?, ?, ?, ?)",
                         (post_id, media_id, position, image.get("alt") or ""))
        if reply_to is not None:
            conn.execute("UPDATE posts SET reply_count = reply_count + 1 WHERE id = ?", (reply_to,))
            parent = conn.execute("SELECT user_id FROM posts WHERE id = ?", (reply_to,)).fetchone()
            notify(conn, parent["user_id"], author_id, "reply", post_id)
        posts_model._index_text(conn, post_id, author_id, caption, created)
    return post_id


def update_remote_post(conn: sqlite3.Connection, author_id: int, uri: str, caption: str) -> bool:
    with transaction(conn):
        return conn.execute("UPDATE posts SET caption = ? WHERE uri = ? AND user_id = ? AND deleted_at IS NULL",
                            (caption, uri, author_id)).rowcount == 1


def delete_remote_post(conn: sqlite3.Connection, author_id: int, uri: str) -> bool:
    """The author deleted it: the same placeholder a local delete leaves."""
    with transaction(conn):
        row = conn.execute("SELECT id FROM posts WHERE uri = ? AND user_id = ?", (uri, author_id)).fetchone()
        return row is not None and posts_model.delete_in_transaction(conn, row["id"])


def remove_remote_actor_content(conn: sqlite3.Connection, actor_id: int) -> None:
    """A remote account deleted itself: it leaves, with its follows, likes and reposts."""
    with transaction(conn):
        for row in conn.execute("SELECT id FROM posts WHERE user_id = ? AND deleted_at IS NULL AND repost_of IS NULL",
                                (actor_id,)).fetchall():
            posts_model.delete_in_transaction(conn, row["id"])
        conn.execute("UPDATE users SET status = 'deleted' WHERE id = ? AND domain IS NOT NULL", (actor_id,))
        conn.execute("DELETE FROM follows WHERE follower_id = ? OR followee_id = ?", (actor_id, actor_id))
        conn.execute("DELETE FROM follow_requests WHERE requester_id = ? OR target_id = ?", (actor_id, actor_id))
