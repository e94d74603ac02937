"""Remix lineage: who may remix a post, the chain of ancestors, the tree of descendants,
and the word-level prompt diff on each edge."""

from __future__ import annotations

import difflib
import sqlite3

from models.social import blocked_between, is_following

TREE_DEPTH = 3  # levels of descendants shown on a post page; deeper ones are counted, not drawn

NODE_COLUMNS = """p.id, p.user_id, p.remix_of, p.deleted_at, p.show_prompt, p.remix_count, p.created_at,
    p.moderation, u.status AS author_status, u.username, u.display_name, g.prompt,
    (SELECT m.thumb_name FROM post_media pm JOIN media m ON m.id = pm.media_id
      WHERE pm.post_id = p.id ORDER BY pm.position LIMIT 1) AS thumb_name"""


def can_remix(conn: sqlite3.Connection, viewer_id: int | None, post: dict | sqlite3.Row) -> bool:
    """The post's remix policy, checked on the server: anyone / followers / nobody (the author always may)."""
    if not viewer_id or not post["generation_id"]:
        return False
    if viewer_id == post["user_id"]:
        return True
    if blocked_between(conn, viewer_id, post["user_id"]):
        return False
    policy = post["remix_policy"]
    if policy == "anyone":
        return True
    if policy == "followers":
        return is_following(conn, viewer_id, post["user_id"])
    return False


def policy_allows(policy: str, viewer_id: int | None, author_id: int, viewer_follows_author: bool) -> bool:
    """can_remix() without queries, for feeds that already know who the viewer follows."""
    if not viewer_id:
        return False
    if viewer_id == author_id:
        return True
    return policy == "anyone" or (policy == "followers" and viewer_follows_author)


def ancestors(conn: sqlite3.Connection, post_id: int) -> list[dict]:
    """The remix chain from the root down to this post's parent; deleted posts stay as placeholders."""
    rows = conn.execute(
        f"""WITH RECURSIVE chain(id, depth) AS (
                SELECT remix_of, 1 FROM posts WHERE id = ? AND remix_of IS NOT NULL
                UNION ALL
                SELECT p.remix_of, chain.depth + 1 FROM posts p JOIN chain ON p.id = chain.id
                WHERE p.remix_of IS NOT NULL AND chain.depth < 100
            )
            SELECT {NODE_COLUMNS}, chain.depth FROM chain
            JOIN posts p ON p.id = chain.id JOIN users u ON u.id = p.user_id
            LEFT JOIN generations g ON g.id = p.generation_id
            ORDER BY chain.depth DESC""",
        (post_id,),
    ).fetchall()
    return [_node(row) for row in rows]


def descendants(conn: sqlite3.Connection, post_id: int, depth: int = TREE_DEPTH, per_node: int = 12) -> list[dict]:
    """The tree of remixes under a post, `depth` levels deep; each node knows how many remixes it has."""
    rows = conn.execute(
        f"""WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 1 FROM posts WHERE remix_of = ?
                UNION ALL
                SELECT p.id, tree.depth + 1 FROM posts p JOIN tree ON p.remix_of = tree.id WHERE tree.depth < ?
            )
            SELECT {NODE_COLUMNS}, tree.depth,
                   (SELECT count(*) FROM posts c WHERE c.remix_of = p.id) AS child_count
            FROM tree JOIN posts p ON p.id = tree.id JOIN users u ON u.id = p.user_id
            LEFT JOIN generations g ON g.id = p.generation_id
            ORDER BY tree.depth, p.id""",
        (post_id, depth),
    ).fetchall()
    nodes = {row["id"]: {**_node(row), "children": [], "child_count": row["child_count"], "depth": row["depth"]}
             for row in rows}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node["remix_of"])
        siblings = roots if node["remix_of"] == post_id else (parent["children"] if parent else None)
        if siblings is not None and len(siblings) < per_node:
            siblings.append(node)
    return roots


def all_remixes(conn: sqlite3.Connection, post_id: int, before: int | None, limit: int = 20) -> list[dict]:
    """Every descendant (any depth), newest first, keyset-paged by post id."""
    rows = conn.execute(
        f"""WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 1 FROM posts WHERE remix_of = :post
                UNION ALL
                SELECT p.id, tree.depth + 1 FROM posts p JOIN tree ON p.remix_of = tree.id WHERE tree.depth < 100
            )
            SELECT {NODE_COLUMNS}, tree.depth, parent.show_prompt AS parent_show_prompt, pg.prompt AS parent_prompt
            FROM tree JOIN posts p ON p.id = tree.id JOIN users u ON u.id = p.user_id
            LEFT JOIN generations g ON g.id = p.generation_id
            LEFT JOIN posts parent ON parent.id = p.remix_of
            LEFT JOIN generations pg ON pg.id = parent.generation_id
            WHERE p.id < :before
            ORDER BY p.id DESC LIMIT :limit""",
        {"post": post_id, "before": before or 2**62, "limit": limit},
    ).fetchall()
    nodes = []
    for row in rows:
        node = _node(row)
        node["depth"] = row["depth"]
        node["diff"] = prompt_diff(row["parent_prompt"] if row["parent_show_prompt"] else None, node["prompt"])
        nodes.append(node)
    return nodes


def _node(row: sqlite3.Row) -> dict:
    node = dict(row)
    node["hidden"] = False
    if node["deleted_at"]:
        node.update(prompt=None, thumb_name=None)
    elif node["moderation"] or node["author_status"] != "active":
        # Held or hidden by moderators, or by a suspended member: a placeholder keeps the tree's shape.
        node.update(prompt=None, thumb_name=None, username="", display_name="", hidden=True)
    elif not node["show_prompt"]:
        node["prompt"] = None  # a hidden prompt is never sent to anyone but the author
    return node


def prompt_diff(before: str | None, after: str | None) -> list[tuple[str, str]] | None:
    """Word-level diff: [("same"|"added"|"removed", word), ...]; None when either prompt is hidden."""
    if before is None or after is None:
        return None
    old, new = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(("same", word) for word in old[a1:a2])
        else:
            out.extend(("removed", word) for word in old[a1:a2])
            out.extend(("added", word) for word in new[b1:b2])
    return out


def attach_diffs(parent_prompt: str | None, nodes: list[dict]) -> None:
    """Label every edge of a tree with the diff from its parent's prompt."""
    for node in nodes:
        node["diff"] = prompt_diff(parent_prompt, node["prompt"])
        attach_diffs(node["prompt"], node.get("children", []))
