"""The briefing schedule: series (recurring rules), briefings (occurrences or ad hoc), office closures,
journalists' personal feed tokens and the per-office schedule version feeds are cached by.

Times: a series keeps its start as a *local naive* datetime plus a timezone (the RFC 5545 way:
``DTSTART;TZID=...``); every briefing keeps aware UTC start/end. An occurrence of a series keeps
``recurrence_id`` (its original start, UTC) for life, moved or cancelled, so calendar clients
update the right instance.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

HOLIDAY_POLICIES = ("none", "skip", "move_next_working_day")
STATUSES = ("scheduled", "moved", "cancelled", "held")
DEFAULT_REMINDERS = [1440, 60]


class Series(Row, db.Model):
    """A recurring briefing: one RRULE from a local start time, one VEVENT in every feed."""

    __tablename__ = "schedule_series"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    dtstart: Mapped[datetime] = mapped_column(DateTime())  # local, naive
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    rrule: Mapped[str] = mapped_column(Text)  # normalised; UNTIL (if any) in UTC
    holiday_policy: Mapped[str] = mapped_column(String(32), default="skip")
    venue: Mapped[str | None] = mapped_column(String(500))
    online_url: Mapped[str | None] = mapped_column(String(1000))
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    invite_lead_days: Mapped[int] = mapped_column(Integer, default=7)
    reminders: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_REMINDERS))
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_series.id", ondelete="SET NULL"))
    materialised_until = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_modified = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    # When the invitations were last matched to the audience (the safety net re-checks only what changed).
    audience_checked_at = mapped_column(UTCDateTime())
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    split_from: Mapped[Series | None] = relationship(remote_side="Series.id")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def start_aware(self) -> datetime:
        return self.dtstart.replace(tzinfo=self.tz)

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.title!r}>"


class Briefing(OfficeRow, db.Model):
    """One briefing: an occurrence of a series (``series_id`` and ``recurrence_id`` set) or ad hoc."""

    __tablename__ = "briefing"
    __table_args__ = (
        UniqueConstraint("series_id", "recurrence_id"),
        Index("ix_briefing_office_start", "office_id", "start"),
    )

    series_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_series.id", ondelete="CASCADE"),
                                                  index=True)
    recurrence_id = mapped_column(UTCDateTime())  # original start of the occurrence, kept for life
    uid: Mapped[str] = mapped_column(String(255))  # the series' UID for occurrences, its own for ad hoc
    start = mapped_column(UTCDateTime(), nullable=False)
    end = mapped_column(UTCDateTime(), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    # None means "as the series says" (occurrences); ad hoc briefings always have their own.
    title: Mapped[str | None] = mapped_column(String(255))
    venue: Mapped[str | None] = mapped_column(String(500))
    online_url: Mapped[str | None] = mapped_column(String(1000))
    agenda: Mapped[str | None] = mapped_column(Text)
    spokespeople: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[dict | None] = mapped_column(JSON)
    is_crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changed on its own (this occurrence only): the feed carries it as a RECURRENCE-ID override,
    # and re-materialising the series never overwrites it.
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the materialiser put it where it is: "" or "holiday_moved" / "holiday_cancelled".
    holiday_note: Mapped[str | None] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_modified = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    # When the invitations were last matched to the audience (the safety net re-checks only what changed).
    audience_checked_at = mapped_column(UTCDateTime())
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    series: Mapped[Series | None] = relationship(lazy="joined")

    @property
    def effective_title(self) -> str:
        if self.title:
            return self.title
        return self.series.title if self.series is not None else ""

    @property
    def effective_venue(self) -> str | None:
        if self.venue is not None:
            return self.venue or None
        return self.series.venue if self.series is not None else None

    @property
    def effective_online_url(self) -> str | None:
        if self.online_url is not None:
            return self.online_url or None
        return self.series.online_url if self.series is not None else None

    @property
    def effective_audience(self) -> dict:
        if self.audience is not None:
            return self.audience
        return (self.series.audience if self.series is not None else None) or {}

    @property
    def recorded(self) -> bool:
        """An ad hoc briefing entered after it ended (backfilled from a sign-in sheet): nobody was mailed."""
        return self.series_id is None and self.created_at is not None and self.end is not None \
            and self.created_at >= self.end

    @property
    def effective_public(self) -> bool:
        if self.series is not None:
            return bool(self.series.is_public and self.is_public)
        return bool(self.is_public)

    def __repr__(self) -> str:
        return f"<Briefing {self.id} {self.start:%Y-%m-%d %H:%M} {self.status}>"


class OfficeClosure(Row, db.Model):
    """A day the office adds itself (extra days off the government announces each year)."""

    __tablename__ = "office_closure"
    __table_args__ = (UniqueConstraint("office_id", "day"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    day = mapped_column(Date(), nullable=False)
    name: Mapped[str] = mapped_column(String(255))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class JournalistFeedToken(Row, db.Model):
    """A personal calendar feed token: revocable and rotatable. The database keeps a SHA-256 hash (for
    lookup) and a random salt; the token itself is HMAC(SECRET_KEY, salt), so it can be shown to the
    journalist again (portal) but never read from the database alone."""

    __tablename__ = "journalist_feed_token"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(16))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_used_at = mapped_column(UTCDateTime())
    revoked_at = mapped_column(UTCDateTime())


class ScheduleState(db.Model):
    """Per office: a counter every schedule change bumps (feeds are cached by it), and the last
    Last-Modified each feed answered (so Last-Modified never goes backwards)."""

    __tablename__ = "schedule_state"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class FeedState(db.Model):
    """What one feed last answered: its ETag and its (monotonic) Last-Modified."""

    __tablename__ = "feed_state"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    etag: Mapped[str] = mapped_column(String(80))
    last_modified = mapped_column(UTCDateTime(), nullable=False)
