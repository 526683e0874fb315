"""Schedule events (coordinator.schedule emits them) turned into invitation mail."""
from __future__ import annotations

from coordinator.core import clock, events
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.schedule.models import Briefing, Series
from jobs import invitations


def series_created(event: OutboxEvent) -> None:
    _plan_or_send("series", event.payload["series_id"], event)


def briefing_created(event: OutboxEvent) -> None:
    if event.payload.get("series_id") is not None or event.payload.get("past"):
        return  # an occurrence: its series' invitation covers it; a past briefing is only a record
    _plan_or_send("briefing", event.payload["briefing_id"], event)


def invitations_due(event: OutboxEvent) -> None:
    """A delayed event: the invitation time of a series has come (the outbox keeps it across restarts)."""
    _plan_or_send(event.payload["kind"], event.payload["target_id"], event)


def _plan_or_send(kind: str, target_id: int, event: OutboxEvent) -> None:
    target = db.session.get(Series if kind == "series" else Briefing, target_id)
    if target is None:
        return
    due = invitations.invite_due_at(target)
    if due is None:
        return
    if due > clock.now():
        events.emit("invitations.due", office_id=target.office_id, due_at=due,
                    payload={"kind": kind, "target_id": target_id})
        db.session.commit()
        return
    invitations.send_invitations(kind, target_id, event_id=event.id)


def series_updated(event: OutboxEvent) -> None:
    """A whole-series change (or its end): the new REQUEST, at the new SEQUENCE, to those invited.
    Before the invitation time nothing goes out: the invitations will carry the new version."""
    invitations.send_invitations("series", event.payload["series_id"], event_id=event.id,
                                 changes=event.payload.get("changes") or None)


def series_split(event: OutboxEvent) -> None:
    """'This and following': the old series ends (REQUEST with UNTIL), the new one is invited to."""
    old = db.session.get(Series, event.payload["old_series_id"])
    if old is not None:
        invitations.send_invitations("series", old.id, event_id=event.id, changes=event.payload.get("changes"))
    new = db.session.get(Series, event.payload["new_series_id"])
    if new is not None:
        _plan_or_send("series", new.id, event)
        if old is not None:
            _carry_answers(old, new)


def _carry_answers(old: Series, new: Series) -> None:
    """Journalists who answered the old series keep their answer for its continuation."""
    from coordinator.invitations.operations import invitations_of

    answers = {inv.journalist_id: (inv.rsvp, inv.rsvp_source, inv.rsvp_at) for inv in invitations_of(old)}
    for invitation in invitations_of(new):
        if invitation.rsvp == "needs_action" and invitation.journalist_id in answers:
            invitation.rsvp, invitation.rsvp_source, invitation.rsvp_at = answers[invitation.journalist_id]
    db.session.commit()


def briefing_updated(event: OutboxEvent) -> None:
    briefing = db.session.get(Briefing, event.payload["briefing_id"])
    if briefing is None:
        return
    changes = event.payload.get("changes") or {}
    if briefing.series_id is None:
        if briefing.status == "cancelled":
            invitations.send_cancellation(briefing.id, event_id=event.id)
        else:
            invitations.send_invitations("briefing", briefing.id, event_id=event.id, changes=changes)
        return
    if briefing.status == "cancelled":
        invitations.send_cancellation(briefing.id, event_id=event.id)
    else:
        invitations.send_occurrence_update(briefing.id, event_id=event.id, changes=changes)


def briefing_cancelled(event: OutboxEvent) -> None:
    briefing = db.session.get(Briefing, event.payload["briefing_id"])
    if briefing is not None:
        invitations.send_cancellation(briefing.id, event_id=event.id)
