"""Prompt rules an admin keeps: words or patterns that refuse a prompt, or hold its post for review.

Matching is case-insensitive and Unicode-aware. A word (or phrase) matches on word boundaries, so
"ass" does not catch "class"; but scripts written without spaces (Chinese, Japanese, Thai, ...)
have no word boundaries to look for, so there a word matches wherever it appears. Text and rules
are NFKC-normalised and case-folded first ("ＢＡＤ" and "bad", "Straße" and "STRASSE" are the same).
Patterns are Python regular expressions, matched case-insensitively anywhere in the text.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata

from models import audit
from models.db import now, transaction

ACTIONS = ("refuse", "hold")
PATTERN_MAX = 200

# Letters of scripts that do not separate words with spaces.
_UNSPACED = re.compile(
    "[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"
)


class BadRule(Exception):
    """Carries a message code: 'empty', 'long', 'regex' (with the compiler's complaint), 'duplicate'."""


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


@functools.lru_cache(maxsize=1024)
def compile_rule(pattern: str, is_regex: bool) -> re.Pattern:
    """The compiled matcher of one rule (raises re.error for a bad pattern)."""
    if is_regex:
        return re.compile(pattern, re.IGNORECASE | re.UNICODE)
    word = normalise(pattern).strip()
    words = [re.escape(part) for part in word.split()]
    body = r"\s+".join(words)
    before = "" if _UNSPACED.match(word[:1]) else r"(?<!\w)"
    after = "" if _UNSPACED.match(word[-1:]) else r"(?!\w)"
    return re.compile(before + body + after, re.UNICODE)


def validate(pattern: str, is_regex: bool) -> tuple[str, str] | None:
    """(code, detail) for a rule that cannot be kept, or None."""
    if not pattern.strip():
        return "empty", ""
    if len(pattern) > PATTERN_MAX:
        return "long", ""
    if is_regex:
        try:
            compiled = compile_rule(pattern, True)
        except re.error as exc:
            return "regex", str(exc)
        if compiled.search(""):
            return "regex_empty", ""  # would match every prompt
    return None


def rules(conn: sqlite3.Connection, action: str | None = None) -> list[sqlite3.Row]:
    if action is None:
        return conn.execute(
            "SELECT r.*, u.username AS creator FROM prompt_rules r LEFT JOIN users u ON u.id = r.created_by "
            "ORDER BY r.action, r.pattern").fetchall()
    return conn.execute("SELECT * FROM prompt_rules WHERE action = ? ORDER BY id", (action,)).fetchall()


def add(conn: sqlite3.Connection, actor, pattern: str, is_regex: bool, action: str) -> int:
    """Keep a new rule (validated by the caller with validate()); raises BadRule('duplicate')."""
    if action not in ACTIONS:
        raise ValueError(action)
    pattern = pattern.strip()
    with transaction(conn):
        exists = conn.execute(
            "SELECT 1 FROM prompt_rules WHERE pattern = ? AND is_regex = ? AND action = ?",
            (pattern, int(is_regex), action)).fetchone()
        if exists:
            raise BadRule("duplicate")
        rule_id = conn.execute(
            "INSERT INTO prompt_rules (pattern, is_regex, action, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (pattern, int(is_regex), action, actor["id"], now()),
        ).lastrowid
        audit.record(conn, actor, "add_prompt_rule",
                     detail=f"{action}: {'/' + pattern + '/' if is_regex else pattern}")
        return rule_id


def remove(conn: sqlite3.Connection, actor, rule_id: int) -> bool:
    with transaction(conn):
        row = conn.execute("SELECT * FROM prompt_rules WHERE id = ?", (rule_id,)).fetchone()
        if row is None:
            return False
        conn.execute("DELETE FROM prompt_rules WHERE id = ?", (rule_id,))
        pattern = row["pattern"]
        audit.record(conn, actor, "remove_prompt_rule",
                     detail=f"{row['action']}: {'/' + pattern + '/' if row['is_regex'] else pattern}")
        return True


def matches(patterns: list[tuple[str, bool]], text: str) -> bool:
    """Does any of (pattern, is_regex) match the text?"""
    folded = normalise(text)
    plain = unicodedata.normalize("NFKC", text or "")
    for pattern, is_regex in patterns:
        try:
            matcher = compile_rule(pattern, is_regex)
        except re.error:
            continue  # never stored (validate), but a rule must not break generation
        if matcher.search(plain if is_regex else folded):
            return True
    return False


def check(conn: sqlite3.Connection, action: str, text: str, extra_words: list[str] = ()) -> bool:
    """Does the text meet a rule with this action ('refuse' also counts `extra_words`, e.g. BLOCKED_WORDS)?"""
    patterns = [(row["pattern"], bool(row["is_regex"])) for row in rules(conn, action)]
    patterns += [(word, False) for word in extra_words if word.strip()]
    return matches(patterns, text)
