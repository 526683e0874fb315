"""Numbers across the network: per connection point and per outlet level, attendance and coverage.

Only counts leave a point's tenant: never a name, an email or a phone number of its journalists.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select

from coordinator.attendance import charts
from coordinator.attendance.models import Attendance, Coverage
from coordinator.contacts.models import OUTLET_LEVELS, Outlet
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.network.models import ConnectionPoint
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing

LEVEL_NAMES = {"central": _l("Trung ương"), "provincial": _l("Tỉnh, thành phố"), "local": _l("Địa phương"),
               "foreign": _l("Nước ngoài")}
LEVEL_COLOURS = {"central": "primary", "provincial": "positive", "local": "accent", "foreign": "negative"}


def level_name(level: str) -> str:
    return str(LEVEL_NAMES.get(level, level))


def _counts(briefing_ids: list[int]) -> dict[str, int]:
    if not briefing_ids:
        return {"invited": 0, "accepted": 0, "attended": 0, "coverage": 0}
    invited = db.session.scalar(select(func.count()).select_from(Invitation)
                                .where(Invitation.briefing_id.in_(briefing_ids))) or 0
    accepted = db.session.scalar(select(func.count()).select_from(Invitation)
                                 .where(Invitation.briefing_id.in_(briefing_ids), Invitation.rsvp == "accepted")) or 0
    attended = db.session.scalar(select(func.count()).select_from(Attendance)
                                 .where(Attendance.briefing_id.in_(briefing_ids))) or 0
    coverage = db.session.scalar(select(func.count()).select_from(Coverage)
                                 .where(Coverage.briefing_id.in_(briefing_ids))) or 0
    return {"invited": invited, "accepted": accepted, "attended": attended, "coverage": coverage}


def _by_level(briefing_ids: list[int]) -> dict[str, dict[str, int]]:
    out = {level: {"invited": 0, "attended": 0, "coverage": 0} for level in OUTLET_LEVELS}
    if not briefing_ids:
        return out
    from coordinator.contacts.models import Journalist

    rows = db.session.execute(select(Outlet.level, func.count()).select_from(Invitation)
                              .join(Journalist, Journalist.id == Invitation.journalist_id)
                              .join(Outlet, Outlet.id == Journalist.outlet_id)
                              .where(Invitation.briefing_id.in_(briefing_ids)).group_by(Outlet.level))
    for level, count in rows:
        out.setdefault(level, {"invited": 0, "attended": 0, "coverage": 0})["invited"] = count
    for model, key in ((Attendance, "attended"), (Coverage, "coverage")):
        rows = db.session.execute(select(Outlet.level, func.count()).select_from(model)
                                  .join(Outlet, Outlet.id == model.outlet_id)
                                  .where(model.briefing_id.in_(briefing_ids)).group_by(Outlet.level))
        for level, count in rows:
            out.setdefault(level, {"invited": 0, "attended": 0, "coverage": 0})[key] = count
    return out


def point_summary(host: Briefing) -> list[dict]:
    """The host's own room first, then each point: status and the four counts (numbers only)."""
    office = db.session.get(Office, host.office_id)
    rows = [{"point_id": None, "office_id": office.id, "office": office.name, "status": "host", "host": True,
             **_counts([host.id])}]
    points = db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id == host.id)
                                .order_by(ConnectionPoint.id))
    for point in points:
        ids = [point.local_briefing_id] if point.local_briefing_id and point.status == "accepted" else []
        rows.append({"point_id": point.id, "office_id": point.point_office_id, "office": point.point_office.name,
                     "status": point.status, "host": False, **_counts(ids)})
    return rows


def host_briefings(office_id: int, day_from: date, day_to: date, tz: str) -> list[Briefing]:
    """The office's briefings in the period that had connection points."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day_from, time.min, zone)
    end = datetime.combine(day_to + timedelta(days=1), time.min, zone)
    with_points = select(ConnectionPoint.host_briefing_id)
    return list(db.session.scalars(select(Briefing).where(Briefing.office_id == office_id,
                                                          Briefing.id.in_(with_points), Briefing.start >= start,
                                                          Briefing.start < end).order_by(Briefing.start)))


def network_report(office_id: int, briefings: list[Briefing]) -> dict:
    """Per point (the host's room included) and per outlet level: invited, attended, coverage.

    ``rows``: one per point with totals and a ``levels`` dict; ``items``: flat (point × level) rows for the
    API and exports."""
    office = db.session.get(Office, office_id)
    per_office: dict[int, dict] = {office.id: {"office_id": office.id, "office": office.name, "host": True,
                                               "briefing_ids": [b.id for b in briefings]}}
    host_ids = [b.id for b in briefings]
    if host_ids:
        for point in db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id.in_(host_ids),
                                                                      ConnectionPoint.status == "accepted")
                                         .order_by(ConnectionPoint.id)):
            entry = per_office.setdefault(point.point_office_id, {"office_id": point.point_office_id,
                                                                  "office": point.point_office.name, "host": False,
                                                                  "briefing_ids": []})
            if point.local_briefing_id:
                entry["briefing_ids"].append(point.local_briefing_id)
    rows, items = [], []
    for entry in per_office.values():
        levels = _by_level(entry["briefing_ids"])
        totals = {key: sum(v[key] for v in levels.values()) for key in ("invited", "attended", "coverage")}
        rows.append({"office_id": entry["office_id"], "office": entry["office"], "host": entry["host"],
                     "levels": levels, **totals})
        for level in OUTLET_LEVELS:
            items.append({"office_id": entry["office_id"], "office": entry["office"], "host": entry["host"],
                          "level": level, **levels[level]})
    totals = {key: sum(r[key] for r in rows) for key in ("invited", "attended", "coverage")}
    level_totals = {level: {key: sum(r["levels"][level][key] for r in rows) for key in ("invited", "attended",
                                                                                         "coverage")}
                    for level in OUTLET_LEVELS}
    return {"rows": rows, "items": items, "totals": totals, "level_totals": level_totals,
            "briefings": briefings}


def chart(report: dict, key: str) -> Markup:
    """Columns per point, stacked by outlet level (``key``: attended or coverage)."""
    title = _("Có mặt theo điểm cầu và cấp cơ quan báo chí") if key == "attended" else \
        _("Tin bài theo điểm cầu và cấp cơ quan báo chí")
    labels = [r["office"] for r in report["rows"]]
    segments = [(level_name(level), [r["levels"][level][key] for r in report["rows"]], LEVEL_COLOURS[level])
                for level in OUTLET_LEVELS]
    return charts.stacked_bars(labels, segments, title=title)
