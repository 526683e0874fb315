"""Feeds of outlets, the items they published, proposals linking an item to a briefing, and what staff
taught the matcher (phrase weights per office)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from coordinator.contacts.models import Outlet
from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

PROPOSAL_STATUSES = ("pending", "confirmed", "rejected")
LABEL_SOURCES = ("accepted", "corrected")
# What the last fetch of a feed gave: ok (new or unchanged content), not_modified (304), error.
FETCH_STATES = ("never", "ok", "not_modified", "error")


class OutletFeed(Row, db.Model):
    """One RSS or Atom feed of an outlet, with its polling schedule and health."""

    __tablename__ = "outlet_feed"
    __table_args__ = (
        UniqueConstraint("office_id", "url"),
        Index("ix_outlet_feed_due", "paused", "next_fetch_at"),
        Index("ix_outlet_feed_outlet", "outlet_id"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1000))
    host: Mapped[str] = mapped_column(String(255))  # per-host politeness: one fetch at a time
    title: Mapped[str | None] = mapped_column(String(500))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=900)
    next_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_state: Mapped[str] = mapped_column(String(20), default="never")
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_new_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    # Recent problems, newest first: [{"at", "code", "message"}] (bad items, refused redirects, errors).
    problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    outlet: Mapped[Outlet] = relationship(lazy="joined")


class FeedItem(OfficeRow, db.Model):
    """An article seen in a feed: one row per normalised URL per office, whichever feeds carried it."""

    __tablename__ = "feed_item"
    __table_args__ = (
        UniqueConstraint("office_id", "url"),
        Index("ix_feed_item_office_published", "office_id", "published_at"),
    )

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("outlet_feed.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(1000))  # normalised as coverage URLs are
    link: Mapped[str] = mapped_column(String(1000))  # as the feed gave it (what is fetched)
    guid: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the article's text (feed content or extracted)
    text_source: Mapped[str] = mapped_column(String(20), default="feed")  # feed | extracted | summary
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    outlet: Mapped[Outlet] = relationship(lazy="joined")
    feed: Mapped[OutletFeed | None] = relationship()


class MatchProposal(OfficeRow, db.Model):
    """'This item likely came from that briefing': a score, the phrases that matched, and staff's decision."""

    __tablename__ = "match_proposal"
    __table_args__ = (
        UniqueConstraint("item_id", "briefing_id"),
        Index("ix_match_proposal_office_status", "office_id", "status"),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("feed_item.id", ondelete="CASCADE"), index=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    # [{"text": shown, "key": folded, "kind": title|agenda|pack|spokesperson|policy, "weight": float}]
    phrases: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    tone: Mapped[str | None] = mapped_column(String(20))
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverage.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    item: Mapped[FeedItem] = relationship(lazy="joined")
    briefing: Mapped[Briefing] = relationship(lazy="joined")


class PhraseWeight(OfficeRow, db.Model):
    """How often a phrase led to a confirmed or a rejected proposal in this office."""

    __tablename__ = "match_phrase_weight"
    __table_args__ = (UniqueConstraint("office_id", "phrase"),)

    phrase: Mapped[str] = mapped_column(String(255))
    confirms: Mapped[int] = mapped_column(Integer, default=0)
    rejects: Mapped[int] = mapped_column(Integer, default=0)


class MonitoringSettings(db.Model):
    """Per office: how many days after a briefing an article may still come of it, and the threshold."""

    __tablename__ = "monitoring_settings"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), primary_key=True)
    window_days: Mapped[int] = mapped_column(Integer, default=3)
    threshold: Mapped[float] = mapped_column(Float, default=0.5)


class ArticleTone(OfficeRow, db.Model):
    """The tone proposed for an article (with its confidence and the phrases that decided it) and, once staff
    accepted or corrected it, the label the office's model learns from."""

    __tablename__ = "article_tone"
    __table_args__ = (UniqueConstraint("item_id"), Index("ix_article_tone_office_labelled", "office_id", "labelled_at"))

    item_id: Mapped[int] = mapped_column(ForeignKey("feed_item.id", ondelete="CASCADE"))
    proposed: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    # [{"text": as written, "towards": tone, "weight": float}], strongest first
    phrases: Mapped[list] = mapped_column(JSON, default=list)
    model_version: Mapped[str] = mapped_column(String(60))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    label: Mapped[str | None] = mapped_column(String(20))  # what staff said: the proposal accepted or corrected
    label_source: Mapped[str | None] = mapped_column(String(20))  # accepted | corrected
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    labelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item: Mapped[FeedItem] = relationship(lazy="joined", backref=backref("tone", uselist=False, lazy="select",
                                                                           passive_deletes=True))

    @property
    def tone(self) -> str:
        """The label when staff gave one, else the proposal."""
        return self.label or self.proposed


class ToneModel(OfficeRow, db.Model):
    """A version of an office's tone model: its own labels' counts (added to the global model's), how it
    measured on the office's held-out labels against the global model, and whether it is used."""

    __tablename__ = "tone_model"
    __table_args__ = (UniqueConstraint("office_id", "version"),)

    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    labels: Mapped[int] = mapped_column(Integer)  # labels that existed when it was trained
    train_size: Mapped[int] = mapped_column(Integer)
    heldout_size: Mapped[int] = mapped_column(Integer)
    accuracy: Mapped[float] = mapped_column(Float)  # on the held-out labels
    macro_f1: Mapped[float] = mapped_column(Float)
    global_accuracy: Mapped[float] = mapped_column(Float)  # the global model on the same labels
    active: Mapped[bool] = mapped_column(Boolean, default=False)  # at least as good as the global model
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # {"docs": [..], "counts": {feature: [..]}}

    @property
    def name(self) -> str:
        return f"office-{self.office_id}-v{self.version}"
