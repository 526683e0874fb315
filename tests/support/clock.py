"""Time in tests: pin "now", and compute the dates a test needs from it.

A test never writes "a Tuesday next month" as a literal: it asks for ``next_weekday(TUESDAY)`` or
``days_from_now(30)``, computed from the clock the test runs on. Where the date itself is the point
(Tết 2027, a daylight-saving change) the test pins "now" before it with the ``clock`` fixture, and
the worker processes it starts follow (``tests/clockshift/sitecustomize.py``).

The whole suite can run on another day: ``SUITE_NOW=2028-12-06 make test`` (or ``SUITE_NOW=+400d``).
"""
from __future__ import annotations

import calendar
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from coordinator.core import clock as app_clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]
CLOCKSHIFT_DIR = ROOT / "tests" / "clockshift"
OFFSET_VARIABLE = "COORDINATOR_CLOCK_OFFSET"

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def _sitecustomize():
    import importlib.util

    spec = importlib.util.spec_from_file_location("coordinator_clockshift", CLOCKSHIFT_DIR / "sitecustomize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # applies the offset in the environment, if any (idempotent)
    return module


def real_time() -> float:
    return _sitecustomize().real_time()


def parse_suite_now(raw: str) -> float:
    """``SUITE_NOW``: ``2028-12-06``, ``2028-12-06T09:30`` (Vietnam time) or ``+400d`` from today."""
    raw = raw.strip()
    now = real_time()
    if raw.startswith("+") and raw.endswith("d"):
        return now + int(raw[1:-1]) * 86400
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        if len(raw) <= 10:  # a day: keep the time of day, so a run at 09:00 stays a run at 09:00
            current = datetime.fromtimestamp(now, VN)
            value = datetime.combine(value.date(), current.time())
        value = value.replace(tzinfo=VN)
    return value.timestamp()


def install_suite_offset() -> None:
    """Called once by the test session: turn ``SUITE_NOW`` into an offset every process applies."""
    raw = os.environ.get("SUITE_NOW", "").strip()
    if raw and not os.environ.get(OFFSET_VARIABLE):
        os.environ[OFFSET_VARIABLE] = repr(parse_suite_now(raw) - real_time())
    _sitecustomize()


def subprocess_pythonpath() -> str:
    """PYTHONPATH for processes the tests start: the clock shift first, then the project."""
    return os.pathsep.join([str(CLOCKSHIFT_DIR), str(ROOT)])


def clock_offset_env() -> dict[str, str]:
    """The offset of a shifted run, for a test that builds a subprocess environment from scratch."""
    value = os.environ.get(OFFSET_VARIABLE)
    return {OFFSET_VARIABLE: value} if value else {}


class Clock:
    """Pins "now" for one test, in this process and in every process the test starts afterwards."""

    def __init__(self, env: dict[str, str]):
        self._env = env
        self._travellers: list = []
        self._saved = (env.get(OFFSET_VARIABLE), os.environ.get(OFFSET_VARIABLE))

    def pin(self, when: datetime | str, tz: ZoneInfo = VN) -> datetime:
        """Make ``when`` (aware, or naive in ``tz``) the current time; the clock then ticks on from it."""
        import time_machine

        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        if when.tzinfo is None:
            when = when.replace(tzinfo=tz)
        offset = when.timestamp() - real_time()
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        self._travellers.append(traveller)
        self._env[OFFSET_VARIABLE] = repr(offset)
        os.environ[OFFSET_VARIABLE] = repr(offset)
        return app_clock.now()

    def now(self) -> datetime:
        return app_clock.now()

    def stop(self) -> None:
        while self._travellers:
            self._travellers.pop().stop()
        for mapping, value in ((self._env, self._saved[0]), (os.environ, self._saved[1])):
            if value is None:
                mapping.pop(OFFSET_VARIABLE, None)
            else:
                mapping[OFFSET_VARIABLE] = value


# --- dates relative to now -----------------------------------------------------------------------

def local_now(tz: ZoneInfo = VN) -> datetime:
    return app_clock.local_now(tz)


def local_today(tz: ZoneInfo = VN) -> date:
    return app_clock.today(tz)


def next_weekday(weekday: int, *, hour: int = 15, minute: int = 0, after_days: int = 1, weeks: int = 0,
                 tz: ZoneInfo = VN) -> datetime:
    """The first ``weekday`` at least ``after_days`` days from today (plus ``weeks``), at ``hour:minute``.

    Naive local time, the form the API and forms take for a series' start.
    """
    day = local_today(tz) + timedelta(days=after_days)
    day += timedelta(days=(weekday - day.weekday()) % 7, weeks=weeks)
    return datetime.combine(day, time(hour, minute))


def working_tuesday(weeks: int = 1, *, after_days: int = 1) -> datetime:
    """The first Tuesday (15:00, naive local) at least ``after_days`` from today that begins ``weeks``
    Tuesdays in a row with no public holiday: these tests count and index occurrences, and the series
    skips holidays (a Tuesday such as 24/11 or a Tết day would drop out of a range)."""
    from coordinator.schedule.holidays import public_holidays  # the app's own list (Tết, 24/11, nghỉ bù...)

    start = next_weekday(TUESDAY, after_days=after_days)
    while any(public_holidays(day.year).get(day)
              for day in (start.date() + timedelta(weeks=n) for n in range(weeks))):
        start += timedelta(weeks=1)
    return start


def days_from_now(days: float, *, hour: int | None = None, minute: int = 0, tz: ZoneInfo = VN) -> datetime:
    """Aware local time ``days`` from now; at ``hour:minute`` of that day when ``hour`` is given."""
    moment = local_now(tz) + timedelta(days=days)
    if hour is not None:
        moment = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment


def day_from_today(days: int, tz: ZoneInfo = VN) -> date:
    return local_today(tz) + timedelta(days=days)


def month_start(months: int = 0, tz: ZoneInfo = VN) -> date:
    """The first day of this month moved by ``months`` (negative: earlier)."""
    today = local_today(tz)
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(months: int = 0, tz: ZoneInfo = VN) -> date:
    first = month_start(months, tz)
    return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


def iso_local(moment: datetime, tz: ZoneInfo = VN) -> str:
    """A time as the local naive ISO string (minutes) that the API's ``dtstart`` takes."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    return moment.isoformat(timespec="minutes")


def ymd(day: date | datetime) -> str:
    """``YYYYMMDD``, as an RRULE's UNTIL takes a date."""
    return day.strftime("%Y%m%d")
