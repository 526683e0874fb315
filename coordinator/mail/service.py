"""Sending mail: the one place that talks to a backend.

``send()`` is idempotent by the message key. It claims the delivery row in its
own committed transaction before talking to the provider, so two workers on the
same message never both send it, and a message already sent is never sent again.
The mail layer, not the callers, refuses suppressed addresses.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from coordinator.core import clock, uow
from coordinator.extensions import db
from coordinator.mail.backends import (
    MailBackend,
    PermanentMailError,
    TemporaryMailError,
    backend_from_config,
)
from coordinator.mail.message import OutgoingMessage
from coordinator.mail.models import Delivery, Suppression
from coordinator.offices.models import Office

log = logging.getLogger(__name__)

# How long a claimed message belongs to the worker sending it. A worker killed
# mid-send leaves the claim to expire; then another may send.
DEFAULT_CLAIM_SECONDS = 120


def backend() -> MailBackend:
    cache = current_app.extensions.setdefault("coordinator.mail_backend", {})
    if "backend" not in cache:
        cache["backend"] = backend_from_config(current_app.config)
    return cache["backend"]


def is_suppressed(office_id: int | None, email: str) -> Suppression | None:
    if office_id is None:
        return None
    return db.session.scalar(db.select(Suppression).where(
        Suppression.office_id == office_id, Suppression.email == email.strip().lower()))


def sender_for(office: Office | None) -> tuple[str, str]:
    """(address, display name) the office sends from: its own, MAIL_FROM, or a local default."""
    fallback = current_app.config.get("MAIL_FROM") or "no-reply@press-briefings.local"
    if office is None:
        return fallback, "Press briefings"
    return office.sender_email or fallback, office.sender_name or office.name


def ensure_delivery(message: OutgoingMessage) -> Delivery:
    """The delivery row for this message's key, created (on its own connection, committed at once, so
    every worker sees it) if it is new."""
    delivery = _delivery_by_key(message.key)
    if delivery is not None:
        return delivery
    try:
        with uow.independent() as connection:
            connection.execute(Delivery.__table__.insert().values(
                key=message.key, office_id=message.office_id, purpose=message.purpose,
                recipient=message.to_email.lower(), subject=message.subject[:500], state="queued", attempts=0,
                created_at=clock.now()))
    except IntegrityError:  # another worker created it first
        pass
    return _delivery_by_key(message.key)


def _delivery_by_key(key: str) -> Delivery | None:
    return db.session.execute(db.select(Delivery).where(Delivery.key == key)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def claim_seconds() -> int:
    return int(current_app.config.get("MAIL_CLAIM_SECONDS", DEFAULT_CLAIM_SECONDS))


def _claim(delivery_id: int) -> bool:
    """Take this message for sending (its own transaction: other workers see the claim at once)."""
    now = clock.now()
    with uow.independent() as connection:
        result = connection.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id,
                   or_(Delivery.state == "queued",
                       (Delivery.state == "sending") & (Delivery.claimed_until < now)))
            .values(state="sending", claimed_until=now + timedelta(seconds=claim_seconds()),
                    attempts=Delivery.attempts + 1)
        )
    return result.rowcount == 1


def _finish(delivery_id: int, **values: object) -> None:
    """Record what became of the message, at once and whatever becomes of the caller's unit of work."""
    with uow.independent() as connection:
        connection.execute(update(Delivery).where(Delivery.id == delivery_id)
                           .values(claimed_until=None, **values))


def send(message: OutgoingMessage) -> Delivery:
    """Send ``message`` once. Returns its delivery row.

    Raises ``TemporaryMailError`` when the provider asks to try later (the
    caller's job retries; the row goes back to 'queued'). A permanent refusal
    marks the row failed and returns it.
    """
    delivery = ensure_delivery(message)
    if delivery.state in ("sent", "suppressed", "failed"):
        return delivery
    suppression = is_suppressed(message.office_id, message.to_email)
    if suppression is not None:
        _finish(delivery.id, state="suppressed", error=f"suppressed: {suppression.reason}")
        db.session.refresh(delivery)
        return delivery
    if not _claim(delivery.id):
        db.session.refresh(delivery)
        if delivery.state == "sending":
            # Another worker holds it. If that worker dies, its claim expires and a retry sends.
            raise TemporaryMailError(f"{message.key} is being sent by another worker",
                                     retry_after=claim_seconds())
        return delivery
    mail_backend = backend()
    try:
        provider_id = mail_backend.send(message)
    except TemporaryMailError as exc:
        _finish(delivery.id, state="queued", error=str(exc)[:2000])
        raise
    except PermanentMailError as exc:
        _finish(delivery.id, state="failed", error=str(exc)[:2000], provider=mail_backend.name)
        log.warning("mail %s to %s refused: %s", message.key, message.to_email, exc)
    else:
        _finish(delivery.id, state="sent", provider=mail_backend.name, provider_message_id=provider_id,
                sent_at=clock.now(), error=None)
    db.session.refresh(delivery)
    return delivery
