"""A briefing's mailings as its pages show them live (see ``coordinator.mail.progress``).

From the moment a briefing is saved: "preparing" while its event waits for a worker (the fan-out is not
planned yet), "sending" while a fan-out runs, "done" when every fan-out has closed; for a series before
its invitation time, "waiting" with the time the invitations go out.
"""
from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.invitations import delivery
from coordinator.mail.models import FanOut
from coordinator.mail.progress import Progress, event_waiting, progress
from coordinator.schedule.models import Briefing

# The events that lead to a mailing for a briefing or its series (their handlers plan fan-outs).
MAILING_EVENTS = ("briefing.created", "briefing.updated", "briefing.cancelled", "series.created", "series.updated",
                  "series.split", "invitations.due", "fanout.run")


def fan_outs_of(briefing: Briefing, limit: int = 10) -> list[FanOut]:
    """The briefing's mailings, and its series' (newest first)."""
    return list(db.session.scalars(select(FanOut).where(
        FanOut.office_id == briefing.office_id,
        db.or_(FanOut.briefing_id == briefing.id,
               FanOut.series_id == briefing.series_id if briefing.series_id else db.false()))
        .order_by(FanOut.started_at.desc()).limit(limit)))


def progress_of(briefing: Briefing) -> Progress:
    fan_outs = fan_outs_of(briefing)
    send_at = None
    if not fan_outs and briefing.status != "held":
        target = briefing.series if briefing.series_id is not None else briefing
        send_at = delivery.invite_due_at(target) if target is not None else None
    return progress(fan_outs, event_waiting=event_waiting(briefing.office_id, MAILING_EVENTS,
                                                          lambda payload: _concerns(briefing, payload)),
                    send_at=send_at)


def _concerns(briefing: Briefing, payload: dict) -> bool:
    if payload.get("past"):
        return False
    if payload.get("briefing_id") == briefing.id:
        return True
    if briefing.series_id is None:
        return False
    series_ids = {payload.get("series_id"), payload.get("new_series_id"), payload.get("old_series_id")}
    if payload.get("kind") == "series":
        series_ids.add(payload.get("target_id"))
    return briefing.series_id in series_ids
