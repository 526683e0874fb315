"""Every report query, as SQL aggregates (GROUP BY in the database; Python only merges a few grouped rows).

Definitions (the tests recompute each from raw rows):
- A period is ``[start, end]`` in local dates of the office (``end`` inclusive). The briefings in it are
  the office's briefings that started in it, have started already, and were not cancelled.
- *invited*: (briefing, journalist) pairs with an invitation to the briefing (its series' invitation,
  or the ad hoc briefing's) not cancelled before the briefing started. Counted for the outlet the
  journalist belonged to on the briefing's day (``contacts.operations.outlet_on``, in SQL).
- *accepted*: invited pairs whose answer for that briefing is "accepted" (an answer for the one
  occurrence wins over the answer for the series).
- *attended*: attendance rows of those briefings (walk-ins included), for the outlet stored at check-in.
- *rate* = attended / invited, capped to 1 (walk-ins may outnumber the invited), 0 when nobody was invited.
- *no_shows*: accepted and absent; *walk_ins*: present without an invitation.
- With a series (or several): only their occurrences (started, not cancelled) count, the period runs by
  default from their first occurrence to today, and each item also has *occurrences_attended*: in how many
  of those occurrences it was present (an outlet: with at least one of its journalists).

Modules: ``periods`` (the period asked for), ``sql`` (dialect helpers and shared subqueries), ``items``
(labels, rates, order, totals), one per report (``attendance``, ``coverage``, ``questions``) and
``summary`` (the overview). Callers import this package, as they did the single module.
"""
from __future__ import annotations

from coordinator.attendance.reports.attendance import (
    _STATEMENTS,
    ATTENDANCE_DIMENSIONS,
    _attendance_statements,
    attendance_report,
    briefings_count,
)
from coordinator.attendance.reports.coverage import (
    COVERAGE_DIMENSIONS,
    TONE_KEYS,
    attended_not_covered,
    coverage_report,
    covered_not_attended,
    pairs_by_outlet,
)
from coordinator.attendance.reports.items import check_dimension, rate, sort_items, sums, totals
from coordinator.attendance.reports.periods import MAX_PERIOD_DAYS, Period, default_period, parse_period
from coordinator.attendance.reports.questions import QUESTION_DIMENSIONS, QUESTION_KEYS, questions_report
from coordinator.attendance.reports.series import (
    MAX_SERIES,
    SeriesScope,
    office_series,
    parse_series_ids,
    series_period,
    series_scope,
)
from coordinator.attendance.reports.sql import (
    attendance_rows,
    briefings_in,
    date_month,
    fast_plans,
    invited_rows,
    local_day,
    local_month,
    outlet_on_sql,
)
from coordinator.attendance.reports.summary import overview

__all__ = [
    "ATTENDANCE_DIMENSIONS", "COVERAGE_DIMENSIONS", "MAX_PERIOD_DAYS", "MAX_SERIES", "SeriesScope",
    "office_series", "parse_series_ids", "series_period", "series_scope", "QUESTION_DIMENSIONS", "QUESTION_KEYS",
    "TONE_KEYS", "Period", "_STATEMENTS", "_attendance_statements", "attendance_report", "attendance_rows",
    "attended_not_covered", "briefings_count", "briefings_in", "check_dimension", "coverage_report",
    "covered_not_attended", "date_month", "default_period", "fast_plans", "invited_rows", "local_day",
    "local_month", "outlet_on_sql", "overview", "pairs_by_outlet", "parse_period", "questions_report", "rate",
    "sort_items", "sums", "totals",
]
