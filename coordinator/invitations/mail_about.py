"""Which messages concern a briefing, by their keys (coordinator.mail.about; keys in messages.py)."""
from __future__ import annotations

from sqlalchemy import String, cast, exists, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from coordinator.invitations.models import Invitation
from coordinator.mail import about
from coordinator.mail.models import Delivery


def briefing_mail(office_id: int, briefing_id: int) -> ColumnElement[bool]:
    """Updates, cancellations and reminders name the briefing; an ad hoc briefing's invitations are its own."""
    b = int(briefing_id)
    own_invites = exists(select(Invitation.id).where(
        Invitation.office_id == office_id, Invitation.briefing_id == b,
        Delivery.key.like(literal("invite:") + cast(Invitation.id, String) + literal(":s%"))))
    return or_(Delivery.key.like(f"update:%:{b}:s%"), Delivery.key.like(f"cancel:%:{b}:s%"),
               # remind:<invitation>:<briefing>:<minutes>:<ISO start>; the date keeps the minutes apart
               Delivery.key.like(f"remind:%:{b}:%:____-__-__%"), own_invites)


def connect() -> None:
    about.register_condition(briefing_mail)
