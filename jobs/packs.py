"""Pack release and distribution, from outbox events (a scheduled release survives worker and Redis
restarts: the outbox row is the schedule).

``release_due`` re-checks the pack and the time (idempotent), releases it, and fans it out through the
invitations' engine (``_fan_out``: resumable, idempotent, FanOut progress rows). A first release goes to
the briefing's invited journalists plus the pack's lists and beats; a correction goes to everyone who
received an earlier version; after the briefing, a follow-up goes to the invited who did not attend.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coordinator.contacts.audience import resolve_audience
from coordinator.contacts.models import Journalist
from coordinator.core import clock, events
from coordinator.extensions import db
from coordinator.invitations.attendance_hooks import attended_journalists
from coordinator.invitations.operations import audience_of, invitations_of, target_of
from coordinator.mail.bulk import BulkReport
from coordinator.offices.models import Office
from coordinator.packs import messages
from coordinator.packs.models import Pack, PackRecipient
from coordinator.packs.operations import mark_released, release_time
from coordinator.schedule.models import Briefing
from jobs.invitations import _fan_out

log = logging.getLogger(__name__)


def release_due(pack_id: int, *, event_id: int | None = None, now: datetime | None = None) -> str:
    """Release the pack if its time has come, then distribute it. Returns what happened."""
    now = now or clock.now()
    pack = db.session.get(Pack, pack_id)
    if pack is None:
        return "missing"
    if pack.superseded_at is not None and pack.status != "released":
        return "superseded"
    if pack.status == "approved":
        due = release_time(pack)
        if due > now:
            # Not yet (the event came early, or the time moved): the outbox keeps a new one for then.
            events.emit("pack.release_due", office_id=pack.office_id, payload={"pack_id": pack.id}, due_at=due)
            db.session.commit()
            return "rescheduled"
        mark_released(pack, now=now, actor_label="system")
        db.session.commit()
    if pack.status != "released":
        return "not-approved"
    distribute(pack, event_id=event_id, now=now)
    return "released"


def _active_invited(briefing: Briefing) -> list[int]:
    """The briefing's invited journalists: its invitations, and whom its audience names now (a pack
    released right after an ad hoc briefing is called may run before the invitations are written)."""
    target = target_of(briefing)
    ids = {inv.journalist_id for inv in invitations_of(target)}
    ids.update(j.id for j in resolve_audience(briefing.office_id, audience_of(target)))
    return sorted(ids)


def first_audience(pack: Pack) -> list[int]:
    ids: set[int] = set()
    if pack.briefing_id is not None:
        briefing = db.session.get(Briefing, pack.briefing_id)
        if briefing is not None:
            ids.update(_active_invited(briefing))
    audience = pack.audience or {}
    if audience.get("list_ids") or audience.get("beats"):
        ids.update(j.id for j in resolve_audience(pack.office_id, {"list_ids": audience.get("list_ids") or [],
                                                                   "beats": audience.get("beats") or []}))
    return sorted(ids)


def earlier_recipients(pack: Pack) -> list[int]:
    """Everyone who was sent any earlier version of this lineage (and got it)."""
    rows = db.session.scalars(select(PackRecipient.journalist_id).join(Pack, Pack.id == PackRecipient.pack_id)
                              .where(PackRecipient.root_id == pack.lineage_id, Pack.version < pack.version,
                                     PackRecipient.sent_at.is_not(None)).distinct())
    return sorted(set(rows))


def _recipients(pack: Pack, journalist_ids: list[int], purpose: str) -> list[PackRecipient]:
    """The recipient rows (created once; a re-run finds them), ordered by journalist."""
    existing = {r.journalist_id: r for r in db.session.scalars(select(PackRecipient).where(
        PackRecipient.pack_id == pack.id, PackRecipient.purpose == purpose))}
    wanted = [j for j in journalist_ids if j not in existing]
    if wanted:
        valid = set(db.session.scalars(select(Journalist.id).where(Journalist.office_id == pack.office_id,
                                                                   Journalist.id.in_(wanted))))
        for journalist_id in wanted:
            if journalist_id in valid:
                db.session.add(PackRecipient(office_id=pack.office_id, pack_id=pack.id, root_id=pack.lineage_id,
                                             journalist_id=journalist_id, purpose=purpose))
        try:
            db.session.commit()
        except IntegrityError:  # another worker on the same release created them first
            db.session.rollback()
    rows = db.session.scalars(select(PackRecipient).where(PackRecipient.pack_id == pack.id,
                                                          PackRecipient.purpose == purpose))
    keep = set(journalist_ids)
    return sorted((r for r in rows if r.journalist_id in keep), key=lambda r: r.journalist_id)


def _send(pack: Pack, recipients: list[PackRecipient], purpose: str, fan_key: str, *, event_id: int | None,
          now: datetime) -> BulkReport:
    office = db.session.get(Office, pack.office_id)

    def build(recipient: PackRecipient):
        return messages.pack_message(pack, recipient.journalist, office, purpose, now=now)

    def finished(recipient: PackRecipient, delivery_id: int, state: str) -> None:
        if state == "sent" and recipient.sent_at is None:
            recipient.sent_at = clock.now()

    return _fan_out(key=fan_key, purpose=purpose, label=pack.title, office=office, invitations=recipients,
                    build=build, event_id=event_id, briefing_id=pack.briefing_id, on_finished=finished)


def distribute(pack: Pack, *, event_id: int | None = None, now: datetime | None = None) -> BulkReport:
    """A released version to its recipients: a correction to earlier recipients, else the first audience."""
    now = now or clock.now()
    earlier = earlier_recipients(pack) if pack.version > 1 else []
    if earlier:
        purpose, ids, fan_key = "correction", earlier, f"correction:{pack.id}"
    else:
        purpose, ids, fan_key = "pack", first_audience(pack), f"pack:{pack.id}"
    recipients = _recipients(pack, ids, purpose)
    return _send(pack, recipients, purpose, fan_key, event_id=event_id, now=now)


def follow_up_due(root_id: int, *, event_id: int | None = None, now: datetime | None = None) -> str:
    """After the briefing: the newest released version to the invited who did not attend."""
    now = now or clock.now()
    pack = db.session.scalar(select(Pack).where(Pack.root_id == root_id, Pack.status == "released")
                             .order_by(Pack.version.desc()))
    if pack is None or pack.briefing_id is None:
        return "nothing"
    briefing = db.session.get(Briefing, pack.briefing_id)
    if briefing is None or briefing.status == "cancelled":
        return "nothing"
    if briefing.end > now:
        events.emit("pack.follow_up_due", office_id=pack.office_id, payload={"root_id": root_id},
                    due_at=briefing.end)
        db.session.commit()
        return "rescheduled"
    present = attended_journalists(briefing)
    absent = [j for j in _active_invited(briefing) if j not in present]
    recipients = _recipients(pack, absent, "follow_up")
    _send(pack, recipients, "follow_up", f"pack-follow-up:{root_id}", event_id=event_id, now=now)
    return "sent"
