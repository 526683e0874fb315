"""Which messages concern a briefing: its packs, corrections and follow-ups (coordinator.mail.about)."""
from __future__ import annotations

from sqlalchemy import String, cast, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from coordinator.mail import about
from coordinator.mail.models import Delivery
from coordinator.packs.models import Pack


def briefing_mail(office_id: int, briefing_id: int) -> ColumnElement[bool]:
    """pack:<pack>:v<version>:<journalist> and pack-follow-up:<lineage>:<journalist> (messages.message_key)."""
    lineage = cast(func.coalesce(Pack.root_id, Pack.id), String)
    packs = select(Pack.id).where(Pack.office_id == office_id, Pack.briefing_id == int(briefing_id))
    return or_(
        exists(packs.where(Delivery.key.like(literal("pack:") + cast(Pack.id, String) + literal(":v%")))),
        exists(packs.where(Delivery.key.like(literal("pack-follow-up:") + lineage + literal(":%")))))


def connect() -> None:
    about.register_condition(briefing_mail)
