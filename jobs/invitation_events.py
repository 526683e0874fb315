"""Schedule events (``coordinator.schedule`` emits them) turned into planned invitation fan-outs."""
from __future__ import annotations

from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.invitations import delivery
from coordinator.invitations.operations import invitations_of
from coordinator.schedule.models import Briefing, Series


def series_created(event: OutboxEvent) -> None:
    delivery.schedule_invitations("series", event.payload["series_id"])


def briefing_created(event: OutboxEvent) -> None:
    if event.payload.get("series_id") is not None or event.payload.get("past"):
        return  # an occurrence: its series' invitation covers it; a past briefing is only a record
    delivery.schedule_invitations("briefing", event.payload["briefing_id"])


def invitations_due(event: OutboxEvent) -> None:
    """A delayed event: the invitation time of a series has come (the outbox keeps it across restarts)."""
    delivery.schedule_invitations(event.payload["kind"], event.payload["target_id"])


def series_updated(event: OutboxEvent) -> None:
    """A whole-series change (or its end): the new REQUEST, at the new SEQUENCE, to those invited.
    Before the invitation time nothing goes out: the invitations will carry the new version."""
    delivery.plan_invitations("series", event.payload["series_id"], changes=event.payload.get("changes") or None)


def series_split(event: OutboxEvent) -> None:
    """'This and following': the old series ends (REQUEST with UNTIL) and the new one is invited to, in
    the same breath (``delivery.plan_split``)."""
    delivery.plan_split(event.payload["old_series_id"], event.payload["new_series_id"],
                        changes=event.payload.get("changes"))
    old = db.session.get(Series, event.payload["old_series_id"])
    new = db.session.get(Series, event.payload["new_series_id"])
    if old is not None and new is not None:
        _carry_answers(old, new)


def _carry_answers(old: Series, new: Series) -> None:
    """Journalists who answered the old series keep their answer for its continuation."""
    answers = {inv.journalist_id: (inv.rsvp, inv.rsvp_source, inv.rsvp_at) for inv in invitations_of(old)}
    for invitation in invitations_of(new):
        if invitation.rsvp == "needs_action" and invitation.journalist_id in answers:
            invitation.rsvp, invitation.rsvp_source, invitation.rsvp_at = answers[invitation.journalist_id]
    db.session.flush()


def briefing_updated(event: OutboxEvent) -> None:
    briefing = db.session.get(Briefing, event.payload["briefing_id"])
    if briefing is None:
        return
    if briefing.status == "cancelled":
        delivery.plan_cancellation(briefing.id)
    elif briefing.series_id is None:
        delivery.plan_invitations("briefing", briefing.id, changes=event.payload.get("changes") or {})
    else:
        delivery.plan_occurrence_update(briefing.id, changes=event.payload.get("changes") or {})


def briefing_cancelled(event: OutboxEvent) -> None:
    briefing = db.session.get(Briefing, event.payload["briefing_id"])
    if briefing is not None:
        delivery.plan_cancellation(briefing.id)
