"""Check-in, walk-ins, questions and coverage. Functions flush, never commit.

Rules kept here, in one place:
- one attendance per journalist per briefing (a repeat answers the existing record), counted for the
  outlet the journalist belonged to on the briefing's day (``contacts.operations.outlet_on``);
- a QR code or short code works at the door from ``DOOR_BEFORE`` before the start to ``DOOR_AFTER``
  after the end; the journalist's own online check-in link from ``SELF_BEFORE`` before the start to
  the end; staff ticking names (roster, API) may record a briefing from ``STAFF_BEFORE`` before its
  start on, and any time after it (to record past briefings);
- questions are asked until the briefing ends; duplicates follow the question they were merged into.

One module per use case: ``briefings`` (which briefing, and when check-in is open), ``checkin``,
``presence`` (the roster), ``merge`` (merged journalist records), ``questions``, ``coverage``, ``paste``
(a pasted list of URLs) and ``labels``. Callers import this package, as they did the single module.
"""
from __future__ import annotations

from coordinator.attendance.operations import briefings, checkin, coverage, labels, merge, paste, presence, questions
from coordinator.core.modules import reexport

__all__ = reexport(globals(), briefings, checkin, coverage, labels, merge, paste, presence, questions)
