"""Sending mail: the one place that talks to a backend.

``send()`` is idempotent by the message key. It claims the delivery row in its
own committed transaction before talking to the provider, so two workers on the
same message never both send it, and a message already sent is never sent again.
The mail layer, not the callers, refuses suppressed addresses.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def _bookkeeping() -> Session:
    """A session of its own for a message's row: each step (created, claimed, sent) is committed at once,
    so other workers see it, and none of it waits for (or is undone with) the caller's unit of work."""
    return Session(bind=db.engine, expire_on_commit=False)


def ensure_delivery(message: OutgoingMessage) -> Delivery:
    """The delivery row for this message's key, created if it is new (committed at once)."""
    with _bookkeeping() as session:
        return _ensure(session, message)


def _ensure(session: Session, message: OutgoingMessage) -> Delivery:
    delivery = session.scalar(select(Delivery).where(Delivery.key == message.key))
    if delivery is not None:
        return delivery
    try:
        session.execute(Delivery.__table__.insert().values(
            key=message.key, office_id=message.office_id, purpose=message.purpose,
            recipient=message.to_email.lower(), subject=message.subject[:500], state="queued", attempts=0,
            created_at=clock.now()))
        session.commit()
    except IntegrityError:  # another worker created it first
        session.rollback()
    return session.scalar(select(Delivery).where(Delivery.key == message.key))


def claim_seconds() -> int:
    return int(current_app.config.get("MAIL_CLAIM_SECONDS", DEFAULT_CLAIM_SECONDS))


def _claim(session: Session, delivery_id: int, token: str) -> bool:
    """Take this message for sending."""
    now = clock.now()
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id,
               or_(Delivery.state == "queued", (Delivery.state == "sending") & (Delivery.claimed_until < now)))
        .values(state="sending", claimed_until=now + timedelta(seconds=claim_seconds()),
                attempts=Delivery.attempts + 1, claim_token=token))
    session.commit()
    return result.rowcount == 1


def _finish(session: Session, delivery_id: int, **values: object) -> None:
    """Record what became of the message."""
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(claimed_until=None, **values))
    session.commit()


def send(message: OutgoingMessage) -> Delivery:
    """Send ``message`` once. Returns its delivery row (detached: read it, do not change it).

    Raises ``TemporaryMailError`` when the provider asks to try later (the caller's job retries; the row
    goes back to 'queued'). A permanent refusal marks the row failed and returns it. While the provider
    is asked, a heartbeat keeps the claim, so no other worker sends it meanwhile.
    """
    with _bookkeeping() as session:
        delivery = _ensure(session, message)
        if delivery.state in ("sent", "suppressed", "failed"):
            return delivery
        suppression = _suppression(session, message.office_id, message.to_email)
        if suppression is not None:
            _finish(session, delivery.id, state="suppressed", error=f"suppressed: {suppression.reason}")
            return _reloaded(session, delivery)
        token = secrets.token_hex(16)
        if not _claim(session, delivery.id, token):
            delivery = _reloaded(session, delivery)
            if delivery.state == "sending":
                # Another worker holds it. If that worker dies, its claim expires and a retry sends.
                raise TemporaryMailError(f"{message.key} is being sent by another worker",
                                         retry_after=claim_seconds())
            return delivery
        _provider_send(session, message, delivery.id, token)
        return _reloaded(session, delivery)


def _provider_send(session: Session, message: OutgoingMessage, delivery_id: int, token: str) -> None:
    from coordinator.core.heartbeat import Heartbeat
    from coordinator.mail.bulk import renew_claims

    def keep_claim() -> None:
        with uow.independent() as connection:
            renew_claims(connection, token, clock.now() + timedelta(seconds=claim_seconds()))

    mail_backend = backend()
    try:
        with Heartbeat(current_app._get_current_object(), keep_claim):
            provider_id = mail_backend.send(message)
    except TemporaryMailError as exc:
        _finish(session, delivery_id, state="queued", error=str(exc)[:2000])
        raise
    except PermanentMailError as exc:
        _finish(session, delivery_id, state="failed", error=str(exc)[:2000], provider=mail_backend.name)
        log.warning("mail %s to %s refused: %s", message.key, message.to_email, exc)
    else:
        _finish(session, delivery_id, state="sent", provider=mail_backend.name, provider_message_id=provider_id,
                sent_at=clock.now(), error=None)


def _suppression(session: Session, office_id: int | None, email: str) -> Suppression | None:
    if office_id is None:
        return None
    return session.scalar(select(Suppression).where(Suppression.office_id == office_id,
                                                    Suppression.email == email.strip().lower()))


def _reloaded(session: Session, delivery: Delivery) -> Delivery:
    session.refresh(delivery)
    return delivery


def send_to_staff(user, office: Office, *, key: str, purpose: str, template: str,
                  subject: Callable[[], str], context: dict) -> Delivery:
    """One mail to one staff member, in their language: ``templates/mail/<template>.txt`` and ``.html``,
    with ``subject()`` computed in that language too."""
    with force_locale(user.locale or office.locale):
        title = subject()
        context = {"user": user, "office": office, **context}
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", subject=title, **context)
    sender, sender_name = sender_for(office)
    return send(OutgoingMessage(key=key, office_id=office.id, office_slug=office.slug, purpose=purpose,
                                to_email=user.email, to_name=user.full_name, from_email=sender,
                                from_name=sender_name, subject=title, text=text, html=html))
