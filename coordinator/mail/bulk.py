"""Sending many messages at once through a bounded pool of connections.

The live API answers each request in tens of milliseconds over the internet, so
one message after another is far too slow for a crisis (300 × 80 ms = 24 s).
``BulkSender`` keeps the database work in the calling thread (claim a chunk,
record its results) and hands only the provider calls to a thread pool.

Resumable and idempotent: every message has a delivery row keyed by its
idempotency key. A chunk is claimed before it is sent; what a killed worker
left claimed becomes claimable again when its claim expires; what is sent is
never sent again; two workers on the same fan-out claim disjoint rows.
"""
from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from coordinator.core import clock, uow
from coordinator.extensions import db
from coordinator.mail import service
from coordinator.mail.backends import MailBackend, PermanentMailError, TemporaryMailError
from coordinator.mail.message import OutgoingMessage
from coordinator.mail.models import Delivery, Suppression

log = logging.getLogger(__name__)

MAX_IN_PROCESS_ATTEMPTS = 4
MAX_RATE_LIMIT_WAIT = 30.0


@dataclass
class BulkReport:
    sent: int = 0
    already_done: int = 0
    suppressed: int = 0
    failed: int = 0
    pending: int = 0  # not sent yet: a temporary error, or another worker holds it
    failed_keys: list[str] = field(default_factory=list)
    # key -> delivery id and final state, for what this call found finished or finished itself
    finished: dict[str, tuple[int, str]] = field(default_factory=dict)

    def add(self, other: BulkReport) -> None:
        for name in ("sent", "already_done", "suppressed", "failed", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed_keys.extend(other.failed_keys)
        self.finished.update(other.finished)


@dataclass
class _Outcome:
    delivery_id: int
    state: str  # sent | failed | queued
    provider_message_id: str | None = None
    error: str | None = None
    subject: str | None = None


@dataclass
class LazyMessage:
    """A message known by its key and recipient, built only when its turn to be sent comes.

    Building (templates, iCalendar, QR code) is CPU work; done just in time in the calling
    thread, it overlaps with the pool's network waits instead of preceding them."""

    key: str
    office_id: int | None
    purpose: str
    to_email: str
    build: Callable[[], OutgoingMessage]
    subject: str = ""


Sendable = OutgoingMessage | LazyMessage


def _send_with_retries(backend: MailBackend, message: OutgoingMessage, delivery_id: int) -> _Outcome:
    """In a pool thread: only provider I/O, never the database."""
    delay = 0.5
    subject = message.subject[:500]
    for attempt in range(1, MAX_IN_PROCESS_ATTEMPTS + 1):
        try:
            provider_id = backend.send(message)
            return _Outcome(delivery_id, "sent", provider_message_id=provider_id, subject=subject)
        except PermanentMailError as exc:
            return _Outcome(delivery_id, "failed", error=str(exc)[:2000], subject=subject)
        except TemporaryMailError as exc:
            if attempt == MAX_IN_PROCESS_ATTEMPTS:
                return _Outcome(delivery_id, "queued", error=str(exc)[:2000], subject=subject)
            if exc.retry_after is not None:  # 429: wait for X-RateLimit-Reset
                time.sleep(min(max(exc.retry_after, 0.05), MAX_RATE_LIMIT_WAIT))
            else:
                time.sleep(delay * (1 + random.random()))
                delay *= 2
    raise AssertionError("unreachable")


class BulkSender:
    """``with BulkSender() as sender: report = sender.send(messages)`` (one call per chunk)."""

    def __init__(self, concurrency: int = 16, token: str | None = None):
        self.concurrency = concurrency
        # Marks the rows this sender claims; a heartbeat renews their claims by it (``renew_claims``).
        self.token = token or secrets.token_hex(16)
        self.backend = service.backend()
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="mail")

    def __enter__(self) -> BulkSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)

    def send(self, messages: Sequence[Sendable]) -> BulkReport:
        report = BulkReport()
        if not messages:
            return report
        by_key = {message.key: message for message in messages}
        states = self._ensure_rows(messages)
        id_to_key = {delivery_id: key for delivery_id, (key, _, _) in states.items()}
        suppressed = self._suppressed_addresses(messages)
        to_suppress = [delivery_id for delivery_id, (key, state, recipient) in states.items()
                       if state == "queued" and (by_key[key].office_id, recipient) in suppressed]
        if to_suppress:
            with uow.independent() as conn:
                conn.execute(update(Delivery).where(Delivery.id.in_(to_suppress))
                             .values(state="suppressed", error="suppressed"))
            report.suppressed += len(to_suppress)
            for delivery_id in to_suppress:
                report.finished[id_to_key[delivery_id]] = (delivery_id, "suppressed")
        suppressed_now = set(to_suppress)
        candidates = []
        for delivery_id, (key, state, _) in states.items():
            if state in ("sent", "failed", "suppressed"):
                report.already_done += 1
                report.finished[key] = (delivery_id, state)
            elif delivery_id not in suppressed_now:
                candidates.append(delivery_id)
        self._send_window(candidates, by_key, id_to_key, report)
        return report

    def _send_window(self, candidates: list[int], by_key: dict[str, Sendable], id_to_key: dict[int, str],
                     report: BulkReport) -> None:
        """Claim a few at a time, just ahead of the pool, and record each result as it comes back.

        So a killed worker leaves at most a window's worth of claimed rows unrecorded (those in
        flight, which the provider never confirmed), never a whole chunk it had already sent.
        """
        window = self.concurrency * 2
        queue = list(candidates)
        in_flight: dict = {}
        while queue or in_flight:
            if queue and len(in_flight) < window:
                batch, queue = queue[:window - len(in_flight)], queue[window - len(in_flight):]
                won = self._claim(batch)
                report.pending += len(batch) - len(won)
                for delivery_id in won:
                    item = by_key[id_to_key[delivery_id]]
                    message = item.build() if isinstance(item, LazyMessage) else item
                    future = self.pool.submit(_send_with_retries, self.backend, message, delivery_id)
                    in_flight[future] = delivery_id
            if not in_flight:
                continue
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            outcomes = [future.result() for future in done]
            for future in done:
                del in_flight[future]
            self._record(outcomes)
            for outcome in outcomes:
                key = id_to_key[outcome.delivery_id]
                if outcome.state in ("sent", "failed"):
                    report.finished[key] = (outcome.delivery_id, outcome.state)
                if outcome.state == "sent":
                    report.sent += 1
                elif outcome.state == "failed":
                    report.failed += 1
                    report.failed_keys.append(key)
                else:
                    report.pending += 1

    # --- database work, in the calling thread --------------------------------------------------
    # On a connection of its own, in short transactions: the caller's session (and the ORM objects it
    # holds to build the messages) is neither committed nor expired by the bookkeeping of each send.

    def _ensure_rows(self, messages: Sequence[Sendable]) -> dict[int, tuple[str, str, str]]:
        """delivery id -> (key, state, recipient) for every message, creating the missing rows."""
        keys = [message.key for message in messages]
        select_rows = db.select(Delivery.id, Delivery.key, Delivery.state, Delivery.recipient).where(
            Delivery.key.in_(keys))
        with uow.independent() as conn:
            existing = {key: (delivery_id, state, recipient)
                        for delivery_id, key, state, recipient in conn.execute(select_rows)}
        missing = [message for message in messages if message.key not in existing]
        if missing:
            values = [{"key": m.key, "office_id": m.office_id, "purpose": m.purpose, "recipient": m.to_email.lower(),
                       "subject": (m.subject or "")[:500], "state": "queued", "attempts": 0, "created_at": clock.now()}
                      for m in missing]
            try:
                with uow.independent() as conn:
                    conn.execute(Delivery.__table__.insert(), values)
            except IntegrityError:  # another worker inserted some of them first: one by one, taking theirs
                for row in values:
                    try:
                        with uow.independent() as conn:
                            conn.execute(Delivery.__table__.insert(), [row])
                    except IntegrityError:
                        pass
            with uow.independent() as conn:
                existing = {key: (delivery_id, state, recipient)
                            for delivery_id, key, state, recipient in conn.execute(select_rows)}
        return {delivery_id: (key, state, recipient) for key, (delivery_id, state, recipient) in existing.items()}

    @staticmethod
    def _suppressed_addresses(messages: Sequence[Sendable]) -> set[tuple[int | None, str]]:
        office_ids = {m.office_id for m in messages if m.office_id is not None}
        emails = {m.to_email.lower() for m in messages}
        if not office_ids:
            return set()
        with uow.independent() as conn:
            rows = conn.execute(db.select(Suppression.office_id, Suppression.email)
                                .where(Suppression.office_id.in_(office_ids), Suppression.email.in_(emails)))
            return {(office_id, email) for office_id, email in rows}

    def _claim(self, delivery_ids: Iterable[int]) -> list[int]:
        ids = list(delivery_ids)
        if not ids:
            return []
        now = clock.now()
        until = now + timedelta(seconds=service.claim_seconds())
        token = self.token
        with uow.independent() as conn:
            conn.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids),
                       or_(Delivery.state == "queued", (Delivery.state == "sending") & (Delivery.claimed_until < now)))
                .values(state="sending", claimed_until=until, attempts=Delivery.attempts + 1, claim_token=token))
        # The claim token marks the rows this sender won (another worker may have won others).
        with uow.independent() as conn:
            return list(conn.scalars(db.select(Delivery.id).where(Delivery.id.in_(ids),
                                                                  Delivery.claim_token == token)))

    def _record(self, outcomes: list[_Outcome]) -> None:
        now = clock.now()
        provider = self.backend.name
        updates = []
        for outcome in outcomes:
            values: dict = {"state": outcome.state, "claimed_until": None, "error": outcome.error}
            if outcome.subject:
                values["subject"] = outcome.subject
            if outcome.state == "sent":
                values |= {"provider": provider, "provider_message_id": outcome.provider_message_id, "sent_at": now}
            elif outcome.state == "failed":
                values["provider"] = provider
            updates.append((outcome.delivery_id, values))
        with uow.independent() as conn:
            for delivery_id, values in updates:
                conn.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


def renew_claims(connection, token: str, until) -> int:
    """Keep the claims of a live sender: every message it holds stays its own until ``until``."""
    result = connection.execute(update(Delivery).where(Delivery.claim_token == token, Delivery.state == "sending")
                                .values(claimed_until=until))
    return result.rowcount
