from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

DELIVERY_STATES = ("queued", "sending", "sent", "failed", "suppressed")


class Delivery(Row, db.Model):
    """One logical message to one recipient, identified by its idempotency key."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_office_created", "office_id", "created_at"),
                      Index("ix_delivery_claim_token", "claim_token"))

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


class Suppression(OfficeRow, db.Model):
    """An address nobody may mail (bounce, spam report, unsubscribe) until staff clears it."""

    __tablename__ = "suppression"
    __table_args__ = (UniqueConstraint("office_id", "email"),)

    email: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class ProviderEvent(Row, db.Model):
    """One event from the provider's webhook, kept once (SendGrid sends duplicates)."""

    __tablename__ = "provider_event"

    provider: Mapped[str] = mapped_column(String(20), default="sendgrid")
    event_id: Mapped[str] = mapped_column(String(120), unique=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    occurred_at = mapped_column(UTCDateTime())
    detail: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class FanOut(OfficeRow, db.Model):
    """One mailing to many (invites, updates, cancellations, reminders, packs): what it sends (a target
    kind and its spec, see ``coordinator.mail.fanout``), its progress, and who is running it."""

    __tablename__ = "fan_out"
    __table_args__ = (UniqueConstraint("key"), Index("ix_fan_out_office_started", "office_id", "started_at"),
                      Index("ix_fan_out_unfinished", "finished_at", "heartbeat_at"))

    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(40))  # the target kind (coordinator.mail.fanout.TARGETS)
    spec: Mapped[dict | None] = mapped_column(JSON)
    lane: Mapped[str] = mapped_column(String(20), default="default")  # urgent | default
    purpose: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(500), default="")
    series_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_series.id", ondelete="SET NULL"))
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_event.id", ondelete="SET NULL"))
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    # Who runs it and when it last showed life; a run that finds a stale heartbeat takes it over.
    owner: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at = mapped_column(UTCDateTime())
    plans: Mapped[int] = mapped_column(Integer, default=0)  # how often planned: a run closes only if unchanged
    resumes: Mapped[int] = mapped_column(Integer, default=0)
    resumed_at = mapped_column(UTCDateTime())
    started_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    finished_at = mapped_column(UTCDateTime())

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.suppressed
