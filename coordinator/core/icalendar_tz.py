"""VTIMEZONE components, computed once per time zone and process.

``Calendar.add_missing_timezones()`` rebuilds a zone's VTIMEZONE from its transitions every time
(about 30 ms for Asia/Ho_Chi_Minh); a fan-out of thousands of personal calendars, or a feed, needs
the same few zones again and again.
"""
from __future__ import annotations

from functools import lru_cache

from icalendar import Calendar, Timezone


@lru_cache(maxsize=64)
def vtimezone(tzid: str) -> Timezone | None:
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def add_missing_timezones(cal: Calendar) -> None:
    """Like ``Calendar.add_missing_timezones()``, from the cache; VTIMEZONEs go first."""
    position = len(cal.timezones)
    for tzid in sorted(cal.get_missing_tzids()):
        component = vtimezone(tzid)
        if component is not None:
            cal.subcomponents.insert(position, component)
            position += 1
