"""The network of offices: who may invite whom (trust), connection points of a multi-point briefing,
the pack copies made for each point, contact offers and the local copies made from them.

Nothing here lets one office read another's contacts: a point's participation is a local ad-hoc
briefing in the point's own tenant, linked to the host briefing by a ``ConnectionPoint`` row.
"""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.core import clock
from coordinator.core.db import OfficeRow, Row, UTCDateTime
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing

POINT_STATUSES = ("invited", "accepted", "declined", "withdrawn")
OFFER_STATUSES = ("active", "withdrawn")
OFFER_AUDIENCES = ("chosen", "trusted", "all")


class NetworkTrust(Row, db.Model):
    """Office ``office_id`` lets ``trusted_office_id`` invite it as a connection point."""

    __tablename__ = "network_trust"
    __table_args__ = (UniqueConstraint("office_id", "trusted_office_id"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    trusted_office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    trusted_office: Mapped[Office] = relationship(foreign_keys=[trusted_office_id], lazy="joined")


class ConnectionPoint(Row, db.Model):
    """One office taking part in another office's briefing. ``office_id`` is the host office."""

    __tablename__ = "connection_point"
    __table_args__ = (UniqueConstraint("host_briefing_id", "point_office_id"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    host_briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id", ondelete="CASCADE"), index=True)
    point_office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="invited")
    local_briefing_id: Mapped[int | None] = mapped_column(ForeignKey("briefing.id", ondelete="SET NULL"),
                                                          index=True)
    note: Mapped[str | None] = mapped_column(Text)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    invited_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    responded_at = mapped_column(UTCDateTime())

    host_office: Mapped[Office] = relationship(foreign_keys=[office_id], lazy="joined")
    point_office: Mapped[Office] = relationship(foreign_keys=[point_office_id], lazy="joined")
    host_briefing: Mapped[Briefing] = relationship(foreign_keys=[host_briefing_id])
    local_briefing: Mapped[Briefing | None] = relationship(foreign_keys=[local_briefing_id])


class NetworkPackCopy(Row, db.Model):
    """A host pack version copied onto a point's local briefing (one per point and version: a retry
    finds it and never makes a second copy). ``office_id`` is the point office."""

    __tablename__ = "network_pack_copy"
    __table_args__ = (UniqueConstraint("point_id", "host_pack_id"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("connection_point.id", ondelete="CASCADE"), index=True)
    host_pack_id: Mapped[int] = mapped_column(ForeignKey("pack.id", ondelete="CASCADE"), index=True)
    host_root_id: Mapped[int] = mapped_column(Integer)
    local_pack_id: Mapped[int | None] = mapped_column(ForeignKey("pack.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


class ContactOffer(OfficeRow, db.Model):
    """An outlet (``journalist_id`` empty) or a journalist an office offers to the network, or only to
    the offices in ``office_ids``."""

    __tablename__ = "contact_offer"
    __table_args__ = (Index("ix_contact_offer_office_status", "office_id", "status"),)

    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="CASCADE"), index=True)
    journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="CASCADE"), index=True)
    # "chosen": the offices in ``office_ids``; "trusted": the offices this office trusts (at the time of
    # looking); "all": every office of the network, trusted or not (an explicit choice).
    audience: Mapped[str] = mapped_column(String(10), default="chosen", server_default="chosen")
    office_ids: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    withdrawn_at = mapped_column(UTCDateTime())

    office: Mapped[Office] = relationship(lazy="joined")


class ContactLink(Row, db.Model):
    """A local copy (outlet, and journalist if any) made from an offer; remembers its network origin.
    ``office_id`` is the adopting office."""

    __tablename__ = "network_contact_link"
    __table_args__ = (UniqueConstraint("offer_id", "office_id"),)

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("contact_offer.id", ondelete="SET NULL"))
    origin_office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    origin_outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="SET NULL"))
    origin_journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"),
                                                             index=True)
    local_outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="SET NULL"), index=True)
    local_journalist_id: Mapped[int | None] = mapped_column(ForeignKey("journalist.id", ondelete="SET NULL"),
                                                            index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)

    origin_office: Mapped[Office] = relationship(foreign_keys=[origin_office_id], lazy="joined")
