"""Packs, their files, approvals, recipients and downloads; per-office pack settings.

A correction is a new version of the same lineage: every version keeps ``root_id`` (the first
version's id), so "everyone who received an earlier version" is one query on ``pack_recipient``.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db

STATUSES = ("draft", "submitted", "approved", "released")
FROZEN = ("approved", "released")
DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
RECIPIENT_PURPOSES = ("pack", "correction", "follow_up")


class PackSettings(db.Model):
    """Per office: the file size limit and whether two different approvers are required."""

    __tablename__ = "pack_settings"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), primary_key=True)
    max_file_bytes: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_FILE_BYTES)
    two_approvers: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up_hours: Mapped[int] = mapped_column(Integer, default=2)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class Pack(OfficeRow, db.Model):
    """One version of a pack. ``root_id`` is the first version's id (its own for the first)."""

    __tablename__ = "pack"
    __table_args__ = (
        UniqueConstraint("root_id", "version"),
        Index("ix_pack_office_status", "office_id", "status"),
    )

    briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="SET NULL"), index=True)
    root_id: Mapped[int | None] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="", info={"max_length": 1_000_000})  # sanitised HTML
    language: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # Counts submissions, so approvals of an earlier round never count for a later one.
    submission_round: Mapped[int] = mapped_column(Integer, default=0)
    embargo_until = mapped_column(UTCDateTime())
    # The embargo follows the briefing: lifted at its start plus these minutes (``embargo_until`` is kept
    # in step when the briefing moves); None: a fixed time (or none).
    embargo_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    # Set while the followed briefing is cancelled (or gone): the embargo holds with no end.
    embargo_held_at = mapped_column(UTCDateTime())
    release_at = mapped_column(UTCDateTime())
    send_under_embargo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Beyond the briefing's invited journalists: {"list_ids": [...], "beats": [...]}.
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at = mapped_column(UTCDateTime())
    approved_at = mapped_column(UTCDateTime())
    release_due_at = mapped_column(UTCDateTime())
    released_at = mapped_column(UTCDateTime())
    # A newer version was started before this one went out: its scheduled release is void.
    superseded_at = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    updated_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    files: Mapped[list[PackFile]] = relationship(back_populates="pack", order_by="PackFile.id",
                                                 cascade="all, delete-orphan", passive_deletes=True)
    approvals: Mapped[list[PackApproval]] = relationship(order_by="PackApproval.id", cascade="all, delete-orphan",
                                                         passive_deletes=True)

    @property
    def lineage_id(self) -> int:
        return self.root_id or self.id

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def embargo_follows_briefing(self) -> bool:
        return self.embargo_offset_minutes is not None

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN

    def __repr__(self) -> str:
        return f"<Pack {self.id} v{self.version} {self.status}>"


class PackFile(Row, db.Model):
    """A document of a pack. Storage names are ours (uuid-based), never the uploader's."""

    __tablename__ = "pack_file"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(500))  # as sent, for the record only
    display_name: Mapped[str] = mapped_column(String(255))  # normalised, safe to show and to offer
    storage_name: Mapped[str] = mapped_column(String(255))  # shared by the versions that carry the file
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(120))  # sniffed from the content
    kind: Mapped[str] = mapped_column(String(10))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    pack: Mapped[Pack] = relationship(back_populates="files")


class PackApproval(Row, db.Model):
    """A decision on a submitted pack: approved or rejected (with the reason)."""

    __tablename__ = "pack_approval"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    user_label: Mapped[str] = mapped_column(String(255), default="")
    decision: Mapped[str] = mapped_column(String(20))  # approved | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    submission_round: Mapped[int] = mapped_column(Integer, default=1)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class PackRecipient(OfficeRow, db.Model):
    """A journalist a version was (or is being) sent to, and why. Shaped like an ``Invitation`` where the
    fan-out engine looks (``journalist``, ``last_delivery_id``)."""

    __tablename__ = "pack_recipient"
    __table_args__ = (
        UniqueConstraint("pack_id", "journalist_id", "purpose"),
        Index("ix_pack_recipient_root_journalist", "root_id", "journalist_id"),
    )

    pack_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"), index=True)
    root_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"))
    journalist_id: Mapped[int] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # pack | correction | follow_up
    last_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"))
    sent_at = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    journalist: Mapped[Journalist] = relationship(lazy="joined")


class PackDownload(Row, db.Model):
    """One download of one file: by a recipient's link (journalist known) or from the newsroom."""

    __tablename__ = "pack_download"
    __table_args__ = (Index("ix_pack_download_pack_created", "pack_id", "created_at"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("pack_file.id", ondelete="SET NULL"), index=True)
    journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # link | newsroom
    before_lift: Mapped[bool] = mapped_column(Boolean, default=False)
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    journalist: Mapped[Journalist | None] = relationship(lazy="joined")
    file: Mapped[PackFile | None] = relationship(lazy="joined")
