"""Who came (attendance), what they asked (questions), what they published (coverage)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.contacts.models import Journalist, Outlet
from coordinator.core import clock
from coordinator.core.db import OfficeRow, UTCDateTime
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

MODES = ("in_person", "online")
METHODS = ("qr", "code", "self", "staff", "walk_in")
QUESTION_STATUSES = ("pending", "answered_at_briefing", "answered_in_writing", "declined")
QUESTION_SOURCES = ("portal", "form", "staff", "api")
TONES = ("positive", "neutral", "negative")
COVERAGE_KINDS = ("article", "broadcast")
COVERAGE_SOURCES = ("manual", "paste", "feed")


class Attendance(OfficeRow, db.Model):
    """One journalist present at one briefing, counted for the outlet they belonged to that day."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("briefing_id", "journalist_id"),
        Index("ix_attendance_office_outlet", "office_id", "outlet_id"),
        Index("ix_attendance_journalist", "journalist_id"),
    )

    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"))
    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    method: Mapped[str] = mapped_column(String(20), default="staff")
    checked_in_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    journalist: Mapped[Journalist] = relationship(lazy="joined")
    outlet: Mapped[Outlet] = relationship(lazy="joined")
    briefing: Mapped[Briefing] = relationship()


class Question(OfficeRow, db.Model):
    """A question sent before or during a briefing; duplicates point at the one that is answered."""

    __tablename__ = "question"
    __table_args__ = (
        Index("ix_question_briefing_position", "briefing_id", "position"),
        Index("ix_question_office_asked", "office_id", "asked_at"),
    )

    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"))
    journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"),
                                                      index=True)
    # The outlet the asker belonged to on the briefing's day (reports by outlet).
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="pending")
    answer: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # the running order
    source: Mapped[str] = mapped_column(String(20), default="staff")
    asked_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    answered_at = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    mail_answer: Mapped[bool] = mapped_column(default=False)

    journalist: Mapped[Journalist | None] = relationship(lazy="joined")
    briefing: Mapped[Briefing] = relationship()
    merged_into: Mapped[Question | None] = relationship(remote_side="Question.id")


class Coverage(OfficeRow, db.Model):
    """An article or broadcast: outlet, URL (normalised, unique per office), tone, the briefing it came of."""

    __tablename__ = "coverage"
    __table_args__ = (
        UniqueConstraint("office_id", "url"),
        Index("ix_coverage_office_published", "office_id", "published_on"),
        Index("ix_coverage_briefing", "briefing_id"),
        Index("ix_coverage_outlet", "outlet_id"),
    )

    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="SET NULL"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date] = mapped_column(Date)
    tone: Mapped[str] = mapped_column(String(20), default="neutral")
    kind: Mapped[str] = mapped_column(String(20), default="article")
    source: Mapped[str] = mapped_column(String(20), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    outlet: Mapped[Outlet] = relationship(lazy="joined")
    briefing: Mapped[Briefing | None] = relationship()
