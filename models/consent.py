"""Training-data consent: opt-in per member, overridable per post, decided in one place.

A member's `users.training_consent` (0/1, default 0 = opted out) covers all their posts; a post's
`posts.training_consent` (NULL = follow the member, 0/1 = override) wins when set. Nothing is ever
cached: every dataset export asks `consented_posts()` at export time, so revoking consent removes
the member's items from every future export.
"""

from __future__ import annotations

import sqlite3

from models.db import now, transaction

# The one rule, as SQL over `posts p JOIN users u ON u.id = p.user_id`. A post may go into a dataset
# only if it is a local member's picture post (not a repost, not deleted, not hidden or held by
# moderators), the author's account is active, and the author (or the post's override) said yes.
CONSENTED_WHERE = """
    u.domain IS NULL
    AND u.status = 'active'
    AND p.repost_of IS NULL
    AND p.generation_id IS NOT NULL
    AND p.deleted_at IS NULL
    AND p.moderation IS NULL
    AND coalesce(p.training_consent, u.training_consent) = 1
    AND EXISTS (SELECT 1 FROM post_media pm WHERE pm.post_id = p.id)
"""

POST_CHOICES = ("allow", "refuse", "default")


def consented_posts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every post that may go into a training dataset right now, oldest first (one row per post).

    Columns: id and post_id (the same), user_id, username, training_attribution (0/1: the handle
    may be named), prompt, negative_prompt, seed, width, height, style, backend, model ('' when the
    backend did not say), generator_version, like_count, repost_count, remix_count, remix_of,
    created_at (unix seconds), show_prompt, media_names (comma-separated file names, image order).
    A prompt the author hid on the post page comes back as '' (and its negative prompt too):
    consenting to training use of a picture does not publish what the author kept private.
    Images: `post_media_files(conn, post_ids)`.
    """
    return conn.execute(
        f"""SELECT p.id, p.id AS post_id, p.user_id, u.username, u.training_attribution,
                   CASE WHEN p.show_prompt THEN g.prompt ELSE '' END AS prompt,
                   CASE WHEN p.show_prompt THEN g.negative_prompt ELSE '' END AS negative_prompt,
                   g.seed, g.width, g.height, g.style, g.backend,
                   coalesce(json_extract(g.info, '$.model'), '') AS model, g.generator_version,
                   p.like_count, p.repost_count, p.remix_count, p.remix_of, p.show_prompt, p.created_at,
                   (SELECT group_concat(name, ',') FROM (
                        SELECT m.name FROM post_media pm JOIN media m ON m.id = pm.media_id
                        WHERE pm.post_id = p.id AND m.name IS NOT NULL ORDER BY pm.position)) AS media_names
            FROM posts p
            JOIN users u ON u.id = p.user_id
            JOIN generations g ON g.id = p.generation_id
            WHERE {CONSENTED_WHERE}
            ORDER BY p.id"""
    ).fetchall()


def consented_count(conn: sqlite3.Connection) -> tuple[int, int]:
    """(items, members) that `consented_posts()` would return now, for the admin page."""
    row = conn.execute(
        f"""SELECT count(*), count(DISTINCT p.user_id) FROM posts p JOIN users u ON u.id = p.user_id
            WHERE {CONSENTED_WHERE}"""
    ).fetchone()
    return row[0], row[1]


def post_media_files(conn: sqlite3.Connection, post_ids: list[int]) -> dict[int, list[tuple[str, int, int]]]:
    """{post_id: [(media file name, width, height), ...]} in the post's image order (local files only)."""
    found: dict[int, list[tuple[str, int, int]]] = {}
    ids = list(post_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"""SELECT pm.post_id, m.name, m.width, m.height FROM post_media pm JOIN media m ON m.id = pm.media_id
                WHERE pm.post_id IN ({marks}) AND m.name IS NOT NULL ORDER BY pm.post_id, pm.position""",
            chunk,
        ).fetchall()
        for row in rows:
            found.setdefault(row["post_id"], []).append((row["name"], row["width"], row["height"]))
    return found


def post_is_consented(conn: sqlite3.Connection, post_id: int) -> bool:
    """Whether this one post would be in a dataset exported now (the same rule as consented_posts)."""
    row = conn.execute(
        f"SELECT 1 FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = ? AND {CONSENTED_WHERE}",
        (post_id,),
    ).fetchone()
    return row is not None


def member_settings(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    """The member's training_consent, training_attribution and consent_changed_at."""
    return conn.execute(
        "SELECT training_consent, training_attribution, consent_changed_at FROM users WHERE id = ?", (user_id,)
    ).fetchone()


def set_member_consent(conn: sqlite3.Connection, user_id: int, *, consent: bool, attribution: bool) -> None:
    """Opt the member's posts in or out of training use, and allow or refuse naming them."""
    with transaction(conn):
        conn.execute(
            """UPDATE users SET training_consent = ?, training_attribution = ?,
                   consent_changed_at = CASE WHEN training_consent != ? OR training_attribution != ?
                                             THEN ? ELSE consent_changed_at END
               WHERE id = ?""",
            (int(consent), int(attribution), int(consent), int(attribution), now(), user_id),
        )


def set_post_consent(conn: sqlite3.Connection, post_id: int, choice: str) -> None:
    """Override one post: 'allow', 'refuse', or 'default' (follow the member's setting)."""
    value = {"allow": 1, "refuse": 0, "default": None}[choice]
    with transaction(conn):
        conn.execute("UPDATE posts SET training_consent = ? WHERE id = ?", (value, post_id))


def post_state(post_override: int | None, member_consent: int) -> dict:
    """How a post page describes consent: {'allowed': bool, 'choice': allow/refuse/default}."""
    choice = "default" if post_override is None else ("allow" if post_override else "refuse")
    allowed = bool(member_consent if post_override is None else post_override)
    return {"allowed": allowed, "choice": choice}
