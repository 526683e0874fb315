"""Every report query, as SQL aggregates (GROUP BY in the database; Python only merges a few grouped rows).

Definitions (the tests recompute each from raw rows):
- A period is ``[start, end]`` in local dates of the office (``end`` inclusive). The briefings in it are
  the office's briefings that started in it, have started already, and were not cancelled.
- *invited*: (briefing, journalist) pairs with an invitation to the briefing (its series' invitation,
  or the ad hoc briefing's) not cancelled before the briefing started. Counted for the outlet the
  journalist belonged to on the briefing's day (``contacts.operations.outlet_on``, in SQL).
- *accepted*: invited pairs whose answer for that briefing is "accepted" (an answer for the one
  occurrence wins over the answer for the series).
- *attended*: attendance rows of those briefings (walk-ins included), for the outlet stored at check-in.
- *rate* = attended / invited, capped to 1 (walk-ins may outnumber the invited), 0 when nobody was invited.
- *no_shows*: accepted and absent; *walk_ins*: present without an invitation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    and_,
    bindparam,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import aliased

from coordinator.attendance.models import TONES, Attendance, Coverage, Question
from coordinator.contacts.models import Journalist, JournalistOutletHistory, Outlet
from coordinator.contacts.operations import KIND_LABELS, LEVEL_LABELS
from coordinator.core import clock
from coordinator.core.dates import parse_day
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import Invitation, OccurrenceRsvp
from coordinator.schedule.models import Briefing

ATTENDANCE_DIMENSIONS = ("outlet", "journalist", "month", "level", "kind", "briefing")
COVERAGE_DIMENSIONS = ("outlet", "briefing", "month", "level", "kind")
QUESTION_DIMENSIONS = ("briefing", "month", "outlet")
MAX_PERIOD_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    tz: str

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(0), ZoneInfo(self.tz)).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(0), ZoneInfo(self.tz)).astimezone(UTC)

    @property
    def offset_minutes(self) -> int:
        """The zone's offset (fixed for Vietnam; for zones with summer time, the one at the start)."""
        moment = datetime.combine(self.start, time(12), ZoneInfo(self.tz))
        return int(moment.utcoffset().total_seconds() // 60)

    def months(self) -> list[str]:
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def default_period(tz: str, today: date | None = None) -> Period:
    """The last 12 months: from the first day of the month eleven months ago to today."""
    today = today or clock.today(tz)
    year, month = today.year, today.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today, tz)


def parse_period(raw_from: Any, raw_to: Any, tz: str, *, today: date | None = None) -> Period:
    """``from``/``to`` as YYYY-MM-DD (``to`` inclusive); missing ones default to the last 12 months."""
    errors: dict[str, str] = {}
    default = default_period(tz, today)
    values: dict[str, date] = {}
    for key, raw, fallback in (("from", raw_from, default.start), ("to", raw_to, default.end)):
        if raw in (None, ""):
            values[key] = fallback
            continue
        try:
            values[key] = parse_day(raw)
        except ValueError:
            errors[key] = _("Ngày không hợp lệ: %(value)s (định dạng YYYY-MM-DD).", value=str(raw)[:40])
    if not errors:
        if values["to"] < values["from"]:
            errors["to"] = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        elif (values["to"] - values["from"]).days > MAX_PERIOD_DAYS:
            errors["to"] = _("Khoảng thời gian tối đa 10 năm.")
    if errors:
        raise ValidationError(errors)
    return Period(values["from"], values["to"], tz)


# --- dialect helpers ----------------------------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _shifted(column, minutes: int):
    if _dialect() == "sqlite":
        return func.datetime(column, f"{minutes:+d} minutes")
    return column + literal(timedelta(minutes=minutes))


def local_day(column, minutes: int):
    """The local date of a UTC timestamp column, comparable with Date columns."""
    if _dialect() == "sqlite":
        return func.date(column, f"{minutes:+d} minutes")
    return cast(column + literal(timedelta(minutes=minutes)), Date)


def local_month(column, minutes: int):
    if _dialect() == "sqlite":
        return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
    return func.to_char(column + literal(timedelta(minutes=minutes)), "YYYY-MM")


def date_month(column):
    if _dialect() == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def fast_plans() -> None:
    """PostgreSQL's JIT compiles these short report queries (their correlated subqueries look costly to
    the planner) and spends more time compiling than running them: off for this transaction."""
    if _dialect() == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- building blocks -----------------------------------------------------------------------------------

def briefings_in(office_id: int, period: Period, now: datetime | None = None):
    """Subquery: the period's briefings (started, not cancelled) with their local day and month."""
    return _briefings(office_id, period.start_utc, period.end_utc, now or clock.now(), period.offset_minutes)


def _briefings(office_id, start_utc, end_utc, now, minutes: int):
    """``briefings_in`` with its values given one by one: values, or ``bindparam``s for a statement
    built once and run many times."""
    return (select(Briefing.id.label("id"), Briefing.series_id.label("series_id"), Briefing.start.label("start"),
                   local_day(Briefing.start, minutes).label("day"),
                   local_month(Briefing.start, minutes).label("month"))
            .where(Briefing.office_id == office_id, Briefing.status != "cancelled",
                   Briefing.start >= start_utc, Briefing.start < end_utc, Briefing.start <= now)
            .subquery("b"))


def outlet_on_sql(journalist_id_col, day_col):
    """SQL for ``contacts.operations.outlet_on``: the period holding the day (the latest one if several),
    else the first period if the day is before it, else the journalist's current outlet."""
    h = aliased(JournalistOutletHistory)
    h2 = aliased(JournalistOutletHistory)
    h3 = aliased(JournalistOutletHistory)
    during = (select(h.outlet_id).where(h.journalist_id == journalist_id_col, h.valid_from <= day_col,
                                        or_(h.valid_to.is_(None), h.valid_to >= day_col))
              .order_by(h.valid_from.desc()).limit(1).correlate_except(h).scalar_subquery())
    first = (select(h2.outlet_id).where(h2.journalist_id == journalist_id_col, h2.valid_from > day_col,
                                        ~exists().where(h3.journalist_id == journalist_id_col,
                                                        h3.valid_from <= day_col).correlate_except(h3))
             .order_by(h2.valid_from).limit(1).correlate_except(h2, h3).scalar_subquery())
    current = (select(Journalist.outlet_id).where(Journalist.id == journalist_id_col)
               .correlate_except(Journalist).scalar_subquery())
    return func.coalesce(during, first, current)


def invited_rows(office_id: int, period: Period, now: datetime | None = None):
    """Subquery: one row per invited (briefing, journalist): effective answer, outlet on the day,
    whether present."""
    return _invited_from(briefings_in(office_id, period, now))


def _invited_from(b):
    parts = []
    probes = _dialect() == "sqlite"
    # Each invited row needs its occurrence answer and whether the journalist was there; both are unique
    # lookups, by (invitation, briefing) and (briefing, journalist). PostgreSQL: the answers and attendance
    # rows are taken from the period's briefings only (an index range per briefing) and joined by hash;
    # an outer join straight onto the tables led its planner to hash the whole attendance table (the
    # report was 5-7x the hand-written query). SQLite runs nested loops anyway: a correlated probe per row
    # is its fastest form. Same rows, same numbers.
    occurrence = (select(OccurrenceRsvp.invitation_id, OccurrenceRsvp.briefing_id, OccurrenceRsvp.rsvp)
                  .join(b, OccurrenceRsvp.briefing_id == b.c.id).subquery("occ"))
    attended = (select(Attendance.briefing_id, Attendance.journalist_id)
                .join(b, Attendance.briefing_id == b.c.id).subquery("pres"))
    for join_on in (Invitation.series_id == b.c.series_id, Invitation.briefing_id == b.c.id):
        query = select(b.c.id.label("briefing_id"), Invitation.journalist_id.label("journalist_id"),
                       b.c.day.label("day"), b.c.month.label("month"))
        if probes:
            occ, a = aliased(OccurrenceRsvp), aliased(Attendance)
            answer = (select(occ.rsvp).where(occ.invitation_id == Invitation.id, occ.briefing_id == b.c.id)
                      .correlate(Invitation, b).scalar_subquery())
            present = exists().where(a.briefing_id == b.c.id, a.journalist_id == Invitation.journalist_id) \
                .correlate(Invitation, b)
            query = query.add_columns(func.coalesce(answer, Invitation.rsvp).label("rsvp"),
                                      case((present, 1), else_=0).label("present"))
        else:
            occ, a = occurrence.alias(), attended.alias()
            query = query.add_columns(func.coalesce(occ.c.rsvp, Invitation.rsvp).label("rsvp"),
                                      case((a.c.briefing_id.is_(None), 0), else_=1).label("present"))
        query = (query.select_from(b)
                 # No office condition on the invitation: the briefing's is enough, and it would lead the
                 # planner to the (office, journalist) index instead of the series / briefing one.
                 .join(Invitation, and_(join_on, or_(Invitation.cancelled_at.is_(None),
                                                     Invitation.cancelled_at > b.c.start))))
        if not probes:
            query = (query.outerjoin(occ, and_(occ.c.invitation_id == Invitation.id, occ.c.briefing_id == b.c.id))
                     .outerjoin(a, and_(a.c.briefing_id == b.c.id, a.c.journalist_id == Invitation.journalist_id)))
        parts.append(query)
    base = union_all(*parts).subquery("inv")
    return (select(base.c.briefing_id, base.c.journalist_id, base.c.month, base.c.rsvp, base.c.present,
                   outlet_on_sql(base.c.journalist_id, base.c.day).label("outlet_id"))
            .select_from(base)
            .subquery("invited"))


def attendance_rows(office_id: int, period: Period, now: datetime | None = None):
    """Subquery: one row per attendance in the period's briefings, and whether it was invited."""
    return _attendance_from(briefings_in(office_id, period, now))


def _attendance_from(b):
    not_cancelled = or_(Invitation.cancelled_at.is_(None), Invitation.cancelled_at > b.c.start)
    # Two EXISTS, each on its own unique index, rather than one with an OR across both columns.
    invited = or_(
        exists().where(Invitation.journalist_id == Attendance.journalist_id,
                       Invitation.series_id == b.c.series_id, not_cancelled),
        exists().where(Invitation.journalist_id == Attendance.journalist_id,
                       Invitation.briefing_id == b.c.id, not_cancelled))
    return (select(Attendance.briefing_id, Attendance.journalist_id, Attendance.outlet_id, Attendance.mode,
                   b.c.month, case((invited, 1), else_=0).label("invited"))
            .select_from(b).join(Attendance, Attendance.briefing_id == b.c.id)  # the briefings scope the office
            .subquery("att"))


def _group(dimension: str, rows) -> tuple[list, list]:
    """(columns to select, joins) that group ``rows`` (a subquery with outlet_id/journalist_id/month/
    briefing_id) by ``dimension``; the first column is the key."""
    if dimension == "outlet":
        return [rows.c.outlet_id.label("key")], []
    if dimension == "journalist":
        return [rows.c.journalist_id.label("key")], []
    if dimension == "month":
        return [rows.c.month.label("key")], []
    if dimension == "briefing":
        return [rows.c.briefing_id.label("key")], []
    if dimension in ("level", "kind"):
        return [getattr(Outlet, dimension).label("key")], [(Outlet, Outlet.id == rows.c.outlet_id)]
    raise ValueError(dimension)


def _grouped(rows, dimension: str, measures: list):
    columns, joins = _group(dimension, rows)
    query = select(*columns, *measures).select_from(rows)
    for target, on in joins:
        query = query.join(target, on)
    return query.group_by(columns[0])


# --- attendance ----------------------------------------------------------------------------------------

def attendance_report(office_id: int, period: Period, by: str = "outlet",
                      now: datetime | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, invited, accepted, attended, rate, no_shows, walk_ins, online}``."""
    if by not in ATTENDANCE_DIMENSIONS:
        raise ValidationError({"by": _("by phải là một trong: %(choices)s.", choices=", ".join(ATTENDANCE_DIMENSIONS))})
    fast_plans()
    invited_q, attended_q = _attendance_statements(by, period.offset_minutes)
    params = {"office_id": office_id, "start_utc": period.start_utc, "end_utc": period.end_utc,
              "now": now or clock.now()}
    merged: dict[Any, dict[str, Any]] = {}
    blank = {"invited": 0, "accepted": 0, "attended": 0, "no_shows": 0, "walk_ins": 0, "online": 0,
             "attended_invited": 0}
    for row in db.session.execute(invited_q, params).mappings():
        merged.setdefault(row["key"], dict(blank)).update(
            invited=row["invited"], accepted=row["accepted"], no_shows=row["no_shows"],
            attended_invited=row["attended_invited"])
    for row in db.session.execute(attended_q, params).mappings():
        merged.setdefault(row["key"], dict(blank)).update(
            attended=row["attended"], walk_ins=row["walk_ins"], online=row["online"])
    if by == "month":
        for month in period.months():
            merged.setdefault(month, dict(blank))
    labels = _labels(by, list(merged))
    items = []
    for key, values in merged.items():
        values = {k: int(v) for k, v in values.items()}
        items.append({"key": _key(key), **labels.get(key, {"label": str(key)}), **values,
                      "rate": rate(values["attended"], values["invited"])})
    return sort_items(items, by)


_STATEMENTS: dict[tuple, tuple] = {}


def _attendance_statements(by: str, minutes: int) -> tuple:
    """The two grouped queries of ``attendance_report``, built once per (database, dimension, zone offset)
    with the office, period and now as bound parameters: building these expressions cost more Python time
    than the database spent running them."""
    key = (_dialect(), by, minutes)
    cached = _STATEMENTS.get(key)
    if cached is None:
        def b():
            return _briefings(bindparam("office_id"), bindparam("start_utc"), bindparam("end_utc"),
                              bindparam("now"), minutes)

        inv, att = _invited_from(b()), _attendance_from(b())
        accepted = inv.c.rsvp == "accepted"
        invited_q = _grouped(inv, by, [func.count().label("invited"), _sum(accepted).label("accepted"),
                                       _sum(and_(accepted, inv.c.present == 0)).label("no_shows"),
                                       _sum(inv.c.present == 1).label("attended_invited")])
        attended_q = _grouped(att, by, [func.count().label("attended"),
                                        _sum(att.c.invited == 0).label("walk_ins"),
                                        _sum(att.c.mode == "online").label("online")])
        cached = _STATEMENTS[key] = (invited_q, attended_q)
    return cached


def rate(attended: int, invited: int) -> float:
    if not invited:
        return 0.0
    return round(min(1.0, attended / invited), 4)


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else value


def sort_items(items: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    if by == "month":
        return sorted(items, key=lambda i: str(i["key"]))
    if by == "briefing":
        return sorted(items, key=lambda i: (i.get("start") or "", i["key"]))
    return sorted(items, key=lambda i: (-i.get("invited", 0), -i.get("attended", i.get("total", 0)),
                                        str(i["label"]).lower(), str(i["key"])))




def _labels(by: str, keys: list) -> dict[Any, dict[str, Any]]:
    ids = [k for k in keys if k is not None]
    if by == "outlet":
        return {row.id: {"label": row.name, "level": row.level, "kind": row.kind}
                for row in db.session.execute(select(Outlet.id, Outlet.name, Outlet.level, Outlet.kind)
                                              .where(Outlet.id.in_(ids)))}
    if by == "journalist":
        return {row.id: {"label": row.full_name, "outlet": row.name}
                for row in db.session.execute(select(Journalist.id, Journalist.full_name, Outlet.name)
                                              .join(Outlet, Outlet.id == Journalist.outlet_id)
                                              .where(Journalist.id.in_(ids)))}
    if by == "briefing":
        out = {}
        for row in db.session.scalars(select(Briefing).where(Briefing.id.in_(ids))):
            out[row.id] = {"label": row.effective_title, "start": row.start.isoformat()}
        return out
    if by == "month":
        return {k: {"label": f"{str(k)[5:7]}/{str(k)[:4]}"} for k in ids}
    if by == "level":
        return {k: {"label": str(LEVEL_LABELS.get(k, k))} for k in ids}
    if by == "kind":
        return {k: {"label": str(KIND_LABELS.get(k, k))} for k in ids}
    return {}


def totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("invited", "accepted", "attended", "no_shows", "walk_ins", "online")
    out = {key: sum(int(i.get(key, 0)) for i in items) for key in keys}
    out["rate"] = rate(out["attended"], out["invited"])
    return out


def briefings_count(office_id: int, period: Period, now: datetime | None = None) -> int:
    b = briefings_in(office_id, period, now)
    return db.session.scalar(select(func.count()).select_from(b)) or 0


# --- coverage ------------------------------------------------------------------------------------------

def _coverage_in(office_id: int, period: Period):
    """Subquery: coverage published in the period, with its month."""
    return (select(Coverage.id, Coverage.outlet_id, Coverage.briefing_id, Coverage.tone, Coverage.kind.label("ckind"),
                   date_month(Coverage.published_on).label("month"))
            .where(Coverage.office_id == office_id, Coverage.published_on >= period.start,
                   Coverage.published_on <= period.end)
            .subquery("cov"))


def _tone_measures(rows) -> list:
    return [func.count().label("total"), *[_sum(rows.c.tone == tone).label(tone) for tone in TONES],
            _sum(rows.c.ckind == "broadcast").label("broadcast")]


def coverage_report(office_id: int, period: Period, by: str = "outlet",
                    now: datetime | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, total, positive, neutral, negative, broadcast}``; by briefing the coverage
    linked to the period's briefings (whenever published), otherwise coverage published in the period."""
    if by not in COVERAGE_DIMENSIONS:
        raise ValidationError({"by": _("by phải là một trong: %(choices)s.", choices=", ".join(COVERAGE_DIMENSIONS))})
    fast_plans()
    if by == "briefing":
        b = briefings_in(office_id, period, now)
        rows = (select(Coverage.id, Coverage.outlet_id, Coverage.briefing_id, Coverage.tone,
                       Coverage.kind.label("ckind"), b.c.month)
                .join(b, b.c.id == Coverage.briefing_id).where(Coverage.office_id == office_id).subquery("cov"))
        attended = (select(Attendance.briefing_id.label("key"), func.count(distinct(Attendance.outlet_id)).label("n"))
                    .join(b, b.c.id == Attendance.briefing_id).group_by(Attendance.briefing_id))
        attended_outlets = {row.key: row.n for row in db.session.execute(attended)}
        covering = {row.key: row.n for row in db.session.execute(
            select(rows.c.briefing_id.label("key"), func.count(distinct(rows.c.outlet_id)).label("n"))
            .group_by(rows.c.briefing_id))}
        keys = list(db.session.scalars(select(b.c.id)))
    else:
        rows = _coverage_in(office_id, period)
        attended_outlets, covering, keys = {}, {}, []
    blank = {"total": 0, **{tone: 0 for tone in TONES}, "broadcast": 0}
    merged: dict[Any, dict[str, Any]] = {key: dict(blank) for key in keys}
    for row in db.session.execute(_grouped(rows, by, _tone_measures(rows))).mappings():
        merged[row["key"]] = {k: int(row[k]) for k in blank}
    if by == "month":
        for month in period.months():
            merged.setdefault(month, dict(blank))
    labels = _labels(by, list(merged))
    items = []
    for key, values in merged.items():
        item = {"key": _key(key), **labels.get(key, {"label": str(key)}), **values}
        if by == "briefing":
            item["outlets_attended"] = int(attended_outlets.get(key, 0))
            item["outlets_covering"] = int(covering.get(key, 0))
        items.append(item)
    if by in ("month", "briefing"):
        return sort_items(items, by)
    return sorted(items, key=lambda i: (-i["total"], str(i["label"]).lower()))


def attended_not_covered(office_id: int, period: Period, now: datetime | None = None) -> list[dict[str, Any]]:
    """(briefing, outlet) pairs: the outlet was present and published nothing linked to that briefing."""
    b = briefings_in(office_id, period, now)
    covered = exists().where(Coverage.briefing_id == Attendance.briefing_id, Coverage.outlet_id == Attendance.outlet_id)
    query = (select(Attendance.briefing_id, Attendance.outlet_id, func.count().label("journalists"))
             .join(b, b.c.id == Attendance.briefing_id)
             .where(Attendance.office_id == office_id, ~covered)
             .group_by(Attendance.briefing_id, Attendance.outlet_id))
    return _pairs(list(db.session.execute(query)))


def covered_not_attended(office_id: int, period: Period, now: datetime | None = None) -> list[dict[str, Any]]:
    """(briefing, outlet) pairs: coverage linked to the briefing from an outlet nobody attended for."""
    b = briefings_in(office_id, period, now)
    present = exists().where(Attendance.briefing_id == Coverage.briefing_id, Attendance.outlet_id == Coverage.outlet_id)
    query = (select(Coverage.briefing_id, Coverage.outlet_id, func.count().label("items"))
             .join(b, b.c.id == Coverage.briefing_id)
             .where(Coverage.office_id == office_id, ~present)
             .group_by(Coverage.briefing_id, Coverage.outlet_id))
    return _pairs(list(db.session.execute(query)))


def _pairs(rows: list) -> list[dict[str, Any]]:
    briefings = {row.id: row for row in db.session.scalars(
        select(Briefing).where(Briefing.id.in_({r[0] for r in rows})))} if rows else {}
    outlets = dict(db.session.execute(
        select(Outlet.id, Outlet.name).where(Outlet.id.in_({r[1] for r in rows}))).all()) if rows else {}
    items = [{"briefing_id": r[0], "briefing": briefings[r[0]].effective_title,
              "start": briefings[r[0]].start.isoformat(), "outlet_id": r[1], "outlet": outlets.get(r[1], ""),
              "count": int(r[2])} for r in rows]
    return sorted(items, key=lambda i: (i["start"], i["outlet"].lower()), reverse=False)


def pairs_by_outlet(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[int, dict[str, Any]] = {}
    for pair in pairs:
        item = counts.setdefault(pair["outlet_id"], {"key": pair["outlet_id"], "label": pair["outlet"], "briefings": 0})
        item["briefings"] += 1
    return sorted(counts.values(), key=lambda i: (-i["briefings"], i["label"].lower()))


# --- questions -----------------------------------------------------------------------------------------

def questions_report(office_id: int, period: Period, by: str = "briefing",
                     now: datetime | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, asked, duplicates, pending, answered_at_briefing, answered_in_writing, declined,
    answered}`` for the questions of the period's briefings."""
    if by not in QUESTION_DIMENSIONS:
        raise ValidationError({"by": _("by phải là một trong: %(choices)s.", choices=", ".join(QUESTION_DIMENSIONS))})
    b = briefings_in(office_id, period, now)
    rows = (select(Question.id, Question.briefing_id, Question.outlet_id, Question.status, Question.merged_into_id,
                   Question.journalist_id, b.c.month)
            .join(b, b.c.id == Question.briefing_id).where(Question.office_id == office_id).subquery("q"))
    measures = [func.count().label("asked"), _sum(rows.c.merged_into_id.is_not(None)).label("duplicates"),
                *[_sum(rows.c.status == s).label(s) for s in ("pending", "answered_at_briefing",
                                                              "answered_in_writing", "declined")]]
    merged: dict[Any, dict[str, int]] = {}
    for row in db.session.execute(_grouped(rows, by, measures)).mappings():
        merged[row["key"]] = {k: int(v) for k, v in row.items() if k != "key"}
    if by == "month":
        for month in period.months():
            merged.setdefault(month, {"asked": 0, "duplicates": 0, "pending": 0, "answered_at_briefing": 0,
                                      "answered_in_writing": 0, "declined": 0})
    labels = _labels(by, [k for k in merged if k is not None])
    items = []
    for key, values in merged.items():
        label = labels.get(key, {"label": str(key) if key is not None else _("(không rõ)")})
        items.append({"key": _key(key) if key is not None else None, **label, **values,
                      "answered": values["answered_at_briefing"] + values["answered_in_writing"]})
    if by in ("month", "briefing"):
        return sort_items(items, by)
    return sorted(items, key=lambda i: (-i["asked"], str(i["label"]).lower()))


# --- the whole picture ---------------------------------------------------------------------------------

def overview(office_id: int, period: Period, now: datetime | None = None) -> dict[str, Any]:
    monthly = attendance_report(office_id, period, "month", now)
    tone = coverage_report(office_id, period, "month", now)
    questions = questions_report(office_id, period, "month", now)
    return {
        "briefings": briefings_count(office_id, period, now),
        "attendance": totals(monthly),
        "monthly": monthly,
        "coverage": {key: sum(i[key] for i in tone) for key in ("total", *TONES, "broadcast")},
        "tone": tone,
        "questions": {key: sum(i[key] for i in questions) for key in
                      ("asked", "duplicates", "pending", "answered", "answered_at_briefing", "answered_in_writing",
                       "declined")},
        "questions_monthly": questions,
    }

