"""What the invitation fan-outs send (targets of ``coordinator.mail.fanout``).

Each target re-reads its briefing or series when it runs, lists its recipients by plain columns (so a
resumed or shared run is cheap to start), composes a message only for what it has claimed, and records
each journalist's outcome on the engine's own connection. A fan-out planned for a SEQUENCE that has
since moved on stops: the newer one carries the newer version.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations import itip, messages
from coordinator.invitations.models import Invitation
from coordinator.mail.fanout import Recipient, Target, target
from coordinator.offices.models import Office
from coordinator.schedule import ical
from coordinator.schedule.models import Briefing, Series


def _invitation_rows(column, target_id: int, *, sent_only: bool = False, behind_of: int | None = None,
                     new_too: bool = False, ids: Sequence[int] | None = None, changed_at: datetime | None = None):
    """(invitation id, email, journalist status) of a target's live invitations, in a stable order.
    ``changed_at``: only those whose last full REQUEST was made before that change (a later one carries it)."""
    query = (select(Invitation.id, Journalist.email, Journalist.status)
             .join(Journalist, Journalist.id == Invitation.journalist_id)
             .where(column == target_id, Invitation.cancelled_at.is_(None)).order_by(Invitation.id))
    if ids is not None:
        query = (select(Invitation.id, Journalist.email, Journalist.status)
                 .join(Journalist, Journalist.id == Invitation.journalist_id)
                 .where(column == target_id, Invitation.id.in_(list(ids))).order_by(Invitation.id))
    if sent_only:
        query = query.where(Invitation.sent_sequence.is_not(None))
    if changed_at is not None:
        query = query.where(Invitation.request_stamp.is_(None) | (Invitation.request_stamp <= changed_at))
    if behind_of is not None:
        # Those already at this sequence stay on the list: their message is the same (same key, found sent,
        # not sent again), so a fan-out planned again keeps counting the whole audience, not just the rest.
        reached = Invitation.sent_sequence <= behind_of
        query = query.where(reached | Invitation.sent_sequence.is_(None) if new_too else reached)
    return db.session.execute(query).all()


class _InvitationTarget(Target):
    """Shared by every invitation target: rows are invitations (journalist joined), one office."""

    def load(self, row_ids: Sequence[int]) -> Mapping[int, Invitation]:
        rows = db.session.scalars(select(Invitation).options(joinedload(Invitation.journalist))
                                  .where(Invitation.id.in_(list(row_ids)))
                                  .execution_options(populate_existing=True)).unique()
        return {row.id: row for row in rows}

    @property
    def office(self) -> Office:
        office = getattr(self, "_office", None)
        if office is None:
            office = self._office = db.session.get(Office, self.fan.office_id)
        return office

    def _recipients(self, rows, key) -> list[Recipient]:
        return [Recipient(row_id=row.id, key=key(row.id), email=row.email, mailable=row.status == "active")
                for row in rows]

    def record(self, connection: Connection, finished: Sequence[tuple[Any, int, str]]) -> None:
        for invitation, delivery_id, _state in finished:
            connection.execute(update(Invitation).where(Invitation.id == invitation.id)
                               .values(last_delivery_id=delivery_id))


@target
class InviteTarget(_InvitationTarget):
    """The full REQUEST of a series or ad hoc briefing at its SEQUENCE: a first invitation for those not
    invited yet (once the invitation time has come), an update with what changed for the others."""

    kind = "invite"

    def prepare(self) -> bool:
        model = Series if self.spec["target"] == "series" else Briefing
        self.target = db.session.get(model, self.spec["id"], populate_existing=True)
        if self.target is None or self.target.sequence != self.spec["sequence"]:
            return False  # gone, or a newer version has its own fan-out
        self.sequence = self.target.sequence
        self.first = (db.session.scalar(select(Briefing).where(
            Briefing.series_id == self.target.id, Briefing.start >= clock.now(),
            Briefing.status.in_(("scheduled", "moved"))).order_by(Briefing.start))
            if isinstance(self.target, Series) else None)
        self.changes = self.spec.get("changes") or None
        self.purpose = "update" if self.changes else "invite"
        self.batch = messages.InviteBatch(self.target, self.office, first=self.first, changes=self.changes)
        return True

    def recipients(self) -> list[Recipient]:
        column = Invitation.series_id if isinstance(self.target, Series) else Invitation.briefing_id
        rows = _invitation_rows(column, self.target.id, behind_of=self.sequence,
                                new_too=bool(self.spec.get("invite_new", True)))
        return self._recipients(rows, lambda invitation_id: messages.invite_key_for(invitation_id, self.sequence))

    def build(self, invitation: Invitation):
        return self.batch.message(invitation)

    def record(self, connection: Connection, finished: Sequence[tuple[Any, int, str]]) -> None:
        now = clock.now()
        for invitation, delivery_id, _state in finished:
            connection.execute(update(Invitation).where(Invitation.id == invitation.id).values(
                last_delivery_id=delivery_id, sent_sequence=self.sequence,
                invited_at=invitation.invited_at or now, request_stamp=self.batch.stamp))


@target
class OccurrenceUpdateTarget(_InvitationTarget):
    """One occurrence of a series changed: its RECURRENCE-ID override to everyone sent the series."""

    kind = "occurrence_update"
    purpose = "update"

    def prepare(self) -> bool:
        self.briefing = db.session.get(Briefing, self.spec["briefing_id"], populate_existing=True)
        if self.briefing is None or self.briefing.series_id is None or \
                self.briefing.sequence != self.spec["sequence"]:
            return False
        self._components: dict[str, object] = {}  # per reader's language (a description's labels are words)
        return True

    def recipients(self) -> list[Recipient]:
        rows = _invitation_rows(Invitation.series_id, self.briefing.series_id, sent_only=True,
                                changed_at=self.briefing.last_modified)
        return self._recipients(rows, lambda invitation_id: messages.update_key(
            invitation_id, self.briefing.id, self.briefing.sequence))

    def build(self, invitation: Invitation):
        language = invitation.journalist.language or self.office.locale
        if language not in self._components:
            with force_locale(language):
                self._components[language] = itip.occurrence_component(self.briefing)
        return messages.occurrence_update(invitation, self.briefing, self.office, self.spec.get("changes") or {},
                                          component=copy.deepcopy(self._components[language]))


@target
class CancelTarget(_InvitationTarget):
    """CANCEL one occurrence (with its RECURRENCE-ID) or an ad hoc briefing, to those sent a REQUEST."""

    kind = "cancel"
    purpose = "cancel"

    def prepare(self) -> bool:
        self.briefing = db.session.get(Briefing, self.spec["briefing_id"], populate_existing=True)
        if self.briefing is None or self.briefing.status != "cancelled":
            return False  # restored meanwhile: its update says so
        self.sequence = itip.cancel_sequence(self.briefing)
        return True

    def recipients(self) -> list[Recipient]:
        if self.briefing.series_id is not None:
            rows = _invitation_rows(Invitation.series_id, self.briefing.series_id, sent_only=True,
                                    changed_at=self.briefing.last_modified)
        else:
            rows = _invitation_rows(Invitation.briefing_id, self.briefing.id, sent_only=True)
        return self._recipients(rows, lambda invitation_id: messages.cancel_key(
            invitation_id, self.briefing.id, self.sequence))

    def build(self, invitation: Invitation):
        briefing = self.briefing
        return messages.cancellation(invitation, self.office, uid=briefing.uid, sequence=self.sequence,
                                     title=briefing.effective_title, start=briefing.start, end=briefing.end,
                                     timezone=briefing.timezone,
                                     recurrence_id=ical.nominal_start(briefing.recurrence_id, briefing.series)
                                     if briefing.series is not None else None,
                                     key=messages.cancel_key(invitation.id, briefing.id, self.sequence))


@target
class CancelRemovedTarget(_InvitationTarget):
    """CANCEL the whole series or ad hoc briefing for journalists taken off its audience."""

    kind = "cancel_removed"
    purpose = "cancel"

    def prepare(self) -> bool:
        model = Series if self.spec["target"] == "series" else Briefing
        self.target = db.session.get(model, self.spec["id"], populate_existing=True)
        if self.target is None:
            return False
        self.sequence = itip.whole_cancel_sequence(self.target)
        return True

    def recipients(self) -> list[Recipient]:
        column = Invitation.series_id if isinstance(self.target, Series) else Invitation.briefing_id
        rows = [row for row in _invitation_rows(column, self.target.id, ids=self.spec["invitation_ids"])]
        return self._recipients(rows, lambda invitation_id: messages.cancel_whole_key(invitation_id, self.target.uid))

    def build(self, invitation: Invitation):
        target_ = self.target
        if isinstance(target_, Series):
            start, end, title = target_.start_aware, target_.start_aware + target_.duration, target_.title
        else:
            start, end, title = target_.start, target_.end, target_.effective_title
        return messages.cancellation(invitation, self.office, uid=target_.uid, sequence=self.sequence,
                                     title=title, start=start, end=end, timezone=target_.timezone,
                                     recurrence_id=None, key=messages.cancel_whole_key(invitation.id, target_.uid),
                                     whole_series=True)


@target
class ReminderTarget(_InvitationTarget):
    """A reminder before a briefing to those who accepted or have not answered (invited before it was
    due). The key holds the start, so a moved briefing is reminded again at its new time."""

    kind = "reminder"
    purpose = "reminder"

    def prepare(self) -> bool:
        self.briefing = db.session.get(Briefing, self.spec["briefing_id"], populate_existing=True)
        if self.briefing is None or self.briefing.status not in ("scheduled", "moved"):
            return False
        return self.briefing.start.isoformat() == self.spec["start"]

    def recipients(self) -> list[Recipient]:
        from coordinator.invitations.operations import rsvps_for_briefing, target_of

        due = datetime.fromisoformat(self.spec["due"])
        answers = rsvps_for_briefing(self.briefing)
        target_ = target_of(self.briefing)
        column = Invitation.series_id if isinstance(target_, Series) else Invitation.briefing_id
        rows = db.session.execute(
            select(Invitation.id, Invitation.journalist_id, Journalist.email, Journalist.status)
            .join(Journalist, Journalist.id == Invitation.journalist_id)
            .where(column == target_.id, Invitation.cancelled_at.is_(None), Invitation.invited_at.is_not(None),
                   Invitation.invited_at < due).order_by(Invitation.id)).all()
        rows = [row for row in rows if answers.get(row.journalist_id) in ("accepted", "needs_action")]
        offset, start = self.spec["offset"], self.spec["start"]
        return self._recipients(rows, lambda invitation_id: messages.reminder_key(
            invitation_id, self.briefing.id, offset, start))

    def build(self, invitation: Invitation):
        return messages.reminder(invitation, self.briefing, self.office, self.spec["offset"])
