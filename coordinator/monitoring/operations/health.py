"""A feed's health: what its last fetch gave, when it is tried again (later after errors: exponential
backoff, ``Retry-After`` honoured), the problems it had, and whether it counts as working."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.monitoring.models import OutletFeed

MAX_BACKOFF = 24 * 3600
MAX_PROBLEMS = 20
# A feed is working when it answered within this long (or three of its intervals, if longer).
HEALTHY_WITHIN = timedelta(days=2)
STATE_LABELS = {"never": _l("Chưa tải"), "ok": _l("Tải được"), "not_modified": _l("Không có gì mới (304)"),
                "error": _l("Lỗi")}


def note_problem(feed: OutletFeed, code: str, message: str, now: datetime | None = None) -> None:
    """Kept on the feed, newest first (the last ``MAX_PROBLEMS``), for staff to see on the outlet page."""
    entry = {"at": (now or clock.now()).isoformat(), "code": code, "message": message[:500]}
    feed.problems = [entry, *(feed.problems or [])][:MAX_PROBLEMS]


def record_error(feed: OutletFeed, code: str, message: str, *, status: int | None = None,
                 retry_after: int | None = None, now: datetime | None = None) -> None:
    """The fetch failed: recorded on the feed, next try later and later (x2 each time, at most a day)."""
    now = now or clock.now()
    feed.consecutive_errors = (feed.consecutive_errors or 0) + 1
    feed.last_state, feed.last_fetch_at, feed.last_status = "error", now, status
    feed.last_error = f"{code}: {message}"[:2000]
    delay = min(MAX_BACKOFF, feed.interval_seconds * 2 ** min(feed.consecutive_errors, 10))
    if retry_after is not None:
        delay = max(delay, min(retry_after, 7 * 24 * 3600))
    feed.next_fetch_at = now + timedelta(seconds=delay)
    note_problem(feed, code, message, now)
    db.session.flush()


def record_fetched(feed: OutletFeed, *, status: int, etag: str | None, last_modified: str | None,
                   title: str | None = None, now: datetime | None = None) -> None:
    """The fetch answered (200 or 304): errors forgotten, validators kept, next poll one interval on."""
    now = now or clock.now()
    feed.last_state = "not_modified" if status == 304 else "ok"
    feed.last_fetch_at = feed.last_success_at = now
    feed.last_status, feed.last_error, feed.consecutive_errors = status, None, 0
    feed.etag, feed.last_modified = (etag or None), (last_modified or None)
    if title:
        feed.title = title[:500]
    feed.next_fetch_at = now + timedelta(seconds=feed.interval_seconds)
    db.session.flush()


def is_working(feed: OutletFeed, now: datetime | None = None) -> bool:
    """Not paused, fewer than three errors in a row, and answered recently enough (``HEALTHY_WITHIN``)."""
    now = now or clock.now()
    if feed.paused or feed.last_success_at is None or (feed.consecutive_errors or 0) >= 3:
        return False
    return now - feed.last_success_at <= max(HEALTHY_WITHIN, timedelta(seconds=3 * feed.interval_seconds))


def outlet_feed_states(office_id: int) -> dict[int, str]:
    """Per outlet with feeds: ``working`` (one feed at least answers) or ``failing``. Outlets without any
    feed are absent: their coverage must be logged by hand."""
    out: dict[int, str] = {}
    now = clock.now()
    for feed in db.session.scalars(select(OutletFeed).where(OutletFeed.office_id == office_id)):
        if is_working(feed, now):
            out[feed.outlet_id] = "working"
        else:
            out.setdefault(feed.outlet_id, "failing")
    return out


def healthy_outlet_ids(office_id: int) -> set[int]:
    """Outlets whose coverage is found by their feeds: for them "attended but did not cover" is trustworthy."""
    return {outlet_id for outlet_id, state in outlet_feed_states(office_id).items() if state == "working"}

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["HEALTHY_WITHIN", "MAX_BACKOFF", "MAX_PROBLEMS", "STATE_LABELS", "healthy_outlet_ids", "is_working",
    "note_problem", "outlet_feed_states", "record_error", "record_fetched"]
