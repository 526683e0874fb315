"""Which briefing an invitation or a moment points at, and when check-in is open for it.

A QR code or short code works at the door from ``DOOR_BEFORE`` before the start to ``DOOR_AFTER`` after
the end; the journalist's own online check-in link from ``SELF_BEFORE`` before the start to the end;
staff ticking names (roster, API) may record a briefing from ``STAFF_BEFORE`` before its start on.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import target_of
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing

DOOR_BEFORE = timedelta(hours=2)
DOOR_AFTER = timedelta(hours=2)
SELF_BEFORE = timedelta(minutes=15)
STAFF_BEFORE = timedelta(hours=24)


def office_tz(office_id: int) -> str:
    return db.session.scalar(select(Office.timezone).where(Office.id == office_id)) or "Asia/Ho_Chi_Minh"


def briefing_day(briefing: Briefing) -> date:
    """The briefing's date in its office's time zone (what 'the outlet on that date' means)."""
    return briefing.start.astimezone(ZoneInfo(office_tz(briefing.office_id))).date()


def invitation_covers(invitation: Invitation, briefing: Briefing) -> bool:
    """The invitation is for this briefing (its series, or the ad hoc briefing itself)."""
    if invitation.office_id != briefing.office_id:
        return False
    if briefing.series_id is not None:
        return invitation.series_id == briefing.series_id
    return invitation.briefing_id == briefing.id


def invitation_of(briefing: Briefing, journalist_id: int) -> Invitation | None:
    target = target_of(briefing)
    column = Invitation.series_id if briefing.series_id is not None else Invitation.briefing_id
    return db.session.scalar(select(Invitation).where(column == target.id, Invitation.journalist_id == journalist_id))


def _in_window(briefing: Briefing, before: timedelta, after: timedelta, now: datetime) -> bool:
    return briefing.start - before <= now <= briefing.end + after


def window_error(briefing: Briefing, before: timedelta, after: timedelta, now: datetime) -> str | None:
    """Why check-in is closed at ``now`` (too early, too late), or None while it is open."""
    if now < briefing.start - before:
        return _("Chưa đến giờ điểm danh: mở từ %(minutes)s phút trước giờ họp.",
                 minutes=int(before.total_seconds() // 60))
    if now > briefing.end + after:
        return _("Đã hết giờ điểm danh cho buổi họp báo này.")
    return None


def _check_briefing_open(briefing: Briefing) -> None:
    if briefing.status == "cancelled":
        raise ValidationError({"briefing_id": _("Buổi họp báo đã bị huỷ: không điểm danh được.")})


def _first_briefing(invitation: Invitation, *conditions: Any) -> Briefing | None:
    """The earliest briefing of the invitation (its series', or its ad hoc one) not cancelled and meeting
    ``conditions``."""
    query = select(Briefing).where(Briefing.status != "cancelled", *conditions)
    if invitation.series_id is not None:
        query = query.where(Briefing.series_id == invitation.series_id)
    else:
        query = query.where(Briefing.id == invitation.briefing_id)
    return db.session.scalar(query.order_by(Briefing.start).limit(1))


def briefing_now(invitation: Invitation, before: timedelta, after: timedelta,
                 now: datetime | None = None) -> Briefing | None:
    """The briefing of this invitation whose window (start - before .. end + after) holds ``now``."""
    now = now or clock.now()
    return _first_briefing(invitation, Briefing.start <= now + before, Briefing.end >= now - after)


def next_briefing(invitation: Invitation, now: datetime | None = None) -> Briefing | None:
    """The invitation's briefing that has not ended yet, the soonest first."""
    now = now or clock.now()
    return _first_briefing(invitation, Briefing.end >= now)

# What the package (``attendance.operations``) offers from this module.
__all__ = ["DOOR_AFTER", "DOOR_BEFORE", "SELF_BEFORE", "STAFF_BEFORE", "_check_briefing_open", "_in_window",
    "briefing_day", "briefing_now", "invitation_covers", "invitation_of", "next_briefing", "office_tz",
    "window_error"]
