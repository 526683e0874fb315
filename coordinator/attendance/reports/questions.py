"""Questions of the period's briefings: asked, merged as duplicates, and what became of them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.attendance.models import Question
from coordinator.attendance.reports.items import _key, _labels, check_dimension, fill_months, sort_items
from coordinator.attendance.reports.periods import Period
from coordinator.attendance.reports.sql import _grouped, _sum, briefings_in
from coordinator.extensions import db

QUESTION_DIMENSIONS = ("briefing", "month", "outlet")
OUTCOMES = ("pending", "answered_at_briefing", "answered_in_writing", "declined")
QUESTION_KEYS = ("asked", "duplicates", "pending", "answered", "answered_at_briefing", "answered_in_writing",
                 "declined")


def questions_report(office_id: int, period: Period, by: str = "briefing",
                     now: datetime | None = None) -> list[dict[str, Any]]:
    """Items ``{key, label, asked, duplicates, pending, answered_at_briefing, answered_in_writing, declined,
    answered}`` for the questions of the period's briefings."""
    check_dimension(by, QUESTION_DIMENSIONS)
    b = briefings_in(office_id, period, now)
    rows = (select(Question.id, Question.briefing_id, Question.outlet_id, Question.status, Question.merged_into_id,
                   Question.journalist_id, b.c.month)
            .join(b, b.c.id == Question.briefing_id).where(Question.office_id == office_id).subquery("q"))
    measures = [func.count().label("asked"), _sum(rows.c.merged_into_id.is_not(None)).label("duplicates"),
                *[_sum(rows.c.status == s).label(s) for s in OUTCOMES]]
    merged: dict[Any, dict[str, int]] = {}
    for row in db.session.execute(_grouped(rows, by, measures)).mappings():
        merged[row["key"]] = {k: int(v) for k, v in row.items() if k != "key"}
    fill_months(merged, by, period, dict.fromkeys(("asked", "duplicates", *OUTCOMES), 0))
    labels = _labels(by, [k for k in merged if k is not None])
    items = []
    for key, values in merged.items():
        label = labels.get(key, {"label": str(key) if key is not None else _("(không rõ)")})
        items.append({"key": _key(key) if key is not None else None, **label, **values,
                      "answered": values["answered_at_briefing"] + values["answered_in_writing"]})
    if by in ("month", "briefing"):
        return sort_items(items, by)
    return sorted(items, key=lambda i: (-i["asked"], str(i["label"]).lower()))
