"""Mentions and hashtags in member text: finding them, and turning text into safe HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

MENTION_RE = re.compile(r"(?<![\w@/])@([a-z0-9_]{2,30})(?![\w@])", re.IGNORECASE)
# A tag starts with a letter (so "#1" is not a tag) and may use any Unicode letter or digit.
TAG_RE = re.compile(r"(?<![\w&#/])#([^\W\d_][\w]{0,49})", re.UNICODE)
URL_RE = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def mentions(text: str) -> list[str]:
    """Lower-cased usernames mentioned, in order, without repeats."""
    return list(dict.fromkeys(name.lower() for name in MENTION_RE.findall(text or "")))


def hashtags(text: str) -> list[str]:
    """Lower-cased tags, in order, without repeats."""
    return list(dict.fromkeys(tag.lower() for tag in TAG_RE.findall(text or "")))


def linkify(text: str, user_url, tag_url, known_users: set[str] | None = None) -> Markup:
    """Escape first, then link @names, #tags and http(s) URLs. Member text never becomes raw HTML.

    user_url(name) and tag_url(tag) build the links; when known_users is given, only those names link.
    """
    escaped = str(escape(text or ""))

    def link_url(match: re.Match) -> str:
        url = match.group(0)
        return f'<a href="{url}" rel="nofollow noopener ugc" target="_blank">{url}</a>'

    def link_mention(match: re.Match) -> str:
        name = match.group(1).lower()
        if known_users is not None and name not in known_users:
            return match.group(0)
        return f'<a class="mention" href="{escape(user_url(name))}">@{match.group(1)}</a>'

    def link_tag(match: re.Match) -> str:
        return f'<a class="hashtag" href="{escape(tag_url(match.group(1).lower()))}">#{match.group(1)}</a>'

    # Split around URLs so mentions/tags inside a URL are left alone.
    pieces = []
    last = 0
    for match in URL_RE.finditer(escaped):
        pieces.append(_link_words(escaped[last:match.start()], link_mention, link_tag))
        pieces.append(link_url(match))
        last = match.end()
    pieces.append(_link_words(escaped[last:], link_mention, link_tag))
    return Markup("".join(pieces))


def _link_words(chunk: str, link_mention, link_tag) -> str:
    chunk = MENTION_RE.sub(link_mention, chunk)
    return TAG_RE.sub(link_tag, chunk)
