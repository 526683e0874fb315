"""Calendar dates typed by people or sent to the API: ``YYYY-MM-DD`` within a sane range.

Year 1 or 9999 is a valid ISO date, but turning its midnight into UTC overflows; nothing in a
press office's work lies outside these years.
"""
from __future__ import annotations

import re
from datetime import date, time

MIN_YEAR = 1900
MAX_YEAR = 2999


def parse_day(value: object) -> date:
    """The date, or ``ValueError`` for anything else (bad shape, or a year outside 1900–2999)."""
    if isinstance(value, date):
        day = value
    else:
        day = date.fromisoformat(str(value).strip())
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"year {day.year} is out of range")
    return day


_TYPED_DAY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_TYPED_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?\s*$")


def parse_typed_day(value: object) -> date:
    """A day as people in Vietnam type it: ``08/12/2026`` (day first; ``8/12/2026``, ``08-12-2026`` and
    ``08.12.2026`` too) or ``2026-12-08``. ``ValueError`` for anything else. Pages use text fields in this
    form rather than the browser's date control, whose order follows the browser's language (an English
    Chrome shows 12/08/2026 for 8 December)."""
    if isinstance(value, date):
        return parse_day(value)
    text = str(value).strip()
    found = _TYPED_DAY.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return parse_day(date(year, month, day))
    return parse_day(text)


def parse_typed_time(value: object) -> time:
    """A time of day on the 24-hour clock as typed: ``15:00``, ``9:05``, ``15h``, ``15h30``, ``15.30``."""
    if isinstance(value, time):
        return value
    found = _TYPED_TIME.match(str(value))
    if not found:
        raise ValueError(f"not a time: {value!r}")
    return time(int(found.group(1)), int(found.group(2) or 0))


def format_day(value: date) -> str:
    """``08/12/2026``: how a typed day is shown back in its field (both languages read it day first)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
