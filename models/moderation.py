"""Posts moderators act on: hide and unhide, and the review queue of posts held by a prompt rule."""

from __future__ import annotations

import sqlite3

from models import audit
from models.db import transaction
from models.generations import cancel_in_transaction
from models.notifications import notify_moderation
from models.posts import POST_COLUMNS, POST_FROM, delete_in_transaction, hydrate
from models.reports import hide_post_in_transaction

PAGE_SIZE = 20


def _post(conn: sqlite3.Connection, post_id: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT p.id, p.user_id, p.moderation, u.username FROM posts p JOIN users u ON u.id = p.user_id "
        "WHERE p.id = ? AND p.deleted_at IS NULL AND p.repost_of IS NULL", (post_id,)
    ).fetchone()
    if row is None:
        raise LookupError(post_id)
    return row


def _author(row: sqlite3.Row) -> dict:
    return {"id": row["user_id"], "username": row["username"]}


def hide(conn: sqlite3.Connection, actor, post_id: int, reason: str) -> bool:
    """Hide a post (no report needed); False when it already was."""
    with transaction(conn):
        return hide_post_in_transaction(conn, actor, post_id, reason)


def unhide(conn: sqlite3.Connection, actor, post_id: int, reason: str) -> bool:
    """Show a hidden post again; False when it was not hidden."""
    with transaction(conn):
        post = _post(conn, post_id)
        if post["moderation"] != "hidden":
            return False
        conn.execute("UPDATE posts SET moderation = NULL, moderated_at = NULL WHERE id = ?", (post_id,))
        audit.record(conn, actor, "unhide_post", target=_author(post), post_id=post_id, reason=reason)
        return True


def approve(conn: sqlite3.Connection, actor, post_id: int, reason: str = "") -> bool:
    """Share a held post after all; its author is told. False when it was not held."""
    with transaction(conn):
        post = _post(conn, post_id)
        if post["moderation"] != "held":
            return False
        conn.execute("UPDATE posts SET moderation = NULL, moderated_at = NULL WHERE id = ?", (post_id,))
        audit.record(conn, actor, "approve_post", target=_author(post), post_id=post_id, reason=reason)
        notify_moderation(conn, post["user_id"], actor["id"], "post_approved", post_id)
        return True


def reject(conn: sqlite3.Connection, actor, post_id: int, reason: str = "") -> bool:
    """Delete a held post (as its author would); its author is told. False when it was not held."""
    with transaction(conn):
        post = _post(conn, post_id)
        if post["moderation"] != "held":
            return False
        delete_in_transaction(conn, post_id)
        audit.record(conn, actor, "reject_post", target=_author(post), post_id=post_id, reason=reason)
        notify_moderation(conn, post["user_id"], actor["id"], "post_rejected", post_id, reason[:200])
        return True


def cancel_generation(conn: sqlite3.Connection, actor, generation_id: int, reason: str = "") -> bool:
    """A moderator stops any member's queued or running job; False when it was not waiting or running."""
    with transaction(conn):
        job = conn.execute(
            "SELECT g.id, g.prompt, g.user_id AS owner_id, u.username FROM generations g"
            " JOIN users u ON u.id = g.user_id WHERE g.id = ?", (generation_id,)).fetchone()
        if job is None or not cancel_in_transaction(conn, generation_id):
            return False
        audit.record(conn, actor, "cancel_generation", target={"id": job["owner_id"], "username": job["username"]},
                     reason=reason, detail=f"#{generation_id}: {job['prompt'][:120]}")
        return True


def held_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM posts WHERE moderation = 'held' AND deleted_at IS NULL"
    ).fetchone()[0]


def queue(conn: sqlite3.Connection, moderation: str = "held", before: int | None = None,
          limit: int = PAGE_SIZE) -> tuple[list[dict], int | None]:
    """Held (or hidden) posts, oldest first for held (first come, first served), newest first for hidden."""
    order, cmp, start = ("ASC", ">", 0) if moderation == "held" else ("DESC", "<", 2**62)
    rows = conn.execute(
        f"""SELECT {POST_COLUMNS} {POST_FROM}
            WHERE p.moderation = :moderation AND p.deleted_at IS NULL AND p.id {cmp} :before
            ORDER BY p.id {order} LIMIT :limit""",
        {"moderation": moderation, "before": before or start, "limit": limit},
    ).fetchall()
    cursor = rows[-1]["id"] if len(rows) == limit else None
    return [item["post"] for item in hydrate(conn, rows, None, show_hidden=True)], cursor
