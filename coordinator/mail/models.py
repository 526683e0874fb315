from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.core import clock
from coordinator.core.db import UTCDateTime
from coordinator.extensions import db

DELIVERY_STATES = ("queued", "sending", "sent", "failed", "suppressed")


class Delivery(db.Model):
    """One logical message to one recipient, identified by its idempotency key."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_office_created", "office_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(255), index=True)
    subject: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default="queued")
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # The provider's latest word on it: processed, delivered, opened, bounce, dropped, spamreport...
    provider_state: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until = mapped_column(UTCDateTime())
    # Which send attempt holds the claim (a worker may win only some rows of a chunk).
    claim_token: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    sent_at = mapped_column(UTCDateTime())


class Suppression(db.Model):
    """An address nobody may mail (bounce, spam report, unsubscribe) until staff clears it."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("office_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class ProviderEvent(db.Model):
    """One event from the provider's webhook, kept once (SendGrid sends duplicates)."""

    __tablename__ = "provider_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="sendgrid")
    event_id: Mapped[str] = mapped_column(String(120), unique=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    occurred_at = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
