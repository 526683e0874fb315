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

from coordinator.attendance.operations.briefings import (
    DOOR_AFTER,
    DOOR_BEFORE,
    SELF_BEFORE,
    STAFF_BEFORE,
    _check_briefing_open,
    _in_window,
    briefing_day,
    briefing_now,
    invitation_covers,
    invitation_of,
    next_briefing,
    office_tz,
    window_error,
)
from coordinator.attendance.operations.checkin import (
    CODE_RE,
    _invitation_for_checkin,
    add_walk_in,
    check_in,
    check_in_by_code,
    check_in_by_token,
    existing_attendance,
    normalise_code,
    self_check_in,
    token_from_text,
    undo_check_in,
)
from coordinator.attendance.operations.coverage import (
    TRACKING_PARAMS,
    _coverage_values,
    create_coverage,
    delete_coverage,
    find_coverage,
    normalise_url,
    update_coverage,
)
from coordinator.attendance.operations.labels import (
    KIND_LABELS,
    METHOD_LABELS,
    MODE_LABELS,
    QUESTION_STATUS_LABELS,
    TONE_LABELS,
)
from coordinator.attendance.operations.merge import merge_journalists_hook
from coordinator.attendance.operations.paste import paste_coverage, paste_lines
from coordinator.attendance.operations.presence import attended_journalist_ids, roster, roster_counts
from coordinator.attendance.operations.questions import (
    QUESTION_MAX,
    _question_text,
    answer_mail_key,
    ask,
    duplicates_of,
    merge_questions,
    move_question,
    running_order,
    set_question_status,
    unmerge_question,
)

__all__ = [
    "CODE_RE", "DOOR_AFTER", "DOOR_BEFORE", "KIND_LABELS", "METHOD_LABELS", "MODE_LABELS", "QUESTION_MAX",
    "QUESTION_STATUS_LABELS", "SELF_BEFORE", "STAFF_BEFORE", "TONE_LABELS", "TRACKING_PARAMS",
    "_check_briefing_open", "_coverage_values", "_in_window", "_invitation_for_checkin", "_question_text",
    "add_walk_in", "answer_mail_key", "ask", "attended_journalist_ids", "briefing_day", "briefing_now",
    "check_in", "check_in_by_code", "check_in_by_token", "create_coverage", "delete_coverage", "duplicates_of",
    "existing_attendance", "find_coverage", "invitation_covers", "invitation_of", "merge_journalists_hook",
    "merge_questions", "move_question", "next_briefing", "normalise_code", "normalise_url", "office_tz",
    "paste_coverage", "paste_lines", "roster", "roster_counts", "running_order", "self_check_in",
    "set_question_status", "token_from_text", "undo_check_in", "unmerge_question", "update_coverage",
    "window_error",
]
