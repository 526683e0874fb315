"""Attendance over a period: invited, accepted, present, rate, no-shows, walk-ins, online."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from coordinator.attendance.reports.items import _key, _labels, check_dimension, fill_months, rate, sort_items
from coordinator.attendance.reports.periods import Period
from coordinator.attendance.reports.sql import (
    _attendance_from,
    _briefings,
    _dialect,
    _grouped,
    _invited_from,
    _sum,
    briefings_in,
    fast_plans,
)
from coordinator.core import clock
from coordinator.extensions import db

ATTENDANCE_DIMENSIONS = ("outlet", "journalist", "month", "level", "kind", "briefing")
BLANK = {"invited": 0, "accepted": 0, "attended": 0, "no_shows": 0, "walk_ins": 0, "online": 0,
         "attended_invited": 0}


def attendance_report(office_id: int, period: Period, by: str = "outlet",
                      now: datetime | None = None, series_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, invited, accepted, attended, rate, no_shows, walk_ins, online}``. With
    ``series_ids``, only those series' occurrences count, and each item also says in how many of them it was
    present (``occurrences_attended``: distinct occurrences with at least one attendance)."""
    check_dimension(by, ATTENDANCE_DIMENSIONS)
    fast_plans()
    by_series = series_ids is not None
    invited_q, attended_q = _attendance_statements(by, period.offset_minutes, by_series)
    params = {"office_id": office_id, "start_utc": period.start_utc, "end_utc": period.end_utc,
              "now": now or clock.now()}
    blank = dict(BLANK, occurrences_attended=0) if by_series else BLANK
    if by_series:
        params["series_ids"] = list(series_ids)
    merged: dict[Any, dict[str, Any]] = {}
    for row in db.session.execute(invited_q, params).mappings():
        merged.setdefault(row["key"], dict(blank)).update(
            invited=row["invited"], accepted=row["accepted"], no_shows=row["no_shows"],
            attended_invited=row["attended_invited"])
    for row in db.session.execute(attended_q, params).mappings():
        merged.setdefault(row["key"], dict(blank)).update(
            attended=row["attended"], walk_ins=row["walk_ins"], online=row["online"],
            **({"occurrences_attended": row["occurrences_attended"]} if by_series else {}))
    if not by_series:
        fill_months(merged, by, period, BLANK)
    labels = _labels(by, list(merged))
    items = []
    for key, values in merged.items():
        values = {k: int(v) for k, v in values.items()}
        items.append({"key": _key(key), **labels.get(key, {"label": str(key)}), **values,
                      "rate": rate(values["attended"], values["invited"])})
    return sort_items(items, by)


_STATEMENTS: dict[tuple, tuple] = {}


def _attendance_statements(by: str, minutes: int, by_series: bool = False) -> tuple:
    """The two grouped queries of ``attendance_report``, built once per (database, dimension, zone offset,
    series or not) with the office, period, now (and series) as bound parameters: building these expressions
    cost more Python time than the database spent running them."""
    key = (_dialect(), by, minutes, by_series)
    cached = _STATEMENTS.get(key)
    if cached is None:
        def b() -> Any:
            return _briefings(bindparam("office_id"), bindparam("start_utc"), bindparam("end_utc"),
                              bindparam("now"), minutes,
                              bindparam("series_ids", expanding=True) if by_series else None)

        inv, att = _invited_from(b()), _attendance_from(b())
        accepted = inv.c.rsvp == "accepted"
        invited_q = _grouped(inv, by, [func.count().label("invited"), _sum(accepted).label("accepted"),
                                       _sum(and_(accepted, inv.c.present == 0)).label("no_shows"),
                                       _sum(inv.c.present == 1).label("attended_invited")])
        measures = [func.count().label("attended"), _sum(att.c.invited == 0).label("walk_ins"),
                    _sum(att.c.mode == "online").label("online")]
        if by_series:
            measures.append(func.count(func.distinct(att.c.briefing_id)).label("occurrences_attended"))
        attended_q = _grouped(att, by, measures)
        cached = _STATEMENTS[key] = (invited_q, attended_q)
    return cached


def briefings_count(office_id: int, period: Period, now: datetime | None = None,
                    series_ids: list[int] | None = None) -> int:
    b = briefings_in(office_id, period, now, series_ids)
    return db.session.scalar(select(func.count()).select_from(b)) or 0
