"""Calendar feeds over HTTP: ``/calendar/OFFICE.ics``, ``/calendar/personal/TOKEN.ics``,
``/calendar/OFFICE/beats/BEAT.ics``.

Strong ETag (hash of the bytes) with 304 on If-None-Match; Last-Modified that never goes backwards
(kept per feed in ``feed_state``) with 304 on If-Modified-Since. Rendered bytes are cached per app by
the office's schedule version, so a revalidation costs two small queries; a personal feed's, the most
polled, one (token and schedule version together, on the engine, no ORM session).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from coordinator.core import clock
from coordinator.extensions import csrf, db, limiter
from coordinator.offices.models import Office
from coordinator.schedule import ical
from coordinator.schedule.models import FeedState, JournalistFeedToken, ScheduleState

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
csrf.exempt(bp)
limiter.exempt(bp)

CACHE_SIZE = 512
AUDIENCE_FEED_TTL = 60.0  # personal and beat feeds also depend on contacts: re-render at most every minute


@dataclass
class Rendered:
    fingerprint: tuple
    body: bytes
    etag: str
    last_modified: datetime
    made_at: float
    http_date: str = ""  # Last-Modified as sent, written once per rendering rather than per request

    def __post_init__(self) -> None:
        self.http_date = format_datetime(self.last_modified.astimezone(UTC), usegmt=True)


def _cache() -> tuple[OrderedDict, threading.Lock]:
    store = current_app.extensions.setdefault("schedule_feed_cache", (OrderedDict(), threading.Lock()))
    return store


def _fingerprint(office_id: int) -> tuple:
    state = db.session.get(ScheduleState, office_id)
    version = (state.version, state.changed_at) if state is not None else (0, None)
    return (*version, clock.today())


_tokens = JournalistFeedToken.__table__
_states = ScheduleState.__table__
# One indexed lookup answers a revalidation: is the token live, whose feed is it, and the office's schedule
# version (what the cached bytes are keyed by). Core, not the ORM: a 304 builds no objects.
PERSONAL_LOOKUP = (
    select(_tokens.c.id, _tokens.c.office_id, _tokens.c.journalist_id, _tokens.c.last_used_at,
           _states.c.version, _states.c.changed_at)
    .select_from(_tokens.outerjoin(_states, _states.c.office_id == _tokens.c.office_id))
    .where(_tokens.c.token_hash == bindparam("token_hash"), _tokens.c.revoked_at.is_(None))
)
TOUCH_TOKEN = update(_tokens).where(_tokens.c.id == bindparam("token_id")).values(
    last_used_at=bindparam("now"))


def _monotonic_last_modified(key: str, office: Office, etag: str, newest: datetime | None) -> datetime:
    newest = (newest or office.created_at).replace(microsecond=0)
    state = db.session.get(FeedState, key)
    if state is not None and state.etag == etag:
        return state.last_modified
    try:
        with db.session.begin_nested():  # saved with the request; a clash with another worker stays local
            if state is None:
                value = newest
                db.session.add(FeedState(key=key, office_id=office.id, etag=etag, last_modified=value))
            else:
                value = max(newest, state.last_modified + timedelta(seconds=1))
                value = min(value, max(clock.now().replace(microsecond=0),
                                       state.last_modified + timedelta(seconds=1)))
                state.etag = etag
                state.last_modified = value
    except IntegrityError:  # another worker wrote it first: theirs is as good
        state = db.session.get(FeedState, key, populate_existing=True)
        return state.last_modified if state is not None else value
    return value


@dataclass
class FeedSpec:
    office: Office
    content: ical.FeedContent
    name: str
    uid: str
    description: str | None = None


def feed(key: str, office_id: int, build: Callable[[], FeedSpec], *, ttl: float | None = None,
         private: bool = False, fingerprint: tuple | None = None) -> Response:
    """Answer one feed request: cached bytes when nothing changed (two small queries in all, or none
    when the caller read the schedule version already and passes ``fingerprint``), else render; then the
    conditionals."""
    store, lock = _cache()
    if fingerprint is None:
        fingerprint = _fingerprint(office_id)
    with lock:
        cached = store.get(key)
    stale = cached is None or cached.fingerprint != fingerprint or (ttl and time.monotonic() - cached.made_at > ttl)
    if stale or not current_app.config.get("SCHEDULE_FEED_CACHE", True):
        # A feed has no reader's locale: its words are in the office's language (Vietnamese by default),
        # whatever the request says, so the bytes (and the ETag) stay the same for everyone.
        with force_locale(feed_locale(db.session.get(Office, office_id))):
            spec = build()
            body = ical.render(spec.content, name=spec.name, uid=spec.uid, office=spec.office,
                               description=spec.description)
        etag = ical.etag_of(body)
        last_modified = _monotonic_last_modified(key, spec.office, etag, spec.content.last_modified())
        cached = Rendered(fingerprint, body, etag, last_modified, time.monotonic())
        with lock:
            store[key] = cached
            store.move_to_end(key)
            while len(store) > CACHE_SIZE:
                store.popitem(last=False)
    return _conditional(cached, private=private, filename=f"{key.split(':')[0]}.ics")


def feed_locale(office: Office | None) -> str:
    """The language of a feed's words: the office's, else Vietnamese."""
    languages = current_app.config.get("LANGUAGES") or ("vi",)
    locale = office.locale if office is not None else None
    return locale if locale in languages else "vi"


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [part.strip() for part in header.split(",")]
    return "*" in candidates or etag in candidates or ("W/" + etag) in candidates


def _conditional(cached: Rendered, *, private: bool, filename: str) -> Response:
    headers = {
        "ETag": cached.etag,
        "Last-Modified": cached.http_date,
        "Cache-Control": ("private" if private else "public") + ", max-age=300",
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if _etag_matches(if_none_match, cached.etag):
            return Response(status=304, headers=headers)
    else:
        since = request.headers.get("If-Modified-Since")
        if since:
            try:
                parsed = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                parsed = None
            if parsed is not None and parsed.tzinfo is not None and \
                    cached.last_modified.replace(microsecond=0) <= parsed:
                return Response(status=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(cached.body, status=200, headers=headers, content_type="text/calendar; charset=utf-8")


def _office(slug: str) -> Office:
    office = db.session.scalar(select(Office).where(Office.slug == slug))
    if office is None or not office.public_page:
        abort(404)
    return office


@bp.get("/<office_slug>.ics")
def office_feed(office_slug: str):
    office = _office(office_slug)
    return feed(f"public:{office.id}", office.id, lambda: FeedSpec(
        office, ical.public_content(office), name=_("Lịch họp báo – %(office)s", office=office.name),
        uid=f"public-{office.slug}@briefings",
        description=_("Lịch họp báo công khai của %(office)s", office=office.name)))


@bp.get("/<office_slug>/beats/<beat_slug>.ics")
def beat_feed(office_slug: str, beat_slug: str):
    from coordinator.contacts.models import Beat

    office = _office(office_slug)
    beat = db.session.scalar(select(Beat).where(Beat.office_id == office.id, Beat.slug == beat_slug))
    if beat is None:
        abort(404)
    return feed(f"beat:{office.id}:{beat.slug}", office.id, lambda: FeedSpec(
        office, ical.beat_content(office.id, beat.slug),
        name=_("Lịch họp báo – %(beat)s – %(office)s", beat=beat.name, office=office.name),
        uid=f"beat-{beat.slug}-{office.slug}@briefings"), ttl=AUDIENCE_FEED_TTL)
