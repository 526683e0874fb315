"""Feeds, items, proposals and decisions. Functions flush, never commit.

Rules kept here:
- a feed belongs to one outlet; its URL is unique per office; it is polled every ``interval_seconds``
  (``next_fetch_at`` in the database is the source of truth), later after errors (exponential backoff,
  ``Retry-After`` honoured);
- an item is one row per normalised URL per office, whichever feeds carried it;
- a confirmed proposal is exactly one ``Coverage`` (``source="feed"``), however often it is confirmed;
- confirmations and rejections teach the office's phrase weights.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coordinator.attendance import operations as attendance
from coordinator.attendance.models import TONES, Coverage
from coordinator.contacts.models import Outlet
from coordinator.contacts.text import fold
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db
from coordinator.monitoring import matching
from coordinator.monitoring.fetch import host_allowed, host_of
from coordinator.monitoring.models import (
    FeedItem,
    MatchProposal,
    MonitoringSettings,
    OutletFeed,
    PhraseWeight,
)
from coordinator.monitoring.parsing import ParsedFeed
from coordinator.offices.models import Office
from coordinator.packs.models import Pack
from coordinator.schedule.models import Briefing

log = logging.getLogger(__name__)

MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 24 * 3600
MAX_BACKOFF = 24 * 3600
MAX_PROBLEMS = 20
# A feed is working when it answered within this long (or three of its intervals, if longer).
HEALTHY_WITHIN = timedelta(days=2)
# Articles announcing a briefing may appear a little before it starts.
EARLY_MARGIN = timedelta(hours=3)
STATUS_LABELS = {"pending": _l("Chờ duyệt"), "confirmed": _l("Đã xác nhận"), "rejected": _l("Đã loại")}
KIND_LABELS = {"title": _l("Tiêu đề"), "agenda": _l("Nội dung"), "pack": _l("Thông cáo"),
               "pack_summary": _l("Tóm tắt thông cáo"), "spokesperson": _l("Người phát ngôn"),
               "policy": _l("Chính sách")}
STATE_LABELS = {"never": _l("Chưa tải"), "ok": _l("Tải được"), "not_modified": _l("Không có gì mới (304)"),
                "error": _l("Lỗi")}


# --- settings ------------------------------------------------------------------------------------------

def settings_for(office_id: int) -> MonitoringSettings:
    row = db.session.get(MonitoringSettings, office_id)
    if row is None:
        row = MonitoringSettings(office_id=office_id, window_days=3, threshold=0.5)
        db.session.add(row)
        db.session.flush()
    return row


def update_settings(office_id: int, data: dict) -> MonitoringSettings:
    row = settings_for(office_id)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "window_days" in data:
        days = parse_id(data["window_days"])
        if days is None or not 1 <= days <= 30:
            errors["window_days"] = _("Số ngày phải từ 1 đến 30.")
        else:
            values["window_days"] = days
    if "threshold" in data:
        try:
            threshold = float(data["threshold"])
        except (TypeError, ValueError):
            threshold = -1.0
        if isinstance(data["threshold"], bool) or not 0.05 <= threshold <= 0.99:
            errors["threshold"] = _("Ngưỡng phải từ 0,05 đến 0,99.")
        else:
            values["threshold"] = threshold
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    audit.record("monitoring.settings", ("monitoring_settings", office_id), office_id=office_id, data=values)
    return row


# --- feeds ---------------------------------------------------------------------------------------------

def feed_url(value: Any) -> str:
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
    minutes = parse_id(value)
    if minutes is None or not MIN_INTERVAL // 60 <= minutes <= MAX_INTERVAL // 60:
        raise ValidationError({"interval_minutes": _("Chu kỳ phải từ 5 đến 1440 phút.")})
    return minutes * 60


def add_feed(outlet: Outlet, data: dict) -> OutletFeed:
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
    feed = OutletFeed(office_id=outlet.office_id, outlet_id=outlet.id, url=url, host=host_of(url),
                      interval_seconds=interval, paused=bool(data.get("paused", False)), next_fetch_at=clock.now(),
                      last_state="never", consecutive_errors=0, items_total=0, problems=[])
    db.session.add(feed)
    db.session.flush()
    audit.record("feed.created", feed, data={"url": url, "outlet_id": outlet.id})
    return feed


def update_feed(feed: OutletFeed, data: dict) -> OutletFeed:
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


def unmatched_item_ids(now: datetime | None = None, grace_seconds: int = 120, limit: int = 200) -> list[int]:
    """Items stored but never matched (their match job was lost with a worker or a flushed Redis).

    The database says what is due: the poll re-enqueues these, and matching is idempotent.
    """
    cutoff = (now or clock.now()) - timedelta(seconds=grace_seconds)
    return list(db.session.scalars(select(FeedItem.id).where(FeedItem.matched_at.is_(None),
                                                             FeedItem.fetched_at <= cutoff)
                                   .order_by(FeedItem.id).limit(limit)))


# --- health --------------------------------------------------------------------------------------------

def note_problem(feed: OutletFeed, code: str, message: str, now: datetime | None = None) -> None:
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


# --- items ---------------------------------------------------------------------------------------------

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
        if not entry.link:
            skipped["no_link"] = skipped.get("no_link", 0) + 1
            continue
        try:
            url = attendance.normalise_url(entry.link)
        except ValidationError:
            skipped["bad_link"] = skipped.get("bad_link", 0) + 1
            continue
        if not host_allowed(host_of(url), hosts):
            skipped["foreign_link"] = skipped.get("foreign_link", 0) + 1
            continue
        if url in seen:
            skipped["duplicate"] = skipped.get("duplicate", 0) + 1
            continue
        seen.add(url)
        if db.session.scalar(select(FeedItem.id).where(FeedItem.office_id == feed.office_id, FeedItem.url == url)):
            continue
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
            continue
        created.append(item)
    messages = {"no_link": "%s item(s) without a link", "bad_link": "%s item(s) with an invalid link",
                "foreign_link": "%s item(s) linking outside the outlet's domains",
                "duplicate": "%s duplicate item(s) in the feed"}
    for code, count in skipped.items():
        note_problem(feed, code, messages[code] % count, now)
    if created:
        feed.last_new_item_at = now
        feed.items_total = (feed.items_total or 0) + len(created)
    db.session.flush()
    return created


# --- matching ------------------------------------------------------------------------------------------

def _title_phrases(briefing: Briefing) -> list[matching.Phrase]:
    phrases = [matching.Phrase("title", briefing.effective_title or "")]
    for line in (briefing.agenda or "").splitlines():
        if line.strip():
            phrases.append(matching.Phrase("agenda", line))
    return phrases


def _pack_phrases(briefing: Briefing) -> list[matching.Phrase]:
    phrases = []
    for title, summary in db.session.execute(select(Pack.title, Pack.summary).where(
            Pack.briefing_id == briefing.id, Pack.office_id == briefing.office_id)):
        phrases.append(matching.Phrase("pack", title))
        if summary:
            phrases.append(matching.Phrase("pack_summary", summary))
    return phrases


def _spokesperson_phrases(briefing: Briefing) -> list[matching.Phrase]:
    raw = (briefing.spokespeople or "").replace(";", "\n")
    return [matching.Phrase("spokesperson", line) for line in raw.splitlines() if line.strip()]


def _policy_phrases(briefing: Briefing) -> list[matching.Phrase]:
    try:
        from coordinator.policies.service import policy_names_for_briefing
    except ImportError:  # the policies module is not installed in this build
        return []
    return [matching.Phrase("policy", name) for name in policy_names_for_briefing(briefing.id) if name]


# Where a briefing's phrases come from; another domain may append its own source.
PHRASE_SOURCES: list[Callable[[Briefing], list[matching.Phrase]]] = [
    _title_phrases, _pack_phrases, _spokesperson_phrases, _policy_phrases]


def phrases_for(briefing: Briefing) -> list[matching.Phrase]:
    return [phrase for source in PHRASE_SOURCES for phrase in source(briefing)]


def learned_weights(office_id: int) -> dict[str, tuple[int, int]]:
    return {row.phrase: (row.confirms, row.rejects)
            for row in db.session.scalars(select(PhraseWeight).where(PhraseWeight.office_id == office_id))}


def generic_pairs(office_id: int) -> set[str]:
    """Pairs of the office's own name (the province): in every article of the province, proof of nothing."""
    office = db.session.get(Office, office_id)
    words = [f for _w, f in matching.tokens(office.name if office else "")]
    return set(matching.pairs_of(words))


def candidates(office_id: int, published_at: datetime, window_days: int) -> list[Briefing]:
    return list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled",
        Briefing.start <= published_at + EARLY_MARGIN,
        Briefing.start >= published_at - timedelta(days=window_days)).order_by(Briefing.start)))


def _rarity(office_id: int, published_at: datetime) -> dict[str, float]:
    """Pair rarity among the office's briefings of the surrounding half year."""
    briefings = db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled",
        Briefing.start >= published_at - timedelta(days=120), Briefing.start <= published_at + timedelta(days=60)))
    profiles = [matching.build_profile(b.id, _title_phrases(b) + _pack_phrases(b)) for b in briefings]
    return matching.rarity(profiles, generic_pairs(office_id))


def match_item(item: FeedItem) -> list[MatchProposal]:
    """Propose the briefing(s) the item likely came of. Idempotent: pending proposals are recomputed,
    decided ones are kept."""
    settings = settings_for(item.office_id)
    briefings = candidates(item.office_id, item.published_at, settings.window_days)
    profiles = [matching.build_profile(b.id, phrases_for(b)) for b in briefings]
    body = " ".join(part for part in (item.summary, item.text) if part)
    found = matching.propose(profiles, item.title, body, _rarity(item.office_id, item.published_at),
                             learned_weights(item.office_id), settings.threshold)
    existing = {p.briefing_id: p for p in db.session.scalars(select(MatchProposal).where(
        MatchProposal.item_id == item.id))}
    if any(p.status == "confirmed" for p in existing.values()):
        item.matched_at = clock.now()
        db.session.flush()
        return [p for p in existing.values() if p.status == "confirmed"]
    kept: list[MatchProposal] = []
    wanted = {p.briefing_id for p in found}
    for briefing_id, row in existing.items():
        if row.status == "pending" and briefing_id not in wanted:
            db.session.delete(row)
    for proposal in found:
        row = existing.get(proposal.briefing_id)
        if row is None:
            row = MatchProposal(office_id=item.office_id, item_id=item.id, briefing_id=proposal.briefing_id,
                                status="pending")
            db.session.add(row)
        if row.status == "pending":
            row.score, row.phrases = proposal.score, proposal.phrases
            kept.append(row)
    item.matched_at = clock.now()
    db.session.flush()
    return kept


# --- decisions -----------------------------------------------------------------------------------------

def learn(office_id: int, keys: list[str], *, confirmed: bool) -> None:
    for key in {k[:255] for k in keys if k}:
        row = db.session.scalar(select(PhraseWeight).where(PhraseWeight.office_id == office_id,
                                                           PhraseWeight.phrase == key))
        if row is None:
            row = PhraseWeight(office_id=office_id, phrase=key, confirms=0, rejects=0)
            db.session.add(row)
        if confirmed:
            row.confirms += 1
        else:
            row.rejects += 1
    db.session.flush()


def _keys(proposal: MatchProposal) -> list[str]:
    return [part for phrase in proposal.phrases or [] for part in phrase.get("parts", [])]


def _tone(value: Any) -> str:
    if value in (None, ""):
        return "neutral"
    if value not in TONES:
        raise ValidationError({"tone": _("Sắc thái phải là một trong: %(choices)s.", choices=", ".join(TONES))})
    return value


def _coverage_for(proposal: MatchProposal, tone: str, user_id: int | None) -> Coverage:
    """The item's coverage record: the existing one (logged by hand, or confirmed before) or a new one."""
    item = proposal.item
    existing = attendance.find_coverage(item.office_id, item.url)
    if existing is not None:
        if existing.briefing_id is None:
            existing.briefing_id = proposal.briefing_id
        return existing
    published_on = item.published_at.astimezone(ZoneInfo(attendance.office_tz(item.office_id))).date()
    try:
        with db.session.begin_nested():
            return attendance.create_coverage(item.office_id, {
                "url": item.url, "outlet_id": item.outlet_id, "briefing_id": proposal.briefing_id,
                "title": item.title[:500], "published_on": published_on.isoformat(), "tone": tone},
                user_id=user_id, source="feed")
    except IntegrityError:  # confirmed at the same moment by someone else
        existing = attendance.find_coverage(item.office_id, item.url)
        if existing is None:
            raise
        return existing


def confirm(proposal: MatchProposal, *, tone: Any = None, user_id: int | None = None) -> Coverage:
    """It becomes (or joins) exactly one coverage record; repeating it changes nothing."""
    tone = _tone(tone)
    if proposal.status == "confirmed" and proposal.coverage_id is not None:
        coverage = db.session.get(Coverage, proposal.coverage_id)
        if coverage is not None:
            return coverage
    coverage = _coverage_for(proposal, tone, user_id)
    if proposal.status != "confirmed":
        learn(proposal.office_id, _keys(proposal), confirmed=True)
    proposal.status, proposal.tone, proposal.coverage_id = "confirmed", tone, coverage.id
    proposal.decided_by_id, proposal.decided_at = user_id, clock.now()
    for other in db.session.scalars(select(MatchProposal).where(MatchProposal.item_id == proposal.item_id,
                                                                MatchProposal.id != proposal.id,
                                                                MatchProposal.status == "pending")):
        other.status, other.decided_by_id, other.decided_at = "rejected", user_id, clock.now()
    db.session.flush()
    audit.record("proposal.confirmed", proposal, data={"briefing_id": proposal.briefing_id,
                                                       "coverage_id": coverage.id, "tone": tone})
    return coverage


def reject(proposal: MatchProposal, *, user_id: int | None = None) -> MatchProposal:
    if proposal.status == "rejected":
        return proposal
    if proposal.status == "confirmed":
        raise ValidationError({"status": _("Đề xuất đã được xác nhận: hãy sửa hoặc xoá tin bài trong danh sách "
                                           "đưa tin.")})
    learn(proposal.office_id, _keys(proposal), confirmed=False)
    proposal.status, proposal.decided_by_id, proposal.decided_at = "rejected", user_id, clock.now()
    db.session.flush()
    audit.record("proposal.rejected", proposal, data={"briefing_id": proposal.briefing_id})
    return proposal


def reassign(proposal: MatchProposal, briefing_id: Any, *, tone: Any = None,
             user_id: int | None = None) -> MatchProposal:
    """The item came of another briefing: this proposal is rejected and the chosen one confirmed."""
    raw = parse_id(briefing_id)  # ints beyond the column's range too: never a database overflow
    briefing = db.session.get(Briefing, raw) if raw is not None else None
    if briefing is None or briefing.office_id != proposal.office_id:
        raise ValidationError({"briefing_id": _("Không tìm thấy buổi họp báo %(value)s.", value=briefing_id)})
    tone = _tone(tone)
    if briefing.id == proposal.briefing_id:
        confirm(proposal, tone=tone, user_id=user_id)
        return proposal
    if proposal.status == "confirmed":
        raise ValidationError({"status": _("Đề xuất đã được xác nhận: hãy sửa tin bài trong danh sách đưa tin.")})
    if proposal.status == "pending":
        reject(proposal, user_id=user_id)
    target = db.session.scalar(select(MatchProposal).where(MatchProposal.item_id == proposal.item_id,
                                                           MatchProposal.briefing_id == briefing.id))
    if target is None:
        target = MatchProposal(office_id=proposal.office_id, item_id=proposal.item_id, briefing_id=briefing.id,
                               score=0.0, phrases=[], status="pending")
        db.session.add(target)
        db.session.flush()
    target.status = "pending" if target.status == "rejected" else target.status
    confirm(target, tone=tone, user_id=user_id)
    audit.record("proposal.reassigned", proposal, data={"from": proposal.briefing_id, "to": briefing.id})
    return target


def bulk(office_id: int, ids: list[Any], action: str, *, tone: Any = None,
         user_id: int | None = None) -> dict[str, int]:
    """Confirm or reject many proposals at once; all checked before anything is written."""
    if action not in ("confirm", "reject"):
        raise ValidationError({"action": _("Thao tác phải là confirm hoặc reject.")})
    parsed = [parse_id(i) for i in ids or []]
    if not parsed or any(i is None for i in parsed):
        raise ValidationError({"ids": _("Hãy chọn ít nhất một đề xuất.")})
    rows = list(db.session.scalars(select(MatchProposal).where(MatchProposal.office_id == office_id,
                                                               MatchProposal.id.in_(parsed))))
    if len(rows) != len(set(parsed)):
        raise ValidationError({"ids": _("Có đề xuất không tìm thấy.")})
    tone = _tone(tone)
    if action == "reject" and any(r.status == "confirmed" for r in rows):
        raise ValidationError({"ids": _("Có đề xuất đã được xác nhận: không loại được.")})
    done = 0
    for row in rows:
        if action == "confirm":
            if row.status == "rejected":
                continue
            confirm(row, tone=tone, user_id=user_id)
        else:
            reject(row, user_id=user_id)
        done += 1
    return {"done": done, "skipped": len(rows) - done}


def counts(office_id: int) -> dict[str, int]:
    rows = db.session.execute(select(MatchProposal.status, func.count()).where(MatchProposal.office_id == office_id)
                              .group_by(MatchProposal.status)).all()
    return {status: int(n) for status, n in rows}


def fold_query(value: str) -> str:
    return fold(value)
