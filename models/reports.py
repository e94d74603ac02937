"""Reports: a member flags a post or a member; moderators hide the post, suspend the member or dismiss.

Resolving a report (and every other open report about the same post or member that the action
settles) records the outcome, writes an audit row and tells each reporter, in one transaction.
"""

from __future__ import annotations

import sqlite3

from models import accounts, audit
from models.db import now, transaction
from models.notifications import notify_moderation

REASON_MAX = 1000
PAGE_SIZE = 30

# action -> (report status, outcome told to the reporter)
OUTCOMES = {
    "hide": ("resolved", "post_hidden"),
    "suspend": ("resolved", "member_suspended"),
    "dismiss": ("dismissed", "dismissed"),
}


class CannotReport(Exception):
    """Yourself, or something that is not there to report."""


def validate_reason(reason: str) -> str | None:
    """A message code for a bad reason, or None."""
    if not reason:
        return "reason_missing"
    if len(reason) > REASON_MAX:
        return "reason_long"
    return None


def report_post(conn: sqlite3.Connection, reporter_id: int, post_id: int, reason: str) -> int:
    """File a report about a post (its author is the target); one open report per reporter and post."""
    with transaction(conn):
        post = conn.execute(
            "SELECT user_id FROM posts WHERE id = ? AND deleted_at IS NULL AND repost_of IS NULL", (post_id,)
        ).fetchone()
        if post is None or post["user_id"] == reporter_id:
            raise CannotReport(post_id)
        return _file(conn, reporter_id, post["user_id"], post_id, reason)


def report_member(conn: sqlite3.Connection, reporter_id: int, user_id: int, reason: str) -> int:
    """File a report about a member; one open report per reporter and member."""
    if user_id == reporter_id:
        raise CannotReport(user_id)
    with transaction(conn):
        return _file(conn, reporter_id, user_id, None, reason)


def _file(conn, reporter_id: int, target_id: int, post_id: int | None, reason: str) -> int:
    existing = conn.execute(
        """SELECT id FROM reports WHERE reporter_id = ? AND status = 'open' AND target_user_id = ?
               AND coalesce(post_id, 0) = ?""",
        (reporter_id, target_id, post_id or 0),
    ).fetchone()
    if existing is not None:
        conn.execute("UPDATE reports SET reason = reason || char(10) || ? WHERE id = ?", (reason, existing["id"]))
        return existing["id"]
    return conn.execute(
        "INSERT INTO reports (reporter_id, target_user_id, post_id, reason, created_at) VALUES (?, ?, ?, ?, ?)",
        (reporter_id, target_id, post_id, reason, now()),
    ).lastrowid


def open_count(conn: sqlite3.Connection) -> int:
    """The moderators' badge: open reports (reports_status index)."""
    return conn.execute("SELECT count(*) FROM reports WHERE status = 'open'").fetchone()[0]


REPORT_SQL = """SELECT r.*, ru.username AS reporter_name, tu.username AS target_name, tu.role AS target_role,
        tu.status AS target_status, mu.username AS resolver_name,
        p.caption AS post_caption, p.moderation AS post_moderation, p.deleted_at AS post_deleted_at,
        p.reply_to AS post_reply_to,
        (SELECT m.thumb_name FROM post_media pm JOIN media m ON m.id = pm.media_id
         WHERE pm.post_id = p.id ORDER BY pm.position LIMIT 1) AS post_thumb,
        (SELECT pm.alt FROM post_media pm WHERE pm.post_id = p.id ORDER BY pm.position LIMIT 1) AS post_alt
    FROM reports r
    LEFT JOIN users ru ON ru.id = r.reporter_id
    LEFT JOIN users tu ON tu.id = r.target_user_id
    LEFT JOIN users mu ON mu.id = r.resolved_by
    LEFT JOIN posts p ON p.id = r.post_id"""


def get(conn: sqlite3.Connection, report_id: int) -> sqlite3.Row | None:
    return conn.execute(f"{REPORT_SQL} WHERE r.id = ?", (report_id,)).fetchone()


def queue(conn: sqlite3.Connection, status: str = "open", before: int | None = None,
          limit: int = PAGE_SIZE) -> tuple[list[sqlite3.Row], int | None]:
    """Open reports (oldest first: first come, first served), or closed ones newest first; keyset-paged."""
    if status == "open":
        rows = conn.execute(
            f"{REPORT_SQL} WHERE r.status = 'open' AND r.id > ? ORDER BY r.id LIMIT ?", (before or 0, limit)
        ).fetchall()
    else:
        rows = conn.execute(
            f"{REPORT_SQL} WHERE r.status IN ('resolved', 'dismissed') AND r.id < ? ORDER BY r.id DESC LIMIT ?",
            (before or 2**62, limit),
        ).fetchall()
    return rows, (rows[-1]["id"] if len(rows) == limit else None)


def about_member(conn: sqlite3.Connection, user_id: int, limit: int = 20) -> list[sqlite3.Row]:
    """Reports about a member or their posts, newest first."""
    return conn.execute(
        f"{REPORT_SQL} WHERE r.target_user_id = ? ORDER BY r.id DESC LIMIT ?", (user_id, limit)
    ).fetchall()


def resolve(conn: sqlite3.Connection, actor, report_id: int, action: str, reason: str = "") -> int:
    """Act on a report: 'hide' its post, 'suspend' its member, or 'dismiss' it.

    Every open report the action settles (all those about the hidden post, all those about the
    suspended member, or just this one) is closed and its reporter told. Returns how many were closed.
    Raises LookupError when the report is not open, accounts.NotAllowed for a moderator suspending
    an admin, ValueError for an action that does not fit (hiding a report with no post).
    """
    status, outcome = OUTCOMES[action]
    with transaction(conn):
        report = conn.execute("SELECT * FROM reports WHERE id = ? AND status = 'open'", (report_id,)).fetchone()
        if report is None:
            raise LookupError(report_id)
        if action == "hide":
            if report["post_id"] is None:
                raise ValueError("no post")
            hide_post_in_transaction(conn, actor, report["post_id"], reason, report_id=report_id)
            settled = conn.execute(
                "SELECT * FROM reports WHERE status = 'open' AND post_id = ?", (report["post_id"],)).fetchall()
        elif action == "suspend":
            if report["target_user_id"] is None:
                raise ValueError("no member")
            accounts.suspend_in_transaction(conn, actor, report["target_user_id"], reason, report_id=report_id)
            settled = conn.execute(
                "SELECT * FROM reports WHERE status = 'open' AND target_user_id = ?",
                (report["target_user_id"],)).fetchall()
        else:
            target = conn.execute("SELECT id, username FROM users WHERE id = ?", (report["target_user_id"],)).fetchone()
            audit.record(conn, actor, "dismiss_report", target=target, post_id=report["post_id"],
                         report_id=report_id, reason=reason)
            settled = [report]
        t = now()
        for row in settled:
            conn.execute(
                "UPDATE reports SET status = ?, outcome = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                (status, outcome, actor["id"], t, row["id"]),
            )
            if row["reporter_id"] is not None:
                notify_moderation(conn, row["reporter_id"], actor["id"], "report_resolved", row["post_id"], outcome)
        return len(settled)


def hide_post_in_transaction(conn: sqlite3.Connection, actor, post_id: int, reason: str,
                             report_id: int | None = None) -> bool:
    """Hide a post from everyone but its author and moderators; the author is told."""
    post = conn.execute(
        "SELECT p.id, p.user_id, p.moderation, u.username FROM posts p JOIN users u ON u.id = p.user_id "
        "WHERE p.id = ? AND p.deleted_at IS NULL AND p.repost_of IS NULL", (post_id,)
    ).fetchone()
    if post is None:
        raise LookupError(post_id)
    if post["moderation"] == "hidden":
        return False
    conn.execute("UPDATE posts SET moderation = 'hidden', moderated_at = ? WHERE id = ?", (now(), post_id))
    audit.record(conn, actor, "hide_post", target={"id": post["user_id"], "username": post["username"]},
                 post_id=post_id, report_id=report_id, reason=reason)
    notify_moderation(conn, post["user_id"], actor["id"], "post_hidden", post_id)
    return True
