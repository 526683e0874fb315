"""Days off: the public holidays of the office's country (Vietnam by default: Tết and the other lunar ones
included) and the office's own closures. "Move" means the next working day: not a Saturday or Sunday, not
a holiday, not a closure."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.schedule.models import OfficeClosure


@lru_cache(maxsize=256)
def public_holidays(year: int, country: str = "VN") -> dict[date, str]:
    """A country's public holidays of one year (Vietnam's with Vietnamese names)."""
    if country == "VN":
        return dict(holidays_lib.VN(years=year, language="vi"))
    return dict(holidays_lib.country_holidays(country, years=year))


class DaysOff:
    """Which days are off for one office: its country's public holidays plus its closures."""

    def __init__(self, closures: dict[date, str] | None = None, country: str = "VN"):
        self.closures = dict(closures or {})
        self.country = country

    @classmethod
    def for_office(cls, office_id: int) -> DaysOff:
        from coordinator.offices.models import Office

        rows = db.session.execute(select(OfficeClosure.day, OfficeClosure.name)
                                  .where(OfficeClosure.office_id == office_id))
        country = db.session.scalar(select(Office.country).where(Office.id == office_id)) or "VN"
        return cls({day: name for day, name in rows}, country)

    def reason(self, day: date) -> str | None:
        """The holiday's or closure's name, or None on an ordinary day (weekends are not "holidays")."""
        if day in self.closures:
            return self.closures[day]
        return public_holidays(day.year, self.country).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.reason(day) is None

    def next_working_day(self, day: date) -> date:
        candidate = day + timedelta(days=1)
        for _ in range(60):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise RuntimeError(f"no working day within 60 days after {day}")  # pragma: no cover
