"""Calendar dates typed by people or sent to the API: ``YYYY-MM-DD`` within a sane range.

Year 1 or 9999 is a valid ISO date, but turning its midnight into UTC overflows; nothing in a
press office's work lies outside these years.
"""
from __future__ import annotations

from datetime import date

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
