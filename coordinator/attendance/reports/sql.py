"""The SQL the reports share: dialect helpers (SQLite in development and tests, PostgreSQL in production)
and the building blocks (the period's briefings, invited pairs, attendance rows, grouping by dimension)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, exists, func, literal, or_, select, text, union_all
from sqlalchemy.orm import aliased

from coordinator.attendance.models import Attendance
from coordinator.attendance.reports.periods import Period
from coordinator.contacts.models import Journalist, JournalistOutletHistory, Outlet
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation, OccurrenceRsvp
from coordinator.schedule.models import Briefing

# --- dialect helpers ----------------------------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def local_day(column: Any, minutes: int) -> Any:
    """The local date of a UTC timestamp column, comparable with Date columns."""
    if _dialect() == "sqlite":
        return func.date(column, f"{minutes:+d} minutes")
    return cast(column + literal(timedelta(minutes=minutes)), Date)


def local_month(column: Any, minutes: int) -> Any:
    """``YYYY-MM`` of a UTC timestamp column, in local time."""
    if _dialect() == "sqlite":
        return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
    return func.to_char(column + literal(timedelta(minutes=minutes)), "YYYY-MM")


def date_month(column: Any) -> Any:
    """``YYYY-MM`` of a Date column."""
    if _dialect() == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def fast_plans() -> None:
    """PostgreSQL's JIT compiles these short report queries (their correlated subqueries look costly to
    the planner) and spends more time compiling than running them: off for this transaction."""
    if _dialect() == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _sum(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- building blocks -----------------------------------------------------------------------------------

def briefings_in(office_id: int, period: Period, now: datetime | None = None,
                 series_ids: list[int] | None = None) -> Any:
    """Subquery: the period's briefings (started, not cancelled) with their local day and month; with
    ``series_ids``, only the occurrences of those series."""
    return _briefings(office_id, period.start_utc, period.end_utc, now or clock.now(), period.offset_minutes,
                      series_ids)


def _briefings(office_id: Any, start_utc: Any, end_utc: Any, now: Any, minutes: int, series_ids: Any = None) -> Any:
    """``briefings_in`` with its values given one by one: values, or ``bindparam``s for a statement
    built once and run many times (``series_ids`` an expanding one)."""
    query = (select(Briefing.id.label("id"), Briefing.series_id.label("series_id"), Briefing.start.label("start"),
                    local_day(Briefing.start, minutes).label("day"),
                    local_month(Briefing.start, minutes).label("month"))
             .where(Briefing.office_id == office_id, Briefing.status != "cancelled",
                    Briefing.start >= start_utc, Briefing.start < end_utc, Briefing.start <= now))
    if series_ids is not None:
        query = query.where(Briefing.series_id.in_(series_ids))
    return query.subquery("b")


def outlet_on_sql(journalist_id_col: Any, day_col: Any) -> Any:
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


def invited_rows(office_id: int, period: Period, now: datetime | None = None) -> Any:
    """Subquery: one row per invited (briefing, journalist): effective answer, outlet on the day,
    whether present."""
    return _invited_from(briefings_in(office_id, period, now))


def _invited_from(b: Any) -> Any:
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


def attendance_rows(office_id: int, period: Period, now: datetime | None = None) -> Any:
    """Subquery: one row per attendance in the period's briefings, and whether it was invited."""
    return _attendance_from(briefings_in(office_id, period, now))


def _attendance_from(b: Any) -> Any:
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


def _group(dimension: str, rows: Any) -> tuple[list, list]:
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


def _grouped(rows: Any, dimension: str, measures: list) -> Any:
    """``measures`` of ``rows`` grouped by ``dimension`` (its value labelled ``key``)."""
    columns, joins = _group(dimension, rows)
    query = select(*columns, *measures).select_from(rows)
    for target, on in joins:
        query = query.join(target, on)
    return query.group_by(columns[0])
