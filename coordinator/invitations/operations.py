"""Invitations: who is invited to what, and their answers. Functions flush, never commit."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from coordinator.contacts.audience import resolve_audience
from coordinator.contacts.models import Journalist
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import RSVP_SOURCES, RSVP_STATES, Invitation, OccurrenceRsvp
from coordinator.invitations.tokens import new_checkin_code
from coordinator.schedule.models import Briefing, Series

Target = Series | Briefing


def target_of(briefing: Briefing) -> Target:
    """What a briefing's invitations belong to: its series, or the ad hoc briefing itself."""
    return briefing.series if briefing.series_id is not None else briefing


def audience_of(target: Target) -> dict:
    if isinstance(target, Series):
        return target.audience or {}
    return target.effective_audience


def invitations_of(target: Target, *, include_cancelled: bool = False) -> list[Invitation]:
    column = Invitation.series_id if isinstance(target, Series) else Invitation.briefing_id
    query = select(Invitation).where(column == target.id).order_by(Invitation.id)
    if not include_cancelled:
        query = query.where(Invitation.cancelled_at.is_(None))
    return list(db.session.scalars(query))


def _unique_code(office_id: int, taken: set[str]) -> str:
    while True:
        code = new_checkin_code()
        if code in taken:
            continue
        exists = db.session.scalar(select(Invitation.id).where(Invitation.office_id == office_id,
                                                               Invitation.checkin_code == code))
        if exists is None:
            taken.add(code)
            return code


def sync_invitations(target: Target) -> tuple[list[Invitation], list[Invitation]]:
    """Make the invitations match the audience as it resolves now.

    Returns (added, removed): new rows for journalists who joined the audience, and rows
    cancelled for those who left it (they get a CANCEL if they were already sent a REQUEST).
    Journalists who are no longer active keep their row but are simply not mailed.
    """
    wanted = {j.id for j in resolve_audience(target.office_id, audience_of(target))}
    existing = {inv.journalist_id: inv for inv in invitations_of(target, include_cancelled=True)}
    added: list[Invitation] = []
    removed: list[Invitation] = []
    taken: set[str] = set()
    for journalist_id in sorted(wanted):
        invitation = existing.get(journalist_id)
        if invitation is None:
            invitation = Invitation(office_id=target.office_id, journalist_id=journalist_id,
                                    checkin_code=_unique_code(target.office_id, taken))
            if isinstance(target, Series):
                invitation.series_id = target.id
            else:
                invitation.briefing_id = target.id
            db.session.add(invitation)
            added.append(invitation)
        elif invitation.cancelled_at is not None:
            invitation.cancelled_at = None
            added.append(invitation)
    for journalist_id, invitation in existing.items():
        journalist = invitation.journalist
        if journalist_id not in wanted and invitation.cancelled_at is None and journalist.status == "active":
            invitation.cancelled_at = clock.now()
            removed.append(invitation)
    db.session.flush()
    if added or removed:  # personal feeds are cached by the office's schedule version
        from coordinator.schedule.operations import bump_state

        bump_state(target.office_id)
    return added, removed


def effective_rsvp(invitation: Invitation, briefing: Briefing | None = None) -> str:
    if briefing is not None and invitation.series_id is not None:
        override = db.session.scalar(select(OccurrenceRsvp.rsvp).where(
            OccurrenceRsvp.invitation_id == invitation.id, OccurrenceRsvp.briefing_id == briefing.id))
        if override:
            return override
    return invitation.rsvp


def rsvps_for_briefing(briefing: Briefing) -> dict[int, str]:
    """journalist_id -> answer for this briefing (occurrence answers win over the series answer)."""
    target = target_of(briefing)
    invitations = invitations_of(target)
    answers = {inv.journalist_id: inv.rsvp for inv in invitations}
    if briefing.series_id is not None:
        by_invitation = {inv.id: inv.journalist_id for inv in invitations}
        for invitation_id, rsvp in db.session.execute(select(OccurrenceRsvp.invitation_id, OccurrenceRsvp.rsvp)
                                                      .where(OccurrenceRsvp.briefing_id == briefing.id)):
            if invitation_id in by_invitation:
                answers[by_invitation[invitation_id]] = rsvp
    return answers


def set_rsvp(invitation: Invitation, answer: str, *, source: str, briefing: Briefing | None = None,
             note: str | None = None, actor_label: str | None = None) -> None:
    """Record an answer: for the whole invitation, or for one occurrence of a series."""
    if answer not in RSVP_STATES or answer == "needs_action" and source != "staff":
        raise ValidationError({"rsvp": _("Câu trả lời không hợp lệ: %(value)s.", value=answer)})
    if source not in RSVP_SOURCES:
        raise ValidationError({"source": _("Nguồn không hợp lệ: %(value)s.", value=source)})
    if briefing is not None and invitation.series_id is not None and briefing.series_id == invitation.series_id:
        row = db.session.scalar(select(OccurrenceRsvp).where(OccurrenceRsvp.invitation_id == invitation.id,
                                                             OccurrenceRsvp.briefing_id == briefing.id))
        if row is None:
            row = OccurrenceRsvp(invitation_id=invitation.id, briefing_id=briefing.id, rsvp=answer, source=source)
            db.session.add(row)
        else:
            row.rsvp, row.source, row.rsvp_at = answer, source, clock.now()
    else:
        invitation.rsvp, invitation.rsvp_source, invitation.rsvp_at = answer, source, clock.now()
        if note is not None:
            invitation.rsvp_note = note.strip()[:2000] or None
    db.session.flush()
    audit.record("invitation.rsvp", invitation, data={"rsvp": answer, "source": source,
                                                      "briefing_id": briefing.id if briefing else None},
                 actor_label=actor_label)


def upcoming_for_journalist(journalist: Journalist, now: datetime | None = None, limit: int = 50) -> list[
        tuple[Briefing, Invitation]]:
    """The journalist's coming briefings (of the series and ad hoc briefings they are invited to)."""
    now = now or clock.now()
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.journalist_id == journalist.id,
                                                                   Invitation.cancelled_at.is_(None))))
    by_series = {inv.series_id: inv for inv in invitations if inv.series_id}
    by_briefing = {inv.briefing_id: inv for inv in invitations if inv.briefing_id}
    if not invitations:
        return []
    conditions = []
    if by_series:
        conditions.append(Briefing.series_id.in_(by_series))
    if by_briefing:
        conditions.append(Briefing.id.in_(by_briefing))
    rows = db.session.scalars(select(Briefing).where(or_(*conditions), Briefing.end >= now)
                              .order_by(Briefing.start).limit(limit))
    return [(row, by_series.get(row.series_id) or by_briefing[row.id]) for row in rows]

