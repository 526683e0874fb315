"""Invitations: a journalist invited to a series (once, as a series) or to an ad hoc briefing."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

RSVP_STATES = ("needs_action", "accepted", "tentative", "declined")
RSVP_TO_PARTSTAT = {"needs_action": "NEEDS-ACTION", "accepted": "ACCEPTED", "tentative": "TENTATIVE",
                    "declined": "DECLINED"}
PARTSTAT_TO_RSVP = {value: key for key, value in RSVP_TO_PARTSTAT.items()}
RSVP_SOURCES = ("link", "portal", "imip", "staff")


class Invitation(OfficeRow, db.Model):
    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("series_id", "journalist_id"),
        UniqueConstraint("briefing_id", "journalist_id"),
        UniqueConstraint("office_id", "checkin_code"),
        Index("ix_invitation_office_journalist", "office_id", "journalist_id"),
    )

    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_series.id", ondelete="CASCADE"))
    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"))
    rsvp: Mapped[str] = mapped_column(String(20), default="needs_action")
    rsvp_at = mapped_column(UTCDateTime())
    rsvp_source: Mapped[str | None] = mapped_column(String(20))
    rsvp_note: Mapped[str | None] = mapped_column(Text)
    # Typed at the door when the QR code cannot be scanned.
    checkin_code: Mapped[str] = mapped_column(String(12))
    # Bumped to revoke every link already mailed.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # The SEQUENCE of the last full REQUEST this journalist was sent (None: not invited yet).
    sent_sequence: Mapped[int | None] = mapped_column(Integer)
    invited_at = mapped_column(UTCDateTime())
    # When that REQUEST was made (its DTSTAMP, taken before it read the schedule): an occurrence changed
    # before then is already in it, so its own update or CANCEL is not sent to this journalist.
    request_stamp = mapped_column(UTCDateTime())
    last_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"))
    cancelled_at = mapped_column(UTCDateTime())  # taken off the audience, or the whole thing cancelled
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    journalist: Mapped[Journalist] = relationship(lazy="joined")


class OccurrenceRsvp(Row, db.Model):
    """An answer for one occurrence of a series (a calendar client's REPLY with RECURRENCE-ID)."""

    __tablename__ = "occurrence_rsvp"
    __table_args__ = (UniqueConstraint("invitation_id", "briefing_id"),)

    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"), index=True)
    rsvp: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    rsvp_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class InboundRefusal(Row, db.Model):
    """An authenticated Inbound Parse post that was (partly) refused, and why: what an operator reads when a
    journalist says "I accepted in Outlook". Unauthenticated posts are only logged, never stored."""

    __tablename__ = "inbound_refusal"

    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"))
    sender: Mapped[str] = mapped_column(String(255), default="")
    recipient: Mapped[str] = mapped_column(String(255), default="")
    reasons: Mapped[str] = mapped_column(Text)
    recorded: Mapped[int] = mapped_column(Integer, default=0)
    received_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
