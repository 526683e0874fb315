"""The one place the app reads the time.

Every "now" and "today" in the app comes from here, so that tests, the demo data and the benchmarks
move time in one way: tests pin it with time-machine (``tests/support/clock.py``), and a whole run, worker
processes included, can be shifted to another date (``COORDINATOR_CLOCK_OFFSET``, applied at interpreter
start by ``tests/clockshift/sitecustomize.py``). Code that needs "now" calls :func:`now`, never
``datetime.now()`` or ``date.today()`` directly: a bare ``date.today()`` is the server's local day,
which is not the office's.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def local_now(tz: str | ZoneInfo) -> datetime:
    """The current wall-clock time in ``tz`` (an office's zone), aware."""
    return now().astimezone(tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))


def today(tz: str | ZoneInfo = "UTC") -> date:
    """Today's date where ``tz`` is: an office's day starts at its own midnight."""
    return local_now(tz).date()


def timestamp() -> float:
    """Seconds since the epoch (for signatures and provider headers that speak in epoch seconds)."""
    return now().timestamp()
