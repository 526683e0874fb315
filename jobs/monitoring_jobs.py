"""Coverage monitoring jobs: the periodic poll, one fetch job per host, one match job per new item.

- ``poll`` (every 60 s) finds feeds due (``next_fetch_at`` in the database) and enqueues one
  ``fetch_host`` job per host;
- ``fetch_host`` holds a Redis lock for its host (per-host concurrency of one: a host's feeds are
  fetched one after another) and, for each feed still due, fetches it (conditional GET), stores new items,
  extracts article text when the feed carries only a summary, records health; nothing a feed does
  stops the others;
- ``match_item`` proposes briefings for one item; re-running it recomputes pending proposals only;
- ``tone_due`` (every 5 min) proposes a tone for articles that have none (stored before tone existed, or
  lost) and enqueues ``tone_retrain`` for each office with enough new labels; ``tone_retrain`` trains
  that office's next model version from its own labels only.
"""
from __future__ import annotations

import logging

from coordinator.core import clock, tasks, uow
from coordinator.extensions import db
from coordinator.monitoring import extraction, fetch, operations
from coordinator.monitoring.models import FeedItem, OutletFeed
from coordinator.monitoring.parsing import ParseError, parse_feed

log = logging.getLogger(__name__)

HOST_LOCK_TTL = 900
MAX_EXTRACTIONS_PER_FEED = 30


def poll() -> dict[str, list[int]]:
    """Enqueue one fetch job per host with feeds due, and a match job for any item left unmatched."""
    due = operations.due_hosts()
    unmatched = operations.unmatched_item_ids()
    for item_id in unmatched:
        tasks.enqueue("monitoring.match_item", item_id)
    redis = tasks.redis_connection()
    for host, feed_ids in due.items():
        # One job waiting per host at most: a busy queue does not pile up a job per host per minute.
        if redis.set(_queued_key(host), "1", nx=True, ex=HOST_LOCK_TTL):
            tasks.enqueue("monitoring.fetch_host", host, feed_ids)
    return due


def _queued_key(host: str) -> str:
    return f"coordinator:monitoring:queued:{host}"


def fetch_host(host: str, feed_ids: list[int]) -> list[int]:
    """Fetch the host's due feeds one after another; returns the new items' ids."""
    redis = tasks.redis_connection()
    redis.delete(_queued_key(host))
    lock = redis.lock(f"coordinator:monitoring:host:{host}", timeout=HOST_LOCK_TTL, blocking=False)
    if not lock.acquire(blocking=False):
        log.info("host %s is being fetched by another job; its feeds stay due", host)
        return []
    new_ids: list[int] = []
    try:
        for feed_id in feed_ids:
            new_ids.extend(_fetch_one(feed_id, host))
    finally:
        try:
            lock.release()
        except Exception:  # expired: another job may hold it now
            log.warning("host lock for %s expired before release", host)
    for item_id in new_ids:  # saved at each feed's checkpoint
        tasks.enqueue("monitoring.match_item", item_id)
    return new_ids


def _fetch_one(feed_id: int, host: str) -> list[int]:
    feed = db.session.get(OutletFeed, feed_id)
    now = clock.now()
    if feed is None or feed.paused or feed.host != host or (feed.next_fetch_at and feed.next_fetch_at > now):
        return []
    try:
        items = _fetch_feed(feed)
        ids = [item.id for item in items]
    except Exception as exc:  # never let one feed stop the poller: recorded on its health
        log.exception("feed %s failed", feed_id)
        uow.abandon()
        feed = db.session.get(OutletFeed, feed_id)
        if feed is not None:
            operations.record_error(feed, "internal", f"{type(exc).__name__}: {str(exc)[:300]}")
        ids = []
    uow.checkpoint()  # this feed is saved; the next one's fetch holds no write lock
    return ids


def _fetch_feed(feed: OutletFeed) -> list[FeedItem]:
    hosts = operations.allowed_hosts(feed)
    try:
        result = fetch.fetch(feed.url, allowed_hosts=hosts, etag=feed.etag, last_modified=feed.last_modified,
                             accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5")
    except fetch.FetchError as exc:
        operations.record_error(feed, exc.code, exc.message, status=exc.status, retry_after=exc.retry_after)
        return []
    if result.not_modified:
        operations.record_fetched(feed, status=304, etag=result.etag, last_modified=result.last_modified)
        return []
    try:
        parsed = parse_feed(result.body)
    except ParseError as exc:
        operations.record_error(feed, exc.code, exc.message, status=result.status)
        return []
    operations.record_fetched(feed, status=200, etag=result.etag, last_modified=result.last_modified,
                              title=parsed.title)
    items = operations.store_items(feed, parsed)
    for item in items[:MAX_EXTRACTIONS_PER_FEED]:
        _extract(feed, item, hosts)
    db.session.flush()
    return items


def _extract(feed: OutletFeed, item: FeedItem, hosts: set[str]) -> None:
    """The article's text when the feed has only a summary; a failure keeps the summary and is noted."""
    if not extraction.needs_extraction(item.summary, item.text):
        return
    try:
        page = fetch.fetch(item.link, allowed_hosts=hosts, max_bytes=fetch.DEFAULT_MAX_PAGE_BYTES,
                           accept="text/html, application/xhtml+xml")
        text = extraction.extract_text(page.body, item.link)
    except fetch.FetchError as exc:
        operations.note_problem(feed, "article_" + exc.code, f"{item.link[:200]}: {exc.message}")
        return
    if text:
        item.text, item.text_source = text[:200000], "extracted"


def match_item(item_id: int) -> list[int]:
    item = db.session.get(FeedItem, item_id)
    if item is None:
        return []
    proposals = operations.match_item(item)
    db.session.flush()
    return [p.id for p in proposals]



def tone_due() -> dict[str, object]:
    """Tone for articles without one (in batches, saved one batch at a time), then retraining where due."""
    proposed = 0
    while True:
        done = operations.backfill()
        proposed += done
        uow.checkpoint()
        if done < operations.tone.BACKFILL_BATCH:
            break
    offices = operations.offices_due()
    for office_id in offices:
        tasks.enqueue("monitoring.tone_retrain", office_id)
    return {"proposed": proposed, "retrain": offices}


def tone_retrain(office_id: int) -> int | None:
    """The office's next model version (None: too few labels, or retrained meanwhile by another job)."""
    if not operations.due_for_retraining(office_id):
        return None
    row = operations.retrain(office_id)
    return row.version if row is not None else None
