"""iCalendar feeds (RFC 5545 / 7986) and calendar links for journalists.

A series is ONE VEVENT with its RRULE, EXDATE for dates skipped for a holiday, and a RECURRENCE-ID
override for every occurrence that differs from the rule (moved, cancelled — kept with
STATUS:CANCELLED so clients remove it —, held, or changed by hand). Ad hoc briefings are single
VEVENTs. Bytes are deterministic (DTSTAMP is the item's last modification), so the ETag is a hash of
the bytes and stays put until something in the feed changes.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration, vRecur
from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule import recurrence
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import Briefing, Series

PRODID = "-//Dieu phoi hop bao//Briefing schedule//VI"
FEED_YEARS_AHEAD = 5  # holidays applied (EXDATE / moves) this far beyond today, materialised or not
STATUS_TO_ICAL = {"scheduled": "CONFIRMED", "moved": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass
class FeedContent:
    """What goes into one feed: series (each with its rows) and ad hoc briefings."""

    series: list[Series] = field(default_factory=list)
    rows: dict[int, list[Briefing]] = field(default_factory=dict)
    adhoc: list[Briefing] = field(default_factory=list)

    def last_modified(self) -> datetime | None:
        stamps = [s.last_modified for s in self.series]
        stamps += [row.last_modified for rows in self.rows.values() for row in rows]
        stamps += [b.last_modified for b in self.adhoc]
        return max(stamps) if stamps else None


def needs_override(row: Briefing, series: Series) -> bool:
    return (row.edited or row.status != "scheduled" or row.start != row.recurrence_id
            or row.end != row.recurrence_id + series.duration or row.sequence > series.sequence
            or at_clock_change(row.recurrence_id, series.tz, series.dtstart.time(), series.duration))


def at_clock_change(moment: datetime, tz: ZoneInfo, wall_time: time, duration: timedelta) -> bool:
    """Whether an occurrence meets a clock change of ``tz``: the series' local start time (``wall_time``)
    falls that day in a gap (it does not exist) or a fold (it happens twice), or the meeting spans the
    change. Calendar programs resolve those differently (an hour apart, or a 2-hour meeting shown as 1 or
    3), so the feed spells such an occurrence out, as the schedule resolved it."""
    nominal = datetime.combine(moment.astimezone(tz).date(), wall_time)
    if in_gap(nominal, tz) or in_fold(nominal, tz):
        return True
    return moment.astimezone(tz).utcoffset() != (moment + duration).astimezone(tz).utcoffset()


def nominal_start(recurrence_id: datetime, series: Series) -> datetime:
    """An instance's RECURRENCE-ID as RFC 5545 means it: the rule's own local start that day (02:30, even on
    the day 02:30 does not exist), which is how every calendar program names the instance it expands."""
    tz = series.tz
    return datetime.combine(recurrence_id.astimezone(tz).date(), series.dtstart.time(), tzinfo=tz)


def in_gap(naive: datetime, tz: ZoneInfo) -> bool:
    """A wall-clock time that does not exist in ``tz`` (skipped when the clocks go forward)."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def in_fold(naive: datetime, tz: ZoneInfo) -> bool:
    """A wall-clock time that happens twice in ``tz`` (when the clocks go back)."""
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def _description(text: str | None, online_url: str | None, agenda: str | None = None,
                 spokespeople: str | None = None) -> str | None:
    """The event's DESCRIPTION, labels in the current locale (feeds render in the office's)."""
    parts = [p for p in (text,) if p]
    if agenda:
        parts.append(_("Nội dung: %(agenda)s", agenda=agenda))
    if spokespeople:
        parts.append(_("Người phát ngôn: %(names)s", names=spokespeople))
    if online_url:
        parts.append(_("Tham dự trực tuyến: %(url)s", url=online_url))
    return "\n\n".join(parts) or None


def _location(venue: str | None, online_url: str | None) -> str | None:
    return venue or online_url or None


def _stamp(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _add_common(event: Event, *, online_url: str | None, status: str, is_crisis: bool = False) -> None:
    if online_url:
        event.add("url", online_url)
    event.add("x-coordinator-status", status)
    if is_crisis:
        event.add("priority", 1)


def series_events(series: Series, rows: list[Briefing], days_off: DaysOff, feed_end: datetime) -> list[Event]:
    tz = series.tz
    start = series.start_aware
    modified = _stamp(series.last_modified)
    # DURATION, not DTEND, on the recurring master: an exact length, which every calendar program applies
    # the same way to an occurrence on a day the clocks change.
    master = Event.new(uid=series.uid, summary=series.title, start=start,
                       stamp=modified, last_modified=modified, created=_stamp(series.created_at),
                       sequence=series.sequence, status="CONFIRMED",
                       location=_location(series.venue, series.online_url),
                       description=_description(series.description, series.online_url))
    master.add("duration", series.duration)
    master.add("rrule", vRecur.from_ical(series.rrule))
    _add_common(master, online_url=series.online_url, status="scheduled")
    by_rid = {row.recurrence_id: row for row in rows if row.recurrence_id is not None}
    horizon = series.materialised_until or start.astimezone(UTC)
    planned = recurrence.plan(series.dtstart, series.timezone, series.rrule, series.duration_minutes,
                              series.holiday_policy, days_off, start, max(feed_end, horizon))
    exdates: list[datetime] = []
    overrides: list[Event] = []
    for item in planned:
        row = by_rid.get(item.recurrence_id)
        if row is not None:
            continue
        if item.kind == "skipped":
            exdates.append(nominal_start(item.recurrence_id, series))
        elif (item.kind == "moved" or at_clock_change(item.recurrence_id, tz, series.dtstart.time(),
                                                      series.duration)) and item.recurrence_id >= horizon:
            # beyond the horizon (not a row yet): moved by a holiday, or at a clock change
            override = Event.new(uid=series.uid, summary=series.title, start=_spelt_out(item.start, tz),
                                 end=_spelt_out(item.end, tz), stamp=modified, last_modified=modified,
                                 recurrence_id=nominal_start(item.recurrence_id, series), sequence=series.sequence,
                                 status="CONFIRMED", location=_location(series.venue, series.online_url),
                                 description=_description(series.description, series.online_url))
            _add_common(override, online_url=series.online_url, status=item.kind if item.kind == "moved"
                        else "scheduled")
            overrides.append(override)
    for row in sorted(by_rid.values(), key=lambda r: r.recurrence_id):
        if not needs_override(row, series):
            continue
        row_modified = _stamp(max(row.last_modified, series.last_modified))
        venue, online_url = row.effective_venue, row.effective_online_url
        override = Event.new(uid=series.uid, summary=row.effective_title, start=_spelt_out(row.start, tz),
                             end=_spelt_out(row.end, tz), stamp=row_modified, last_modified=row_modified,
                             recurrence_id=nominal_start(row.recurrence_id, series),
                             sequence=max(row.sequence, series.sequence), status=STATUS_TO_ICAL[row.status],
                             location=_location(venue, online_url),
                             description=_description(series.description, online_url, row.agenda, row.spokespeople))
        _add_common(override, online_url=online_url, status=row.status)
        overrides.append(override)
    if exdates:
        master.add("exdate", exdates)
    return [master, *overrides]


def _spelt_out(moment: datetime, tz: ZoneInfo) -> datetime:
    """A time as the feed writes it: local with its TZID, or in UTC where the local time is ambiguous or
    missing that day (a clock change), so that no calendar program has to guess."""
    local = moment.astimezone(tz)
    naive = local.replace(tzinfo=None)
    return moment.astimezone(UTC) if in_gap(naive, tz) or in_fold(naive, tz) else local


def briefing_event(briefing: Briefing) -> Event:
    tz = ZoneInfo(briefing.timezone)
    modified = _stamp(briefing.last_modified)
    event = Event.new(uid=briefing.uid, summary=briefing.effective_title, start=_spelt_out(briefing.start, tz),
                      end=_spelt_out(briefing.end, tz), stamp=modified, last_modified=modified,
                      created=_stamp(briefing.created_at), sequence=briefing.sequence,
                      status=STATUS_TO_ICAL[briefing.status],
                      location=_location(briefing.effective_venue, briefing.effective_online_url),
                      description=_description(None, briefing.effective_online_url, briefing.agenda,
                                               briefing.spokespeople))
    _add_common(event, online_url=briefing.effective_online_url, status=briefing.status,
                is_crisis=briefing.is_crisis)
    return event


def render(content: FeedContent, *, name: str, uid: str, office: Office, description: str | None = None,
           today: date | None = None) -> bytes:
    """The feed's bytes: deterministic for the same content and day."""
    today = today or clock.today()
    feed_end = datetime(today.year + FEED_YEARS_AHEAD, today.month, min(today.day, 28), tzinfo=UTC)
    modified = content.last_modified()
    cal = Calendar.new(prodid=PRODID, name=name, uid=uid, description=description,
                       refresh_interval=timedelta(hours=1), method="PUBLISH",
                       last_modified=_stamp(modified) if modified else None)
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal.add("x-published-ttl", vDuration(timedelta(hours=1)))
    days_off = DaysOff.for_office(office.id)
    for series in sorted(content.series, key=lambda s: s.id):
        for event in series_events(series, content.rows.get(series.id, []), days_off, feed_end):
            cal.add_component(event)
    for briefing in sorted(content.adhoc, key=lambda b: b.id):
        cal.add_component(briefing_event(briefing))
    earliest = [s.dtstart.date() for s in content.series] + [b.start.date() for b in content.adhoc]
    first = min(earliest) - timedelta(days=366) if earliest else today - timedelta(days=366)
    cal.add_missing_timezones(first_date=max(first, date(1970, 1, 1)))
    _one_rdate_per_line(cal)
    return cal.to_ical()


def _one_rdate_per_line(cal: Calendar) -> None:
    """VTIMEZONE observances with one RDATE property per date: ical.js (Thunderbird's parser) reads
    only the first value of a comma-separated RDATE, which would lose every later DST change."""
    for timezone in cal.walk("VTIMEZONE"):
        for observance in timezone.subcomponents:
            if "RDATE" not in observance:
                continue
            props = observance.pop("RDATE")
            values = [d.dt for prop in (props if isinstance(props, list) else [props]) for d in prop.dts]
            for value in sorted(set(values)):
                observance.add("rdate", value)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


# --- what is in each feed ----------------------------------------------------------------------------

def rows_for(series_ids: Iterable[int]) -> dict[int, list[Briefing]]:
    ids = list(series_ids)
    out: dict[int, list[Briefing]] = {sid: [] for sid in ids}
    if not ids:
        return out
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in db.session.scalars(select(Briefing).where(Briefing.series_id.in_(chunk))):
            out[row.series_id].append(row)
    return out


def public_content(office: Office) -> FeedContent:
    series = list(db.session.scalars(select(Series).where(Series.office_id == office.id, Series.is_public)))
    adhoc = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office.id, Briefing.series_id.is_(None), Briefing.is_public)))
    return FeedContent(series=series, rows=rows_for(s.id for s in series), adhoc=adhoc)


def _audience_filter(office_id: int, test) -> FeedContent:
    series = [s for s in db.session.scalars(select(Series).where(Series.office_id == office_id))
              if test(s.audience or {})]
    adhoc = [b for b in db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.series_id.is_(None))) if test(b.audience or {})]
    return FeedContent(series=series, rows=rows_for(s.id for s in series), adhoc=adhoc)


def beat_content(office_id: int, beat_slug: str) -> FeedContent:
    """Public briefings meant for a beat (their audience names it)."""
    content = _audience_filter(office_id, lambda audience: beat_slug in (audience.get("beats") or []))
    content.series = [s for s in content.series if s.is_public]
    content.rows = {s.id: content.rows[s.id] for s in content.series}
    content.adhoc = [b for b in content.adhoc if b.is_public]
    return content


# --- links for the journalist portal ----------------------------------------------------------------

def webcal_url(https_url: str) -> str:
    """``webcal://`` for a feed URL: calendar apps subscribe instead of downloading once."""
    for scheme in ("https://", "http://"):
        if https_url.startswith(scheme):
            return "webcal://" + https_url[len(scheme):]
    return https_url


def google_subscribe_url(feed_url: str) -> str:
    """Google Calendar's "add by URL" link (it takes webcal:// too)."""
    return "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal_url(feed_url)})


def outlook_subscribe_url(feed_url: str, name: str) -> str:
    """Outlook on the web's "subscribe from web" link."""
    return ("https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed_url, safe="")
            + "&name=" + quote(name, safe=""))


def subscribe_links(feed_url: str, name: str) -> dict[str, str]:
    """Every way to subscribe to a feed, as the staff pages, the portal and the public newsroom offer it."""
    return {"url": feed_url, "webcal": webcal_url(feed_url), "google": google_subscribe_url(feed_url),
            "outlook": outlook_subscribe_url(feed_url, name)}


def google_event_url(briefing: Briefing) -> str:
    """"Add to Google Calendar" for one briefing."""
    fmt = "%Y%m%dT%H%M%SZ"
    params = {"action": "TEMPLATE", "text": briefing.effective_title,
              "dates": f"{briefing.start.astimezone(UTC):{fmt}}/{briefing.end.astimezone(UTC):{fmt}}",
              "location": briefing.effective_venue or briefing.effective_online_url or "",
              "details": briefing.effective_online_url or "", "ctz": briefing.timezone}
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_event_url(briefing: Briefing) -> str:
    """"Add to Outlook" for one briefing."""
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": briefing.effective_title,
              "startdt": briefing.start.astimezone(UTC).isoformat(), "enddt": briefing.end.astimezone(UTC).isoformat(),
              "location": briefing.effective_venue or briefing.effective_online_url or "",
              "body": briefing.effective_online_url or ""}
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(params)
