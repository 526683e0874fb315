"""Attendance across a series (or several): which series were asked for, the period they cover by default
(from their first occurrence to today), and how many of their occurrences count (started, not cancelled)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.attendance.reports.attendance import briefings_count
from coordinator.attendance.reports.periods import Period, parse_period
from coordinator.core import clock
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db
from coordinator.schedule.models import Briefing, Series

MAX_SERIES = 20


@dataclass(frozen=True)
class SeriesScope:
    ids: list[int]
    titles: list[str]
    occurrences: int  # started, not cancelled, in the period


def parse_series_ids(values: list[Any], office_id: int) -> list[int] | None:
    """``series_id`` given once or repeated, or as a comma list: ids of this office's series (None when
    none was asked for); a bad or foreign one is a 422 naming ``series_id``."""
    raw = [part.strip() for value in values for part in str(value).split(",") if part.strip()]
    if not raw:
        return None
    ids = []
    for value in raw:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError({"series_id": _("Mã chuỗi họp không hợp lệ: %(value)s.", value=value[:40])})
        if parsed not in ids:
            ids.append(parsed)
    if len(ids) > MAX_SERIES:
        raise ValidationError({"series_id": _("Chọn tối đa %(n)s chuỗi họp.", n=MAX_SERIES)})
    found = set(db.session.scalars(select(Series.id).where(Series.office_id == office_id, Series.id.in_(ids))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"series_id": _("Không tìm thấy chuỗi họp: %(ids)s.", ids=", ".join(missing))})
    return ids


def series_period(office_id: int, series_ids: list[int], raw_from: Any, raw_to: Any, tz: str) -> Period:
    """The period asked for; what is left out runs from the series' first occurrence to today."""
    if raw_from in (None, ""):
        first = db.session.scalar(select(func.min(Briefing.start)).where(
            Briefing.office_id == office_id, Briefing.series_id.in_(series_ids)))
        today = clock.today(tz)
        start = first.astimezone(ZoneInfo(tz)).date() if first is not None else today
        raw_from = min(start, today).isoformat()
    return parse_period(raw_from, raw_to, tz)


def series_scope(office_id: int, series_ids: list[int], period: Period, now: datetime | None = None) -> SeriesScope:
    titles = {row.id: row.title for row in db.session.execute(
        select(Series.id, Series.title).where(Series.office_id == office_id, Series.id.in_(series_ids)))}
    return SeriesScope(ids=list(series_ids), titles=[titles[i] for i in series_ids if i in titles],
                       occurrences=briefings_count(office_id, period, now or clock.now(), series_ids))


def office_series(office_id: int) -> list[Series]:
    """The office's series to choose from, the most recent first."""
    return list(db.session.scalars(select(Series).where(Series.office_id == office_id)
                                   .order_by(Series.dtstart.desc(), Series.id.desc()).limit(200)))


__all__ = ["MAX_SERIES", "SeriesScope", "office_series", "parse_series_ids", "series_period", "series_scope"]
