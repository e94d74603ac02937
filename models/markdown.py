"""Markdown for text admins write (the instance rules), rendered safely.

CommonMark with raw HTML turned off: `<script>` and every other tag come out as text. markdown-it's
link check refuses `javascript:`, `vbscript:`, `file:` and `data:` targets (those stay plain text).
Images are off: the page's Content-Security-Policy would block other sites' images anyway.
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def to_html(source: str) -> str:
    """Safe HTML for `source` (escape-by-construction: nothing the author wrote becomes markup except Markdown)."""
    return _parser().render(source or "")
