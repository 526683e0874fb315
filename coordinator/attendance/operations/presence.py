"""Who was there: the roster of a briefing (invited and present, one row each) and its counts."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coordinator.attendance.models import Attendance
from coordinator.extensions import db
from coordinator.invitations.operations import target_of
from coordinator.schedule.models import Briefing


def attended_journalist_ids(briefing: Briefing) -> set[int]:
    """Who was checked in (the answer to ``signals.attended``)."""
    return set(db.session.scalars(select(Attendance.journalist_id).where(Attendance.briefing_id == briefing.id)))


def roster(briefing: Briefing) -> list[dict[str, Any]]:
    """Everyone invited (with their answer for this briefing) and everyone present, one row each."""
    from coordinator.invitations.operations import invitations_of, rsvps_for_briefing

    answers = rsvps_for_briefing(briefing)
    present = {row.journalist_id: row for row in db.session.scalars(
        select(Attendance).where(Attendance.briefing_id == briefing.id))}
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for invitation in invitations_of(target_of(briefing)):
        journalist = invitation.journalist
        seen.add(journalist.id)
        rows.append({"journalist": journalist, "invitation": invitation,
                     "rsvp": answers.get(journalist.id, invitation.rsvp),
                     "attendance": present.get(journalist.id)})
    for journalist_id, attendance in present.items():
        if journalist_id not in seen:
            rows.append({"journalist": attendance.journalist, "invitation": None, "rsvp": None,
                         "attendance": attendance})
    rows.sort(key=lambda r: (r["journalist"].full_name_folded, r["journalist"].id))
    return rows


def roster_counts(rows: list[dict[str, Any]], *, started: bool = True) -> dict[str, int]:
    """The roster's figures: invited, accepted, present, no-shows (accepted, absent: only once the briefing
    has started; before it they are "expected"), present without having accepted, and online."""
    awaited = sum(1 for r in rows if r["rsvp"] == "accepted" and r["attendance"] is None)
    return {
        "invited": sum(1 for r in rows if r["invitation"] is not None),
        "accepted": sum(1 for r in rows if r["rsvp"] == "accepted"),
        "present": sum(1 for r in rows if r["attendance"] is not None),
        "no_shows": awaited if started else 0,
        "expected": awaited,
        "without_rsvp": sum(1 for r in rows if r["attendance"] is not None and r["rsvp"] != "accepted"),
        "online": sum(1 for r in rows if r["attendance"] is not None and r["attendance"].mode == "online"),
    }

# What the package (``attendance.operations``) offers from this module.
__all__ = ["attended_journalist_ids", "roster", "roster_counts"]
