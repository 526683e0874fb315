"""Coverage over a period (with tone), and the (briefing, outlet) pairs where presence and publishing
do not meet."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import distinct, exists, func, select

from coordinator.attendance.models import TONES, Attendance, Coverage
from coordinator.attendance.reports.items import _key, _labels, check_dimension, fill_months, sort_items
from coordinator.attendance.reports.periods import Period
from coordinator.attendance.reports.sql import _grouped, _sum, briefings_in, date_month, fast_plans
from coordinator.contacts.models import Outlet
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

COVERAGE_DIMENSIONS = ("outlet", "briefing", "month", "level", "kind")
TONE_KEYS = ("total", *TONES, "broadcast")


def _coverage_in(office_id: int, period: Period) -> Any:
    """Subquery: coverage published in the period, with its month."""
    return (select(Coverage.id, Coverage.outlet_id, Coverage.briefing_id, Coverage.tone, Coverage.kind.label("ckind"),
                   date_month(Coverage.published_on).label("month"))
            .where(Coverage.office_id == office_id, Coverage.published_on >= period.start,
                   Coverage.published_on <= period.end)
            .subquery("cov"))


def _tone_measures(rows: Any) -> list:
    return [func.count().label("total"), *[_sum(rows.c.tone == tone).label(tone) for tone in TONES],
            _sum(rows.c.ckind == "broadcast").label("broadcast")]


def _by_briefing(office_id: int, period: Period, now: datetime | None) -> tuple[Any, dict, dict, list]:
    """(coverage linked to the period's briefings whenever published, outlets present per briefing, outlets
    covering per briefing, every briefing of the period): a briefing nobody covered is listed too."""
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
    return rows, attended_outlets, covering, keys


def coverage_report(office_id: int, period: Period, by: str = "outlet",
                    now: datetime | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, total, positive, neutral, negative, broadcast}``; by briefing the coverage
    linked to the period's briefings (whenever published), otherwise coverage published in the period."""
    check_dimension(by, COVERAGE_DIMENSIONS)
    fast_plans()
    if by == "briefing":
        rows, attended_outlets, covering, keys = _by_briefing(office_id, period, now)
    else:
        rows = _coverage_in(office_id, period)
        attended_outlets, covering, keys = {}, {}, []
    blank = dict.fromkeys(TONE_KEYS, 0)
    merged: dict[Any, dict[str, Any]] = {key: dict(blank) for key in keys}
    for row in db.session.execute(_grouped(rows, by, _tone_measures(rows))).mappings():
        merged[row["key"]] = {k: int(row[k]) for k in blank}
    fill_months(merged, by, period, blank)
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


def _unmatched_pairs(office_id: int, period: Period, now: datetime | None, model: Any, other: Any,
                     counted: str) -> list[dict[str, Any]]:
    """(briefing, outlet) pairs of ``model`` rows (of the period's briefings) with no ``other`` row for the
    same pair, each with its number of rows labelled ``counted``."""
    b = briefings_in(office_id, period, now)
    matched = exists().where(other.briefing_id == model.briefing_id, other.outlet_id == model.outlet_id)
    query = (select(model.briefing_id, model.outlet_id, func.count().label(counted))
             .join(b, b.c.id == model.briefing_id)
             .where(model.office_id == office_id, ~matched)
             .group_by(model.briefing_id, model.outlet_id))
    return _pairs(list(db.session.execute(query)))


def attended_not_covered(office_id: int, period: Period, now: datetime | None = None) -> list[dict[str, Any]]:
    """(briefing, outlet) pairs: the outlet was present and published nothing linked to that briefing."""
    return _unmatched_pairs(office_id, period, now, Attendance, Coverage, "journalists")


def covered_not_attended(office_id: int, period: Period, now: datetime | None = None) -> list[dict[str, Any]]:
    """(briefing, outlet) pairs: coverage linked to the briefing from an outlet nobody attended for."""
    return _unmatched_pairs(office_id, period, now, Coverage, Attendance, "items")


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
    """How many briefings each outlet appears in among ``pairs``, the most first."""
    counts: dict[int, dict[str, Any]] = {}
    for pair in pairs:
        item = counts.setdefault(pair["outlet_id"], {"key": pair["outlet_id"], "label": pair["outlet"], "briefings": 0})
        item["briefings"] += 1
    return sorted(counts.values(), key=lambda i: (-i["briefings"], i["label"].lower()))
