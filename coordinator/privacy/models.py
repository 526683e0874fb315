"""Requests a journalist makes about their personal data (erasure), for staff to carry out or refuse."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.core.db import OfficeRow, UTCDateTime
from coordinator.extensions import db

REQUEST_KINDS = ("erasure",)
REQUEST_STATUSES = ("pending", "done", "refused")


class DataRequest(OfficeRow, db.Model):
    """One request from the portal. The journalist row stays after an erasure (anonymous), so the link holds."""

    __tablename__ = "data_request"
    __table_args__ = (Index("ix_data_request_office_status", "office_id", "status"),)

    journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"),
                                                      index=True)
    kind: Mapped[str] = mapped_column(String(20), default="erasure")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message: Mapped[str | None] = mapped_column(Text)  # what the journalist wrote (erased with them)
    reason: Mapped[str | None] = mapped_column(Text)  # why staff refused
    source: Mapped[str] = mapped_column(String(20), default="portal")  # portal | retention
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    decided_at = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    journalist: Mapped[Journalist | None] = relationship(lazy="joined")
