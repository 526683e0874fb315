"""Move this interpreter's clock when ``COORDINATOR_CLOCK_OFFSET`` is set (seconds, may be negative).

The tests put this directory on ``PYTHONPATH`` for every process they start (workers, the web server,
``flask`` commands), so that when a test pins "now" (``tests/support/clock.py``) or the whole suite runs
on another date (``SUITE_NOW=2028-12-06 make test``), the processes it starts agree with it to the
millisecond: each moves to its own real time plus the same offset and then ticks on. time-machine moves
only the wall clock (``time.time``, ``datetime.now``, ``date.today``); monotonic clocks and sleeps keep
working, which libfaketime does not manage under Python 3.11.
"""
from __future__ import annotations

import os


def real_time() -> float:
    """The machine's wall clock, whatever time-machine is doing in this process."""
    import time

    import time_machine

    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def apply_clock_offset() -> bool:
    """Travel by the offset in the environment, once per process. True if the clock was moved."""
    raw = os.environ.get("COORDINATOR_CLOCK_OFFSET", "").strip()
    if not raw:
        return False
    offset = float(raw)
    import time

    import time_machine

    real = real_time()
    if abs(time.time() - (real + offset)) < 0.5:
        return False  # this process already runs on the moved clock
    time_machine.travel(real + offset, tick=True).start()
    # A ticking traveller anchors its real start at the first read of the clock, not at start(): read
    # it now, or every process runs behind the others by however long it took to first ask the time
    # (hundreds of milliseconds while a worker imports the app), and sees an event as not yet due.
    time.time()
    return True


apply_clock_offset()
