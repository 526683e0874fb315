"""RSS 2.0 and Atom parsed with ``feedparser`` (given the bytes: it never fetches anything itself)."""
from __future__ import annotations

import calendar
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
MAX_ITEMS = 500  # items read from one feed (the rest is noted on the feed's health)


class ParseError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ParsedItem:
    title: str
    link: str | None
    guid: str | None
    summary: str
    content: str
    published: datetime | None


@dataclass
class ParsedFeed:
    title: str
    version: str
    items: list[ParsedItem]
    problems: list[tuple[str, str]] = field(default_factory=list)


def plain(value: str | None) -> str:
    """HTML to plain text: tags dropped, entities decoded, NFC, whitespace collapsed."""
    if not value:
        return ""
    text = html.unescape(_TAGS.sub(" ", value))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def parse_feed(body: bytes) -> ParsedFeed:
    """The feed's items; raises ``ParseError`` when the body is not a feed at all."""
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise ParseError("not_a_feed", f"Not an RSS or Atom feed ({type(reason).__name__ if reason else 'empty'})")
    problems: list[tuple[str, str]] = []
    if parsed.get("bozo") and parsed.entries:
        problems.append(("malformed", "Malformed XML, read leniently"))
    entries = parsed.entries
    if len(entries) > MAX_ITEMS:
        problems.append(("too_many_items", f"{len(entries)} items; only the first {MAX_ITEMS} read"))
        entries = entries[:MAX_ITEMS]
    items = []
    for entry in entries:
        content = " ".join(plain(c.get("value")) for c in entry.get("content", []) if c.get("value"))
        link = (entry.get("link") or "").strip() or None
        items.append(ParsedItem(title=plain(entry.get("title"))[:500], link=link,
                                guid=(entry.get("id") or "").strip()[:1000] or None,
                                summary=plain(entry.get("summary")), content=content, published=_when(entry)))
    return ParsedFeed(title=plain(parsed.feed.get("title"))[:500], version=parsed.get("version") or "", items=items,
                      problems=problems)
