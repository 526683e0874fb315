from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.core import clock
from coordinator.core.db import Row, UTCDateTime
from coordinator.extensions import db


class Office(Row, db.Model):
    """One press office: the tenant every other record belongs to."""

    __tablename__ = "office"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    # ISO 3166 country whose public holidays the schedule skips (an embassy in Berlin does not skip Tết).
    country: Mapped[str] = mapped_column(String(2), default="VN")
    sender_email: Mapped[str | None] = mapped_column(String(255))
    sender_name: Mapped[str | None] = mapped_column(String(255))
    public_page: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every staff member signs in with a second factor (admins always do).
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", nullable=False)
    # Personal data (Law 91/2025/QH15): True = the office processes its contacts under its public-interest
    # task, which covers mailing every journalist who has not withdrawn; False = each journalist needs
    # their own consent or contract on record before any mail.
    contacts_public_task: Mapped[bool] = mapped_column(Boolean, default=True)
    contacts_purpose: Mapped[str | None] = mapped_column(Text)  # the purpose stated on new records
    # Journalists inactive this many years are erased by the periodic job (None: kept).
    retention_years: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    def __repr__(self) -> str:
        return f"<Office {self.slug}>"
