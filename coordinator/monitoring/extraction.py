"""The article's text from its page, with ``trafilatura``, when the feed carries only a summary."""
from __future__ import annotations

import unicodedata

import trafilatura

# A feed whose item text is shorter than this carries a summary, not the article.
SUMMARY_ONLY_BELOW = 600


def needs_extraction(summary: str, content: str) -> bool:
    return len(content or "") < SUMMARY_ONLY_BELOW and len(summary or "") < SUMMARY_ONLY_BELOW


def extract_text(html_bytes: bytes, url: str | None = None) -> str:
    """Main text of an article page (boilerplate, menus, comments dropped); empty when none is found."""
    if not html_bytes:
        return ""
    text = trafilatura.extract(html_bytes, url=url, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=True)
    return unicodedata.normalize("NFC", text or "").strip()
