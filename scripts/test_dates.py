"""Run the date-sensitive part of the suite on other days than today (part of ``make test``).

A test that hard-codes "a Tuesday next month" passes today and fails on its day; this catches it
before that day comes. Each run moves "now" in every process of the run (pytest, its xdist workers,
the RQ workers and web servers the tests start) with ``SUITE_NOW``, which ``tests/conftest.py`` turns
into a time-machine offset (``tests/clockshift/sitecustomize.py``). The days: 400 days ahead, the day
before the next Tết, the end of February, 31 December, and two years ahead.

    python scripts/test_dates.py                 # every day above
    python scripts/test_dates.py 2027-02-05      # one day (YYYY-MM-DD, Vietnam time)
    python scripts/test_dates.py -- -k series    # extra pytest arguments after --
"""
from __future__ import annotations

import calendar
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def day_before_next_tet(today: date) -> date:
    """The day before the next Lunar New Year's Day (holidays' name for mùng một Tết)."""
    for year in (today.year, today.year + 1):
        for day, name in sorted(holidays.country_holidays("VN", years=year, language="en_US").items()):
            if name == "Lunar New Year" and day - timedelta(days=1) > today:
                return day - timedelta(days=1)
    raise RuntimeError("no Lunar New Year found in the next two years")


def default_days(today: date) -> list[tuple[date, str]]:
    # the last day of a month: the coming end of February (the shortest month, a leap day every four years)
    feb_year = today.year if today < date(today.year, 2, 28) else today.year + 1
    month_end = date(feb_year, 2, calendar.monthrange(feb_year, 2)[1])
    days = [
        (today + timedelta(days=400), "400 days ahead"),
        (day_before_next_tet(today), "the day before Tết"),
        (month_end, "the last day of a month (February)"),
        (date(today.year, 12, 31) if (today.month, today.day) != (12, 31) else date(today.year + 1, 12, 31),
         "31 December"),
        (today.replace(year=today.year + 2) if (today.month, today.day) != (2, 29) else today + timedelta(days=730),
         "two years ahead"),
    ]
    return days


def suite_today() -> date:
    """Today, or the day ``SUITE_NOW`` moves the whole run to (so the other days are relative to it)."""
    today = datetime.now(VN).date()
    raw = os.environ.get("SUITE_NOW", "").strip()
    if raw.startswith("+") and raw.endswith("d"):
        return today + timedelta(days=int(raw[1:-1]))
    return date.fromisoformat(raw[:10]) if raw else today


def run(day: date, label: str, extra: list[str]) -> tuple[bool, float]:
    env = {**os.environ, "SUITE_NOW": day.isoformat()}
    env.pop("COORDINATOR_CLOCK_OFFSET", None)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--db", "sqlite", "-q",
               "-m", "dates and not browser", *extra]
    print(f"\n=== the date-sensitive tests on {day:%A %d %B %Y} ({label}) ===", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env)
    return result.returncode == 0, time.monotonic() - started


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    today = suite_today()
    days = [(date.fromisoformat(arg), "given") for arg in argv] or default_days(today)
    outcomes = [(day, label, *run(day, label, extra)) for day, label in days]
    print("\n=== date-sensitive tests, by day ===")
    for day, label, ok, seconds in outcomes:
        print(f"{'passed' if ok else 'FAILED'}  {day.isoformat()}  {label}  ({seconds:.0f} s)")
    return 0 if all(ok for _, _, ok, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
