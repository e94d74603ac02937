"""Profiles: editing one's name, bio and avatar; followers/following lists; blocked and muted lists."""

from __future__ import annotations

import sqlite3

from models.db import now, transaction

DISPLAY_NAME_MAX = 50
BIO_MAX = 300

# A member as lists show them: name, handle, bio and avatar thumbnail.
MEMBER_COLUMNS = ("u.id, u.username, u.display_name, u.bio, u.domain, u.avatar_media_id, am.thumb_name AS avatar_name,"
                  " u.profile_url, u.actor_uri, u.avatar_url AS remote_avatar_url")
# Members hidden from the viewer in lists: blocked either way.
BLOCKED_EITHER_WAY = """
    SELECT blocked_id FROM blocks WHERE blocker_id = :viewer
    UNION ALL SELECT blocker_id FROM blocks WHERE blocked_id = :viewer
"""


class NotYourMedia(Exception):
    """The media is missing, not the member's own, or not a finished generation's image."""


def validate_profile(display_name: str, bio: str) -> dict[str, str]:
    """Field -> message code for anything wrong (empty when fine)."""
    errors = {}
    if len(display_name) > DISPLAY_NAME_MAX:
        errors["display_name"] = "display_name_long"
    elif any(ord(ch) < 32 for ch in display_name):
        errors["display_name"] = "display_name_control"
    if len(bio) > BIO_MAX:
        errors["bio"] = "bio_long"
    return errors


def update_profile(conn: sqlite3.Connection, user_id: int, display_name: str, bio: str,
                   avatar: dict | None = None, avatar_media_id: int | None = None) -> None:
    """Save name and bio, and optionally a new avatar (a stored image's names) or an existing media id."""
    with transaction(conn):
        conn.execute("UPDATE users SET display_name = ?, bio = ? WHERE id = ?", (display_name, bio, user_id))
        if avatar is not None:
            avatar_media_id = conn.execute(
                """INSERT INTO media (user_id, generation_id, position, name, thumb_name, width, height,
                                      thumb_width, thumb_height, created_at)
                   VALUES (?, NULL, 0, ?, ?, ?, ?, ?, ?, ?)""",
                (user_id, avatar["name"], avatar["thumb_name"], avatar["width"], avatar["height"],
                 avatar["thumb_width"], avatar["thumb_height"], now()),
            ).lastrowid
        if avatar_media_id is not None:
            conn.execute("UPDATE users SET avatar_media_id = ? WHERE id = ?", (avatar_media_id, user_id))


def remove_avatar(conn: sqlite3.Connection, user_id: int) -> None:
    with transaction(conn):
        conn.execute("UPDATE users SET avatar_media_id = NULL WHERE id = ?", (user_id,))


def avatar_name(conn: sqlite3.Connection, user_id: int) -> str | None:
    """The member's avatar thumbnail name, or None."""
    row = conn.execute(
        "SELECT m.thumb_name FROM users u JOIN media m ON m.id = u.avatar_media_id WHERE u.id = ?", (user_id,)
    ).fetchone()
    return row[0] if row else None


def own_generation_image(conn: sqlite3.Connection, user_id: int, media_id: int) -> sqlite3.Row:
    """One of the member's own finished generation images, or NotYourMedia."""
    row = conn.execute(
        """SELECT m.* FROM media m JOIN generations g ON g.id = m.generation_id
           WHERE m.id = ? AND m.user_id = ? AND g.user_id = ? AND g.status = 'done' AND m.name IS NOT NULL""",
        (media_id, user_id, user_id),
    ).fetchone()
    if row is None:
        raise NotYourMedia(media_id)
    return row


def generation_images(conn: sqlite3.Connection, user_id: int, limit: int = 24) -> list[sqlite3.Row]:
    """The member's most recent finished generation images (for picking an avatar)."""
    return conn.execute(
        """SELECT m.id, m.name, m.thumb_name, m.thumb_width, m.thumb_height, g.prompt
           FROM generations g JOIN media m ON m.generation_id = g.id
           WHERE g.user_id = ? AND g.status = 'done' AND m.name IS NOT NULL
           ORDER BY g.id DESC, m.position LIMIT ?""",
        (user_id, limit),
    ).fetchall()


# --- followers / following -------------------------------------------------------------------

# Keyset-paged by the other member's id (the follows indexes are (followee, follower) and
# (follower, followee), so this order needs no sort and no extra index).
FOLLOWERS_SQL = f"""SELECT {MEMBER_COLUMNS}, f.follower_id AS cursor
    FROM follows f JOIN users u ON u.id = f.follower_id LEFT JOIN media am ON am.id = u.avatar_media_id
    WHERE f.followee_id = :member AND f.follower_id < :before
      AND f.follower_id NOT IN ({BLOCKED_EITHER_WAY})
    ORDER BY f.follower_id DESC LIMIT :limit"""

FOLLOWING_SQL = f"""SELECT {MEMBER_COLUMNS}, f.followee_id AS cursor
    FROM follows f JOIN users u ON u.id = f.followee_id LEFT JOIN media am ON am.id = u.avatar_media_id
    WHERE f.follower_id = :member AND f.followee_id < :before
      AND f.followee_id NOT IN ({BLOCKED_EITHER_WAY})
    ORDER BY f.followee_id DESC LIMIT :limit"""

PEOPLE = {"followers": FOLLOWERS_SQL, "following": FOLLOWING_SQL}


def people(conn: sqlite3.Connection, which: str, member_id: int, viewer_id: int | None,
           before: int | None = None, limit: int = 30) -> tuple[list[dict], int | None]:
    """A page of a member's followers or following: (members, cursor for the next page or None).

    Each member dict carries `following` (does the viewer follow them), read for the whole page at once.
    """
    rows = conn.execute(
        PEOPLE[which], {"member": member_id, "viewer": viewer_id or 0, "before": before or 2**62, "limit": limit}
    ).fetchall()
    members = [dict(row) for row in rows]
    followed: set[int] = set()
    if viewer_id and members:
        ids = [m["id"] for m in members]
        marks = ",".join("?" * len(ids))
        followed = {row[0] for row in conn.execute(
            f"SELECT followee_id FROM follows WHERE follower_id = ? AND followee_id IN ({marks})", [viewer_id, *ids]
        )}
    requested: set[int] = set()
    if viewer_id and members:
        requested = {row[0] for row in conn.execute(
            f"SELECT target_id FROM follow_requests WHERE requester_id = ? AND target_id IN ({marks})",
            [viewer_id, *ids])}
    for member in members:
        member["following"] = member["id"] in followed
        member["requested"] = member["id"] in requested
    cursor = rows[-1]["cursor"] if len(rows) == limit else None
    return members, cursor


# --- blocked and muted -----------------------------------------------------------------------

# (table, column of the member acting, column of the member listed)
_MODERATION_LISTS = {"blocks": ("blocks", "blocker_id", "blocked_id"), "mutes": ("mutes", "muter_id", "muted_id")}


def _moderation_list(conn: sqlite3.Connection, which: str, user_id: int, limit: int) -> list[sqlite3.Row]:
    table, actor, listed = _MODERATION_LISTS[which]
    return conn.execute(
        f"""SELECT {MEMBER_COLUMNS} FROM {table} x JOIN users u ON u.id = x.{listed}
            LEFT JOIN media am ON am.id = u.avatar_media_id
            WHERE x.{actor} = ? ORDER BY x.created_at DESC LIMIT ?""",
        (user_id, limit),
    ).fetchall()


def blocked_members(conn: sqlite3.Connection, user_id: int, limit: int = 500) -> list[sqlite3.Row]:
    """Members this member blocks, most recent first."""
    return _moderation_list(conn, "blocks", user_id, limit)


def muted_members(conn: sqlite3.Connection, user_id: int, limit: int = 500) -> list[sqlite3.Row]:
    """Members this member mutes, most recent first."""
    return _moderation_list(conn, "mutes", user_id, limit)


def member_with_avatar(conn: sqlite3.Connection, user_id: int) -> dict | None:
    """A member row plus avatar_name, for pages that draw them."""
    row = conn.execute(
        f"SELECT {MEMBER_COLUMNS}, u.created_at FROM users u LEFT JOIN media am ON am.id = u.avatar_media_id "
        "WHERE u.id = ?",
        (user_id,),
    ).fetchone()
    return dict(row) if row else None


def set_locale(conn: sqlite3.Connection, user_id: int, locale: str | None) -> None:
    """The member's interface language (None: follow the browser, then the instance default)."""
    with transaction(conn):
        conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))


THEMES = ("light", "dark")


def set_theme(conn: sqlite3.Connection, user_id: int, theme: str | None) -> None:
    """The member's colour theme, 'light' or 'dark' (None: follow the system)."""
    if theme is not None and theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    with transaction(conn):
        conn.execute("UPDATE users SET theme = ? WHERE id = ?", (theme, user_id))
