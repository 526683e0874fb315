"""Outlets, journalists, beats, distribution lists, and the import records."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

OUTLET_KINDS = ("newspaper", "online", "tv", "radio", "news_agency", "magazine", "social")
OUTLET_LEVELS = ("central", "provincial", "local", "foreign")
STATUSES = ("active", "bounced", "unsubscribed", "archived")
LANGUAGES = ("vi", "en")
# Legal bases for processing a journalist's data, and where a record of one came from.
CONSENT_BASES = ("consent", "public_task", "contract")
CONSENT_SOURCES = ("form", "api", "import", "portal", "staff", "migration", "network")
# Statuses that put the address on the mail layer's suppression list.
SUPPRESSING_STATUSES = ("bounced", "unsubscribed")


journalist_beat = Table(
    "journalist_beat",
    db.metadata,
    Column("journalist_id", ForeignKey("journalist.id", ondelete="CASCADE"), primary_key=True),
    Column("beat_id", ForeignKey("beat.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Beat(Row, db.Model):
    """A topic a journalist covers (Kinh tế, Y tế...), per office."""

    __tablename__ = "beat"
    __table_args__ = (UniqueConstraint("office_id", "slug"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    def __repr__(self) -> str:
        return f"<Beat {self.slug}>"


class Outlet(Row, db.Model):
    """A press agency: newspaper, TV, radio, online paper, news agency, magazine, social channel."""

    __tablename__ = "outlet"
    __table_args__ = (UniqueConstraint("office_id", "name_folded"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(500))
    # Host names of its article URLs (``baoquangninh.vn``), to recognise coverage.
    domains: Mapped[list] = mapped_column(JSON, default=list)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now, nullable=False)

    def __repr__(self) -> str:
        return f"<Outlet {self.name}>"


class Journalist(OfficeRow, db.Model):
    """A contact: a journalist working for an outlet. Not a staff user."""

    __tablename__ = "journalist"
    __table_args__ = (
        UniqueConstraint("office_id", "email"),
        Index("ix_journalist_office_name", "office_id", "full_name_folded"),
        Index("ix_journalist_office_status", "office_id", "status"),
        Index("ix_journalist_office_updated", "office_id", "updated_at"),  # the invitations' safety net
    )

    full_name: Mapped[str] = mapped_column(String(255))
    # Lowercase, no diacritics ('đ' → 'd'), whitespace collapsed: what search compares against.
    full_name_folded: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255))  # stored lowercased
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="RESTRICT"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at = mapped_column(UTCDateTime())
    notes: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"))
    # Carried by every link mailed to the journalist (invitation, unsubscribe, pack): staff bump it to revoke
    # them all at once (coordinator.invitations.tokens).
    links_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Their title at the outlet (Phóng viên, Biên tập viên...), which they may correct in the portal.
    job_title: Mapped[str | None] = mapped_column(String(120))
    # Set when the personal data was erased (the row stays, anonymous, so attendance keeps counting).
    erased_at = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now, nullable=False)

    outlet: Mapped[Outlet] = relationship(lazy="joined")
    beats: Mapped[list[Beat]] = relationship(secondary=journalist_beat, order_by="Beat.name",
                                             lazy="selectin")
    history: Mapped[list[JournalistOutletHistory]] = relationship(
        back_populates="journalist", order_by="JournalistOutletHistory.valid_from",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Journalist {self.id} {self.email}>"


class JournalistOutletHistory(Row, db.Model):
    """Where a journalist worked, and when (``valid_to`` inclusive; None = still there)."""

    __tablename__ = "journalist_outlet_history"
    __table_args__ = (Index("ix_journalist_outlet_history_journalist", "journalist_id", "valid_from"),)

    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    journalist: Mapped[Journalist] = relationship(back_populates="history")
    outlet: Mapped[Outlet] = relationship(lazy="joined")


class ConsentRecord(OfficeRow, db.Model):
    """The legal basis on which the office processes one journalist's data (Law 91/2025/QH15), kept as a
    history: a new basis is a new row, a withdrawal stamps ``withdrawn_at`` on the current (latest) row."""

    __tablename__ = "consent_record"
    __table_args__ = (Index("ix_consent_record_journalist", "journalist_id", "id"),)

    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"))
    basis: Mapped[str] = mapped_column(String(20))  # CONSENT_BASES
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Whether the journalist agreed that the office shares their contact with other offices of the network.
    network_sharing: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(20))  # CONSENT_SOURCES
    source_detail: Mapped[str | None] = mapped_column(Text)  # "dòng 5 của tệp danh-ba.xlsx", the staff's email
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    withdrawn_at = mapped_column(UTCDateTime())


class DistributionList(Row, db.Model):
    """Fixed members and/or a rule. The rule ANDs its criteria; each criterion is any-of:
    ``{"beat_ids": [..], "outlet_kinds": [..], "levels": [..], "outlet_ids": [..]}``."""

    __tablename__ = "distribution_list"
    __table_args__ = (UniqueConstraint("office_id", "name"),
                      Index("ix_distribution_list_office_updated", "office_id", "updated_at"))

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now, nullable=False)

    members: Mapped[list[DistributionListMember]] = relationship(
        back_populates="list", cascade="all, delete-orphan", passive_deletes=True)


class DistributionListMember(db.Model):
    """A fixed member of a list."""

    __tablename__ = "distribution_list_member"

    list_id: Mapped[int] = mapped_column(ForeignKey("distribution_list.id", ondelete="CASCADE"),
                                         primary_key=True)
    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)
    added_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    list: Mapped[DistributionList] = relationship(back_populates="members")
    journalist: Mapped[Journalist] = relationship()


class ContactImport(Row, db.Model):
    """An uploaded contacts file run in the background; the file is kept in the database so any
    worker on any machine can run it, and the report is kept for the status endpoint."""

    __tablename__ = "contact_import"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    started_at = mapped_column(UTCDateTime())
    finished_at = mapped_column(UTCDateTime())


@event.listens_for(Session, "before_flush")
def _mark_audience_changes(session: Session, flush_context: object, instances: object) -> None:
    """Whatever changes who is in an audience moves ``updated_at`` on the journalist or the list, even when
    only an association changed (beats, list members): the invitations' safety net re-checks what moved."""
    now = clock.now()
    for obj in session.dirty:
        if isinstance(obj, Journalist | DistributionList) and session.is_modified(obj, include_collections=True):
            obj.updated_at = now
    list_ids = {obj.list_id for obj in (*session.new, *session.deleted) if isinstance(obj, DistributionListMember)}
    if list_ids:
        session.connection().execute(DistributionList.__table__.update()
                                     .where(DistributionList.__table__.c.id.in_(list_ids)).values(updated_at=now))
