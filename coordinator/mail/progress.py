"""What a mailing is doing right now, in the words the pages show it in (templates/_fan_outs.html).

"preparing" while the event that plans it waits for a worker, "sending" while a fan-out runs, "done" when
every fan-out has closed, "waiting" with the time the mail goes out when that time is still ahead, "none"
when nothing was or will be sent. The domains (invitations, packs) decide which mailings and events are theirs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from coordinator.core import clock
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.mail.models import FanOut

STATES = ("preparing", "sending", "done", "waiting", "none")


@dataclass
class Progress:
    state: str
    fan_outs: list[FanOut] = field(default_factory=list)
    send_at: datetime | None = None  # "waiting": when the mail goes out

    @property
    def running(self) -> bool:
        return self.state in ("preparing", "sending")


def progress(fan_outs: list[FanOut], *, event_waiting: bool, send_at: datetime | None) -> Progress:
    """The state from what the domain found: its fan-outs, whether an event of its is still to be handled,
    and when its mail is due (None: never, or not by a time)."""
    if any(fan.finished_at is None for fan in fan_outs):
        return Progress("sending", fan_outs)
    if event_waiting:
        return Progress("preparing", fan_outs)
    if send_at is not None and send_at > clock.now():
        return Progress("waiting", fan_outs, send_at=send_at)
    if fan_outs:
        return Progress("done", fan_outs)
    if send_at is not None:  # due now: the scheduler's next pass plans it
        return Progress("preparing", fan_outs)
    return Progress("none", fan_outs)


def event_waiting(office_id: int, kinds: Iterable[str], concerns: Callable[[dict], bool]) -> bool:
    """An event of one of ``kinds`` that a worker has still to handle (and is due), and that ``concerns``
    the thing shown (given the event's payload)."""
    rows = db.session.scalars(select(OutboxEvent).where(
        OutboxEvent.office_id == office_id, OutboxEvent.kind.in_(list(kinds)),
        OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None),
        OutboxEvent.due_at <= clock.now()).limit(200))
    return any(concerns(row.payload or {}) for row in rows)
