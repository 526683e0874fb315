"""What two journalist records merged into one mean for attendance and questions."""
from __future__ import annotations

from sqlalchemy import select, update

from coordinator.attendance.models import Attendance, Question
from coordinator.extensions import db


def merge_journalists_hook(keep_id: int, drop_id: int) -> None:
    """On ``signals.journalists_merged``: the duplicate's attendance and questions become the kept record's
    (where both were checked in to the same briefing, one row stays)."""
    kept = set(db.session.scalars(select(Attendance.briefing_id).where(Attendance.journalist_id == keep_id)))
    for row in db.session.scalars(select(Attendance).where(Attendance.journalist_id == drop_id)).all():
        if row.briefing_id in kept:
            db.session.delete(row)
        else:
            row.journalist_id = keep_id
    db.session.execute(update(Question).where(Question.journalist_id == drop_id).values(journalist_id=keep_id))
    db.session.flush()

# What the package (``attendance.operations``) offers from this module.
__all__ = ["merge_journalists_hook"]
