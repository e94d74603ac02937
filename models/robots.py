"""robots.txt: the crawler policy an admin sets at /admin/settings (issue 8)."""

from __future__ import annotations

# Crawlers that collect pages to train AI models (or to answer from them), by the User-agent
# token their operators document. Blocking them is on by default: members opt in to training
# use (per member and per post), so a crawler must not take what they did not offer.
AI_CRAWLERS = (
    "GPTBot",
    "ChatGPT-User",
    "OAI-SearchBot",
    "CCBot",
    "Google-Extended",
    "anthropic-ai",
    "ClaudeBot",
    "Claude-Web",
    "PerplexityBot",
    "Perplexity-User",
    "Bytespider",
    "Amazonbot",
    "Applebot-Extended",
    "meta-externalagent",
    "meta-externalfetcher",
    "FacebookBot",
    "cohere-ai",
    "cohere-training-data-crawler",
    "Diffbot",
    "ImagesiftBot",
    "Omgilibot",
    "Omgili",
    "YouBot",
    "Timpibot",
    "AI2Bot",
    "Ai2Bot-Dolma",
    "img2dataset",
)

# Pages that are a member's own workspace: never worth indexing, whatever the settings.
PRIVATE_PATHS = ("/studio", "/generations/", "/settings", "/admin", "/notifications", "/bookmarks")


def robots_txt(block_ai_crawlers: bool, hide_from_search: bool) -> str:
    """The robots.txt body for the two settings (one group per AI crawler, then everyone else)."""
    groups = []
    if block_ai_crawlers:
        groups += [f"User-agent: {agent}\nDisallow: /\n" for agent in AI_CRAWLERS]
    if hide_from_search:
        groups.append("User-agent: *\nDisallow: /\n")
    else:
        groups.append("User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in PRIVATE_PATHS) + "Allow: /\n")
    return "\n".join(groups)
