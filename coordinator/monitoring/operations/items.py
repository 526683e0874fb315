"""Items found in feeds: one row per normalised URL per office, whichever feeds carried it; items that
cannot be stored are counted on the feed's health."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coordinator.attendance import operations as attendance
from coordinator.core import clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.monitoring.fetch import host_allowed, host_of
from coordinator.monitoring.models import FeedItem, OutletFeed
from coordinator.monitoring.operations.feeds import allowed_hosts
from coordinator.monitoring.operations.health import note_problem
from coordinator.monitoring.operations.tone import model_for, propose_tone
from coordinator.monitoring.parsing import ParsedFeed, ParsedItem

# Health messages are data for staff who read the feed's log, kept in English like the fetch errors.
SKIPPED_MESSAGES = {"no_link": "%s item(s) without a link", "bad_link": "%s item(s) with an invalid link",
                    "foreign_link": "%s item(s) linking outside the outlet's domains",
                    "duplicate": "%s duplicate item(s) in the feed"}


def _url_or_skip(entry: ParsedItem, hosts: set[str], seen: set[str]) -> tuple[str | None, str | None]:
    """The entry's normalised URL, or why it is skipped (a ``SKIPPED_MESSAGES`` key)."""
    if not entry.link:
        return None, "no_link"
    try:
        url = attendance.normalise_url(entry.link)
    except ValidationError:
        return None, "bad_link"
    if not host_allowed(host_of(url), hosts):
        return None, "foreign_link"
    if url in seen:
        return None, "duplicate"
    return url, None


def _store_one(feed: OutletFeed, entry: ParsedItem, url: str, now: datetime) -> FeedItem | None:
    """The new item, or None when the office already has this URL (from any feed)."""
    if db.session.scalar(select(FeedItem.id).where(FeedItem.office_id == feed.office_id, FeedItem.url == url)):
        return None
    item = FeedItem(office_id=feed.office_id, outlet_id=feed.outlet_id, feed_id=feed.id, url=url,
                    link=entry.link[:1000], guid=entry.guid, title=(entry.title or url)[:500],
                    summary=entry.summary[:20000], text=entry.content[:200000],
                    text_source="feed" if entry.content else "summary",
                    published_at=min(entry.published or now, now), fetched_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(item)
            db.session.flush()
    except IntegrityError:  # the same article stored a moment ago by another feed's job
        return None
    return item


def store_items(feed: OutletFeed, parsed: ParsedFeed, now: datetime | None = None) -> list[FeedItem]:
    """New items of a parsed feed (already known URLs are skipped, also when another feed carried them).
    Items without a link, with a bad link or a link to another site are noted on the feed's health."""
    now = now or clock.now()
    for code, message in parsed.problems:
        note_problem(feed, code, message, now)
    hosts = allowed_hosts(feed)
    created: list[FeedItem] = []
    seen: set[str] = set()
    skipped: dict[str, int] = {}
    for entry in parsed.items:
        url, reason = _url_or_skip(entry, hosts, seen)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        seen.add(url)
        item = _store_one(feed, entry, url, now)
        if item is not None:
            created.append(item)
    model = model_for(feed.office_id) if created else None
    for item in created:  # every article has a proposed tone from the moment it is stored
        propose_tone(item, model)
    for code, count in skipped.items():
        note_problem(feed, code, SKIPPED_MESSAGES[code] % count, now)
    if created:
        feed.last_new_item_at = now
        feed.items_total = (feed.items_total or 0) + len(created)
    db.session.flush()
    return created


def unmatched_item_ids(now: datetime | None = None, grace_seconds: int = 120, limit: int = 200) -> list[int]:
    """Items stored but never matched (their match job was lost with a worker or a flushed Redis).

    The database says what is due: the poll re-enqueues these, and matching is idempotent.
    """
    cutoff = (now or clock.now()) - timedelta(seconds=grace_seconds)
    return list(db.session.scalars(select(FeedItem.id).where(FeedItem.matched_at.is_(None),
                                                             FeedItem.fetched_at <= cutoff)
                                   .order_by(FeedItem.id).limit(limit)))

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["store_items", "unmatched_item_ids"]
