"""The whole picture of a period, for the overview page and the weekly digest."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from coordinator.attendance.reports.attendance import attendance_report, briefings_count
from coordinator.attendance.reports.coverage import TONE_KEYS, coverage_report
from coordinator.attendance.reports.items import sums, totals
from coordinator.attendance.reports.periods import Period
from coordinator.attendance.reports.questions import QUESTION_KEYS, questions_report


def overview(office_id: int, period: Period, now: datetime | None = None) -> dict[str, Any]:
    """Monthly attendance, tone and questions with their totals, and how many briefings were held."""
    monthly = attendance_report(office_id, period, "month", now)
    tone = coverage_report(office_id, period, "month", now)
    questions = questions_report(office_id, period, "month", now)
    return {
        "briefings": briefings_count(office_id, period, now),
        "attendance": totals(monthly),
        "monthly": monthly,
        "coverage": sums(tone, TONE_KEYS),
        "tone": tone,
        "questions": sums(questions, QUESTION_KEYS),
        "questions_monthly": questions,
    }
