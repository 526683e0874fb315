"""The period a report covers: local dates of the office, ``end`` inclusive."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from coordinator.core import clock
from coordinator.core.dates import parse_typed_day
from coordinator.core.errors import ValidationError

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

    def partial_months(self) -> dict[str, tuple[date, date]]:
        """The months this period does not cover whole, or that are not over yet: key → (first, last) day
        counted. A chart marks them so a month cut short never reads as a collapse."""
        today = clock.today(self.tz)
        last_counted = min(self.end, today)
        out = {}
        for key in self.months():
            year, month = int(key[:4]), int(key[5:7])
            first = date(year, month, 1)
            last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
            counted_first, counted_last = max(first, self.start), min(last, last_counted)
            month_running = first <= today <= last and self.end >= today  # today itself is not over
            if (counted_first, counted_last) != (first, last) or month_running:
                out[key] = (counted_first, counted_last)
        return out


def default_period(tz: str, today: date | None = None) -> Period:
    """The last 12 months: from the first day of the month eleven months ago to today."""
    today = today or clock.today(tz)
    year, month = today.year, today.month - 11
    if month <= 0:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today, tz)


def parse_period(raw_from: Any, raw_to: Any, tz: str, *, today: date | None = None) -> Period:
    """``from``/``to`` as 08/12/2026 or YYYY-MM-DD (``to`` inclusive); missing ones default to the last 12 months."""
    errors: dict[str, str] = {}
    default = default_period(tz, today)
    values: dict[str, date] = {}
    for key, raw, fallback in (("from", raw_from, default.start), ("to", raw_to, default.end)):
        if raw in (None, ""):
            values[key] = fallback
            continue
        try:
            values[key] = parse_typed_day(raw)
        except ValueError:
            errors[key] = _("Ngày không hợp lệ: %(value)s (nhập ngày/tháng/năm, ví dụ 08/12/2026).",
                            value=str(raw)[:40])
    if not errors:
        if values["to"] < values["from"]:
            errors["to"] = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        elif (values["to"] - values["from"]).days > MAX_PERIOD_DAYS:
            errors["to"] = _("Khoảng thời gian tối đa 10 năm.")
    if errors:
        raise ValidationError(errors)
    return Period(values["from"], values["to"], tz)
