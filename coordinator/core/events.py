"""The outbox: domain events written in the same transaction as the change.

``emit()`` adds an ``OutboxEvent`` row to the session. Once the transaction
commits, the new rows are handed to RQ (``jobs.outbox.run_event``); if Redis
is down or later loses them, ``sweep()`` (a periodic job) finds what was never
finished and enqueues it again. The database, not Redis, says what is due.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event, func, or_, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from coordinator.core import clock, uow
from coordinator.core.db import UTCDateTime
from coordinator.extensions import db

log = logging.getLogger(__name__)

PENDING_KEY = "coordinator.pending_events"


class OutboxEvent(db.Model):
    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_unfinished", "processed_at", "failed_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    # The RQ queue its job goes to: "urgent" for crisis work (a lane bulk work cannot occupy).
    queue: Mapped[str] = mapped_column(String(20), default="default")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    due_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    enqueued_at = mapped_column(UTCDateTime())
    locked_until = mapped_column(UTCDateTime())
    started_at = mapped_column(UTCDateTime())
    processed_at = mapped_column(UTCDateTime())
    failed_at = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(80))

    @property
    def state(self) -> str:
        if self.processed_at:
            return "done"
        if self.failed_at:
            return "failed"
        if self.locked_until and self.locked_until > clock.now():
            return "running"
        if self.due_at > clock.now():
            return "scheduled"
        return "queued"


def emit(kind: str, *, office_id: int | None, payload: dict[str, Any] | None = None,
         due_at: datetime | None = None, queue: str = "default") -> OutboxEvent:
    """Record a domain event in the current transaction; it is dispatched after commit."""
    row = OutboxEvent(kind=kind, office_id=office_id, payload=payload or {}, due_at=due_at or clock.now(),
                      queue=queue)
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append((row.id, row.due_at, row.queue))
    return row


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released, not the transaction: nothing is committed yet
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        dispatch(pending)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # back to a savepoint: the transaction, and what it will dispatch, goes on
    session.info.pop(PENDING_KEY, None)


def dispatch(pending: list[tuple[int, datetime | None, str]]) -> None:
    """Enqueue events by id (a future one for its due time). Failure is logged, not raised:
    the change is committed and the sweep enqueues what is due later."""
    from coordinator.core import tasks

    try:
        for event_id, due_at, queue in pending:
            tasks.enqueue_event(event_id, due_at, queue=queue)
    except Exception:
        log.warning("could not dispatch events %s now; the sweep will", pending, exc_info=True)


# How early an event may be taken: the worker's clock may run a little behind the clock of the process
# that emitted the event "now" (another machine, another container). Future events are enqueued by RQ
# at their due time, so this never starts a scheduled event noticeably early.
CLOCK_SKEW = timedelta(seconds=2)


def claim(event_id: int) -> OutboxEvent | None:
    """Take the lease on an unfinished, due event, or None if it is done or held by another worker.

    Committed at once on its own connection, so a second worker (or a re-enqueued copy) sees the lease
    whatever becomes of the handler's unit of work.
    """
    now = clock.now()
    lease = timedelta(seconds=current_app.config["EVENT_LEASE_SECONDS"])
    with uow.independent() as connection:
        result = connection.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.processed_at.is_(None),
                   OutboxEvent.failed_at.is_(None), OutboxEvent.due_at <= now + CLOCK_SKEW,
                   or_(OutboxEvent.locked_until.is_(None), OutboxEvent.locked_until < now))
            .values(locked_until=now + lease, started_at=now, attempts=OutboxEvent.attempts + 1)
        )
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxEvent, event_id, populate_existing=True)


def not_yet_due(event_id: int) -> datetime | None:
    """The due time of an unfinished event nobody holds that is not due yet, else None.

    A copy enqueued too early (a clock further behind than CLOCK_SKEW, a manual enqueue) is put back
    for that time rather than dropped, so the event never waits for the sweep.
    """
    row = db.session.execute(
        db.select(OutboxEvent.due_at, OutboxEvent.locked_until)
        .where(OutboxEvent.id == event_id, OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None))
    ).first()
    now = clock.now()
    if row is None or (row.locked_until is not None and row.locked_until > now):
        return None
    if row.due_at <= now + CLOCK_SKEW:
        return None
    return row.due_at


def renew_lease(event_id: int) -> None:
    """Long handlers call this now and then so the sweep does not think them dead."""
    lease = timedelta(seconds=current_app.config["EVENT_LEASE_SECONDS"])
    with uow.independent() as connection:
        connection.execute(update(OutboxEvent).where(OutboxEvent.id == event_id)
                           .values(locked_until=clock.now() + lease))


def mark_done(event_id: int) -> None:
    """In the handler's unit of work: the event is done exactly when the handler's changes are saved."""
    db.session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id)
                       .values(processed_at=clock.now(), locked_until=None, last_error=None))


def mark_attempt_failed(event_id: int, error: str, *, final: bool) -> None:
    """On its own connection: the handler's unit of work is rolled back, the failure is kept."""
    values: dict[str, Any] = {"locked_until": None, "last_error": error[-4000:]}
    if final:
        values["failed_at"] = clock.now()
    with uow.independent() as connection:
        connection.execute(update(OutboxEvent).where(OutboxEvent.id == event_id).values(**values))


def retry_failed(event: OutboxEvent) -> None:
    """Give a failed event a fresh start (admin 'retry'); dispatched after commit."""
    event.failed_at = None
    event.attempts = 0
    event.locked_until = None
    event.enqueued_at = None
    event.last_error = None
    db.session.info.setdefault(PENDING_KEY, []).append((event.id, None, event.queue))


def due_unfinished(*, grace: bool = True, limit: int = 1000) -> list[tuple[int, str]]:
    """(id, queue) of events that are due, unfinished and not leased by a live handler.

    An event whose lease ran out was being handled by a worker that stopped (a live handler renews its
    lease every few seconds): it is taken over at once. With ``grace``, an event never started counts
    only once it has waited EVENT_REDISPATCH_AFTER_SECONDS since it was due or last enqueued: the
    normal after-commit dispatch has had its chance by then.
    """
    now = clock.now()
    query = (
        db.select(OutboxEvent.id, OutboxEvent.queue)
        .where(OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None),
               OutboxEvent.due_at <= now,
               or_(OutboxEvent.locked_until.is_(None), OutboxEvent.locked_until < now))
        .order_by(OutboxEvent.due_at, OutboxEvent.id)
        .limit(limit)
    )
    if grace:
        before = now - timedelta(seconds=current_app.config["EVENT_REDISPATCH_AFTER_SECONDS"])
        abandoned = OutboxEvent.locked_until.is_not(None) & (OutboxEvent.locked_until < now)
        query = query.where(or_(abandoned, func.coalesce(OutboxEvent.enqueued_at, OutboxEvent.due_at) < before))
    return [(row.id, row.queue) for row in db.session.execute(query)]


def sweep(*, grace: bool = True) -> int:
    """Enqueue every due, unfinished event that nobody holds. Returns how many."""
    from coordinator.core import tasks

    rows = due_unfinished(grace=grace)
    for event_id, queue in rows:
        tasks.enqueue_event(event_id, queue=queue)
    if rows:
        with uow.independent() as connection:
            connection.execute(update(OutboxEvent).where(OutboxEvent.id.in_([r[0] for r in rows]))
                               .values(enqueued_at=clock.now(), locked_until=None))
    return len(rows)
