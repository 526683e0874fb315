"""The fan-out engine: one message to each of many recipients, exactly once, whatever fails.

Every mailing to many goes through here: invitations, updates, cancellations, reminders, packs,
corrections and follow-ups. A domain says *what* to send by a **target** (a small class registered
under a kind, in its own package: ``invitations/fanouts.py``, ``packs/fanouts.py``); the engine does
the rest:

1. **Plan** (:func:`plan`, inside the domain's unit of work): a ``FanOut`` row names the target and its
   spec, and an outbox event ``fanout.run`` carries it to a worker once that unit commits, on the urgent
   lane for crisis work. Planning the same thing twice reuses the row and never starts a second run.
2. **Run** (:func:`run`, the ``fanout.run`` handler): the recipients are read afresh; every message is
   claimed before it is sent (``BulkSender``); the outcome of each is recorded as it comes back, on a
   connection of its own, so the run's own session writes nothing while it sends.
3. **Heartbeat**: while a run works, a thread renews its event lease, its message claims and the
   fan-out's ``heartbeat_at`` every few seconds. A worker that dies stops renewing; within
   ``EVENT_LEASE_SECONDS`` (20 s) its lease and claims expire, the outbox sweep hands the event to
   another worker, and that run resumes where the dead one stopped: what was recorded as sent is never
   sent again, and the page says "resumed after a worker stopped".
4. **Helpers**: a fan-out of ``FANOUT_ASSIST_MIN`` recipients or more asks ``FANOUT_PARTS - 1`` other
   workers to help (:func:`assist`); each starts at its own part of the list and they meet at the end.

Only the owning run closes a fan-out: it waits for live claims of its helpers, recounts from the
deliveries themselves, and raises ``TemporaryMailError`` while anything is left (RQ retries it).
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any, ClassVar

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from coordinator.core import clock, events, tasks, uow
from coordinator.core.heartbeat import Heartbeat
from coordinator.extensions import db
from coordinator.mail import service
from coordinator.mail.backends import TemporaryMailError
from coordinator.mail.bulk import BulkReport, BulkSender, LazyMessage, renew_claims
from coordinator.mail.message import OutgoingMessage
from coordinator.mail.models import Delivery, FanOut

log = logging.getLogger(__name__)

CHUNK = 200
MAX_PASSES = 5
HELPER_POLL_SECONDS = 1.0
LANES = ("urgent", "default")


# --- targets: what a fan-out sends ---------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """One message to send: the domain row it is for, its idempotency key and its address."""

    row_id: int
    key: str
    email: str
    mailable: bool = True  # False: counted as suppressed (the journalist bounced, unsubscribed...)


class Target:
    """What one fan-out sends. Subclasses live with their domain and are registered with :func:`target`.

    ``prepare`` re-reads the domain objects (False: nothing to send any more, e.g. superseded);
    ``recipients`` lists every message, cheaply and in a stable order; ``load`` fetches the rows of a
    chunk in one query; ``build`` composes one message (called only for messages this run has claimed);
    ``record`` writes what became of finished messages, on the engine's own connection.
    """

    kind: ClassVar[str]
    purpose: ClassVar[str] = "invite"

    def __init__(self, fan: FanOut):
        self.fan = fan
        self.spec: dict[str, Any] = dict(fan.spec or {})

    def prepare(self) -> bool:
        return True

    def recipients(self) -> Sequence[Recipient]:
        raise NotImplementedError

    def load(self, row_ids: Sequence[int]) -> Mapping[int, Any]:
        raise NotImplementedError

    def build(self, row: Any) -> OutgoingMessage:
        raise NotImplementedError

    def record(self, connection: Connection, finished: Sequence[tuple[Any, int, str]]) -> None:
        """``finished``: (row, delivery id, state) for messages now sent, failed or suppressed."""


TARGETS: dict[str, type[Target]] = {}
# Where the targets are declared (each module registers its kinds when imported).
TARGET_MODULES = ("coordinator.invitations.fanouts", "coordinator.packs.fanouts")


def target(cls: type[Target]) -> type[Target]:
    """Register a target kind (class decorator)."""
    TARGETS[cls.kind] = cls
    return cls


def target_class(kind: str) -> type[Target] | None:
    if kind not in TARGETS:
        for module in TARGET_MODULES:
            import_module(module)
    return TARGETS.get(kind)


# --- planning (inside a domain's unit of work) ---------------------------------------------------

def plan(kind: str, spec: dict[str, Any], *, office_id: int, key: str, label: str, purpose: str,
         urgent: bool = False, series_id: int | None = None, briefing_id: int | None = None) -> FanOut:
    """Record that ``key`` is to be sent (or sent again to whoever it has not reached) and have a worker
    run it after this unit of work commits. Idempotent: an unfinished fan-out with a live run event is
    left to that run."""
    if target_class(kind) is None:
        raise LookupError(f"no fan-out target {kind!r}")
    fan = db.session.scalar(select(FanOut).where(FanOut.key == key))
    lane = "urgent" if urgent else "default"
    if fan is None:
        fan = FanOut(key=key, office_id=office_id, kind=kind, purpose=purpose, lane=lane, total=0, sent=0,
                     failed=0, suppressed=0, pending=0, resumes=0)
        db.session.add(fan)
    elif fan.lane != "urgent":
        fan.lane = lane
    fan.kind, fan.spec, fan.label, fan.purpose = kind, spec, label[:500], purpose
    fan.series_id, fan.briefing_id = series_id, briefing_id
    fan.finished_at = None
    fan.updated_at = clock.now()
    # A run that listed its recipients before this plan makes another pass (an SQL increment: plans race).
    fan.plans = FanOut.plans + 1 if fan.id is not None else 1
    db.session.flush()
    if not _run_pending(fan):
        event = events.emit("fanout.run", office_id=office_id, payload={"fan_id": fan.id, "key": key},
                            queue=fan.lane)
        fan.event_id = event.id
        db.session.flush()
    return fan


def _run_pending(fan: FanOut) -> bool:
    """Whether this fan-out's run event is still to be done (queued, running or retrying).

    A run that is under way notices a new plan (``plans`` moved on) before it closes and makes another pass
    with the recipients as they are then, so a second run beside it is never needed; a run that died is
    taken over when its lease lapses."""
    if fan.event_id is None:
        return False
    row = db.session.execute(select(events.OutboxEvent.processed_at, events.OutboxEvent.failed_at)
                             .where(events.OutboxEvent.id == fan.event_id)).first()
    return row is not None and row.processed_at is None and row.failed_at is None


# --- running ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """Which helper of a shared fan-out this is: part ``part`` of ``parts`` (the owner is part 0)."""

    part: int
    parts: int


def run(fan_id: int) -> BulkReport:
    """The owning run of a fan-out (the ``fanout.run`` event's handler)."""
    return _Run(fan_id).execute()


def assist(fan_id: int, part: int, parts: int) -> int:
    """A helper on a large fan-out; harmless if it runs late or twice. Returns how many it sent."""
    return _Run(fan_id, helper=Part(part, parts)).execute().sent


class _Run:
    def __init__(self, fan_id: int, *, helper: Part | None = None):
        self.fan_id = fan_id
        self.helper = helper
        self.token = secrets.token_hex(16)  # marks this run's claims (the heartbeat renews them)

    def execute(self) -> BulkReport:
        fan = db.session.get(FanOut, self.fan_id, populate_existing=True)
        if fan is None or fan.finished_at is not None or target_class(fan.kind) is None:
            return BulkReport()
        if self.helper is not None:
            return self._pass(fan, first=False)[0]
        total = BulkReport()
        for number in range(MAX_PASSES):
            report, closed = self._pass(fan, first=number == 0)
            total.add(report)
            if closed:
                break
            # Planned again while this pass ran (a newcomer in the audience): one more pass reads the
            # recipients afresh, instead of a second run working beside this one.
            fan = db.session.get(FanOut, self.fan_id, populate_existing=True)
        return total

    def _pass(self, fan: FanOut, *, first: bool) -> tuple[BulkReport, bool]:
        """One pass over the recipients as they are now. Returns the report and whether the fan-out closed."""
        plans = _plans(fan.id)  # read before the recipients: a plan committed after this is seen at close
        target_ = target_class(fan.kind)(fan)
        if not target_.prepare():
            return BulkReport(), self.helper is None and _close(fan.id, pending=0, plans=plans)
        recipients = list(target_.recipients())
        mailable = [r for r in recipients if r.mailable]
        if self.helper is None:
            self._start(fan, recipients, mailable, first=first)
        else:
            mailable = _rotated(mailable, self.helper)
        with Heartbeat(current_app._get_current_object(), *self._beats(fan.id)):
            report = self._send(target_, fan, mailable)
            if self.helper is None:
                return self._finish(target_, fan, mailable, report, plans)
        return report, False

    def _beats(self, fan_id: int) -> list[Callable[[], None]]:
        """What this run renews while it lives: its claims, and (the owner) its progress row's heartbeat.
        The event's lease is renewed by the outbox's own heartbeat (``jobs.outbox``)."""
        token, owner = self.token, self.helper is None

        def claims() -> None:
            now = clock.now()
            with uow.independent() as connection:
                renew_claims(connection, token, now + timedelta(seconds=service.claim_seconds()))
                if owner:
                    connection.execute(update(FanOut).where(FanOut.id == fan_id, FanOut.finished_at.is_(None))
                                       .values(heartbeat_at=now))
        return [claims]

    def _start(self, fan: FanOut, recipients: Sequence[Recipient], mailable: Sequence[Recipient], *,
               first: bool) -> None:
        """Totals, a note when this run takes over from a worker that stopped, and helpers if large."""
        now = clock.now()
        values: dict[str, Any] = {"total": len(recipients), "owner": _identity(), "heartbeat_at": now,
                                  "updated_at": now}
        if first and fan.owner is not None and fan.heartbeat_at is not None:
            values |= {"resumes": (fan.resumes or 0) + 1, "resumed_at": now}
            log.warning("fan-out %s resumed after %s stopped", fan.key, fan.owner)
        with uow.independent() as connection:
            connection.execute(update(FanOut).where(FanOut.id == fan.id).values(**values))
        parts = int(current_app.config.get("FANOUT_PARTS", 4))
        if parts > 1 and len(mailable) >= int(current_app.config.get("FANOUT_ASSIST_MIN", 1000)):
            queue = "urgent" if fan.lane == "urgent" else "bulk"
            for part in range(1, parts):
                tasks.enqueue("fanout.assist", fan.id, part, parts, queue=queue)

    def _send(self, target_: Target, fan: FanOut, mailable: Sequence[Recipient]) -> BulkReport:
        total = BulkReport()
        concurrency = int(current_app.config.get("MAIL_CONCURRENCY", 16))
        with BulkSender(concurrency=concurrency, token=self.token) as sender:
            for start in range(0, len(mailable), CHUNK):
                if self.helper is not None and _finished(fan.id):
                    break  # the owner closed it: nothing left to help with
                total.add(self._send_chunk(sender, target_, fan, mailable[start:start + CHUNK]))
        return total

    def _send_chunk(self, sender: BulkSender, target_: Target, fan: FanOut,
                    chunk: Sequence[Recipient]) -> BulkReport:
        rows = target_.load([r.row_id for r in chunk])
        by_key = {r.key: rows[r.row_id] for r in chunk if r.row_id in rows}
        batch = [LazyMessage(key=r.key, office_id=fan.office_id, purpose=target_.purpose, to_email=r.email,
                             build=_builder(target_, rows[r.row_id]))
                 for r in chunk if r.row_id in rows]
        report = sender.send(batch)
        finished = [(by_key[key], delivery_id, state) for key, (delivery_id, state) in report.finished.items()]
        with uow.independent() as connection:
            if finished:
                target_.record(connection, finished)
            connection.execute(update(FanOut).where(FanOut.id == fan.id).values(
                sent=FanOut.sent + report.sent, failed=FanOut.failed + report.failed,
                suppressed=FanOut.suppressed + report.suppressed, updated_at=clock.now()))
        return report

    def _finish(self, target_: Target, fan: FanOut, mailable: Sequence[Recipient], report: BulkReport,
                plans: int) -> tuple[BulkReport, bool]:
        """Wait out live claims of others (helpers), send what they left, close with exact counts (unless
        the fan-out was planned again meanwhile: then the caller makes another pass)."""
        deadline = time.monotonic() + 600
        while report.pending and time.monotonic() < deadline:
            unfinished = [r for r in mailable if r.key not in report.finished]
            held = _held_by_others([r.key for r in unfinished], self.token)
            if held:
                time.sleep(HELPER_POLL_SECONDS)
            again = self._send(target_, fan, unfinished)
            report.pending = 0
            report.add(again)
            if not held:
                break  # what is still pending failed for a time (the provider): RQ's retry takes it
        _recount(fan.id, mailable)
        closed = _close(fan.id, pending=report.pending, plans=plans)
        if report.pending:
            raise TemporaryMailError(f"{report.pending} message(s) of {fan.key} still to send")
        return report, closed


def _builder(target_: Target, row: Any) -> Callable[[], OutgoingMessage]:
    return lambda: target_.build(row)


def _rotated(items: Sequence[Recipient], helper: Part) -> list[Recipient]:
    """The whole list, starting at this helper's part: workers begin apart and meet at the end."""
    start = len(items) * helper.part // helper.parts
    return [*items[start:], *items[:start]]


def _finished(fan_id: int) -> bool:
    return db.session.scalar(select(FanOut.finished_at).where(FanOut.id == fan_id)) is not None


def _held_by_others(keys: Sequence[str], token: str) -> bool:
    """Whether another live run is sending any of these messages right now."""
    now = clock.now()
    for start in range(0, len(keys), 900):
        held = db.session.scalar(select(Delivery.id).where(
            Delivery.key.in_(keys[start:start + 900]), Delivery.state == "sending",
            Delivery.claimed_until > now, Delivery.claim_token != token).limit(1))
        if held is not None:
            return True
    return False


def _recount(fan_id: int, mailable: Sequence[Recipient]) -> None:
    """Counters from the deliveries themselves, so resumed and parallel runs add up exactly."""
    counts = {state: 0 for state in ("sent", "failed", "suppressed")}
    keys = [r.key for r in mailable]
    for start in range(0, len(keys), 900):
        for state, count in db.session.execute(select(Delivery.state, db.func.count())
                                               .where(Delivery.key.in_(keys[start:start + 900]))
                                               .group_by(Delivery.state)):
            if state in counts:
                counts[state] += count
    total = db.session.scalar(select(FanOut.total).where(FanOut.id == fan_id)) or 0
    with uow.independent() as connection:
        connection.execute(update(FanOut).where(FanOut.id == fan_id).values(
            sent=counts["sent"], failed=counts["failed"],
            suppressed=counts["suppressed"] + total - len(mailable)))


def _plans(fan_id: int) -> int:
    return db.session.scalar(select(FanOut.plans).where(FanOut.id == fan_id)) or 0


def _close(fan_id: int, *, pending: int, plans: int) -> bool:
    """Record the end of a pass; the fan-out is finished only if nothing was left and it was not planned
    again since the pass listed its recipients. Returns whether it finished."""
    now = clock.now()
    with uow.independent() as connection:
        connection.execute(update(FanOut).where(FanOut.id == fan_id).values(pending=pending, updated_at=now))
        if pending:
            connection.execute(update(FanOut).where(FanOut.id == fan_id).values(heartbeat_at=None))
            return False
        result = connection.execute(update(FanOut).where(
            FanOut.id == fan_id, func.coalesce(FanOut.plans, 0) == plans)
            .values(finished_at=now, heartbeat_at=None))
    return result.rowcount == 1


def _identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
