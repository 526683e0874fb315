"""An outlet's feeds: added, paused, resumed, re-polled and removed by staff; due for a poll when
``next_fetch_at`` (the source of truth, in the database) has passed.

A feed belongs to one outlet and its URL is unique per office.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import Outlet
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.monitoring.fetch import host_of
from coordinator.monitoring.models import OutletFeed

MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 24 * 3600


def feed_url(value: Any) -> str:
    """A feed's address as typed: ``https://`` is assumed when no scheme is given; the host needs a dot."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({"url": _("Địa chỉ nguồn tin là bắt buộc.")})
    if len(text) > 1000 or any(ch.isspace() for ch in text):
        raise ValidationError({"url": _("Địa chỉ nguồn tin không hợp lệ.")})
    if "://" not in text:
        text = "https://" + text
    host = host_of(text)
    if not text.lower().startswith(("http://", "https://")) or not host or "." not in host:
        raise ValidationError({"url": _("Địa chỉ nguồn tin phải là http(s)://tên-miền/…")})
    return text


def _interval(value: Any) -> int:
    """Minutes as typed, in seconds."""
    minutes = parse_id(value)
    if minutes is None or not MIN_INTERVAL // 60 <= minutes <= MAX_INTERVAL // 60:
        raise ValidationError({"interval_minutes": _("Chu kỳ phải từ 5 đến 1440 phút.")})
    return minutes * 60


def _checked(outlet: Outlet, data: dict) -> tuple[str, int]:
    """A new feed's URL and interval; every bad field is reported at once."""
    errors: dict[str, str] = {}
    url = interval = None
    try:
        url = feed_url(data.get("url"))
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        interval = _interval(data.get("interval_minutes", 15))
    except ValidationError as exc:
        errors.update(exc.fields)
    if url and db.session.scalar(select(OutletFeed.id).where(OutletFeed.office_id == outlet.office_id,
                                                             OutletFeed.url == url)):
        errors["url"] = _("Nguồn tin này đã có.")
    if errors:
        raise ValidationError(errors)
    return url, interval


def add_feed(outlet: Outlet, data: dict) -> OutletFeed:
    """A new feed of ``outlet``, due at once."""
    url, interval = _checked(outlet, data)
    feed = OutletFeed(office_id=outlet.office_id, outlet_id=outlet.id, url=url, host=host_of(url),
                      interval_seconds=interval, paused=bool(data.get("paused", False)), next_fetch_at=clock.now(),
                      last_state="never", consecutive_errors=0, items_total=0, problems=[])
    db.session.add(feed)
    db.session.flush()
    audit.record("feed.created", feed, data={"url": url, "outlet_id": outlet.id})
    return feed


def update_feed(feed: OutletFeed, data: dict) -> OutletFeed:
    """A new interval, or paused / resumed (a resumed feed is due at once, its error count forgotten)."""
    changes: dict[str, Any] = {}
    if "interval_minutes" in data:
        changes["interval_seconds"] = _interval(data["interval_minutes"])
    if "paused" in data:
        if not isinstance(data["paused"], bool):
            raise ValidationError({"paused": _("paused phải là true hoặc false.")})
        changes["paused"] = data["paused"]
        if not data["paused"]:
            changes["next_fetch_at"] = clock.now()
            changes["consecutive_errors"] = 0
    for key, value in changes.items():
        setattr(feed, key, value)
    db.session.flush()
    audit.record("feed.updated", feed, data={k: str(v) for k, v in changes.items()})
    return feed


def fetch_now(feed: OutletFeed) -> None:
    """Due at once (the next poll picks it up)."""
    feed.next_fetch_at = clock.now()
    db.session.flush()


def delete_feed(feed: OutletFeed) -> None:
    """The feed goes; the items it found stay."""
    audit.record("feed.deleted", feed, data={"url": feed.url})
    db.session.delete(feed)
    db.session.flush()


def feeds_of(outlet_id: int) -> list[OutletFeed]:
    return list(db.session.scalars(select(OutletFeed).where(OutletFeed.outlet_id == outlet_id).order_by(OutletFeed.id)))


def allowed_hosts(feed: OutletFeed) -> set[str]:
    """Where the feed and its articles may be fetched from: the feed's host and the outlet's domains."""
    hosts = {feed.host}
    hosts.update(d.lower() for d in (feed.outlet.domains or []) if isinstance(d, str))
    if feed.outlet.website:
        hosts.add(host_of(feed.outlet.website))
    return {h for h in hosts if h}


def due_hosts(now: datetime | None = None, limit: int = 500) -> dict[str, list[int]]:
    """Feeds due now (not paused, ``next_fetch_at`` passed), grouped by host, oldest first."""
    now = now or clock.now()
    rows = db.session.execute(select(OutletFeed.id, OutletFeed.host).where(
        OutletFeed.paused.is_(False), (OutletFeed.next_fetch_at.is_(None)) | (OutletFeed.next_fetch_at <= now))
        .order_by(OutletFeed.next_fetch_at, OutletFeed.id).limit(limit)).all()
    out: dict[str, list[int]] = {}
    for feed_id, host in rows:
        out.setdefault(host, []).append(feed_id)
    return out

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["MAX_INTERVAL", "MIN_INTERVAL", "add_feed", "allowed_hosts", "delete_feed", "due_hosts", "feed_url",
    "feeds_of", "fetch_now", "update_feed"]
