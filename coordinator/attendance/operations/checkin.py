"""Recording who is present: at the door (QR code or short code), by the journalist's own link, by staff
ticking names, and walk-ins.

One attendance per journalist per briefing (a repeat answers the existing record), counted for the outlet
the journalist belonged to on the briefing's day (``contacts.operations.outlet_on``).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coordinator.attendance.models import METHODS, MODES, Attendance
from coordinator.attendance.operations.briefings import (
    DOOR_AFTER,
    DOOR_BEFORE,
    SELF_BEFORE,
    STAFF_BEFORE,
    _check_briefing_open,
    briefing_day,
    briefing_now,
    invitation_covers,
    next_briefing,
    window_error,
)
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist
from coordinator.core import audit, clock
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.tokens import invitation_from_token
from coordinator.schedule.models import Briefing

CODE_RE = re.compile(r"[^0-9A-Z]")


def existing_attendance(briefing_id: int, journalist_id: int) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.briefing_id == briefing_id,
                                                      Attendance.journalist_id == journalist_id))


def _check_mode_and_method(mode: str, method: str) -> None:
    errors: dict[str, str] = {}
    if mode not in MODES:
        errors["mode"] = _("Hình thức phải là một trong: %(choices)s.", choices=", ".join(MODES))
    if method not in METHODS:
        errors["method"] = _("Cách điểm danh không hợp lệ.")
    if errors:
        raise ValidationError(errors)


def _check_may_record(briefing: Briefing, journalist: Journalist, now: datetime,
                      window: tuple[timedelta, timedelta] | None) -> None:
    """A new attendance is refused for a cancelled briefing, a merged-away record, or outside the window."""
    _check_briefing_open(briefing)
    if journalist.status == "archived" and journalist.merged_into_id is not None:
        raise ValidationError({"journalist_id": _("Hồ sơ này đã được gộp vào hồ sơ khác.")})
    if window is not None:
        problem = window_error(briefing, window[0], window[1], now)
        if problem:
            raise ValidationError({"checkin": problem})
    elif now < briefing.start - STAFF_BEFORE:
        raise ValidationError({"briefing_id": _("Buổi họp báo chưa diễn ra: chỉ điểm danh từ 24 giờ trước giờ họp.")})


def check_in(briefing: Briefing, journalist: Journalist, *, mode: str = "in_person", method: str = "staff",
             user_id: int | None = None, now: datetime | None = None,
             window: tuple[timedelta, timedelta] | None = None) -> tuple[Attendance, bool]:
    """Record the journalist present. Returns (attendance, created); a repeat returns the existing row.

    ``window`` (before, after) limits when it may happen; staff without a window may record from
    ``STAFF_BEFORE`` before the start on (past briefings included)."""
    now = now or clock.now()
    if journalist.office_id != briefing.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    _check_mode_and_method(mode, method)
    existing = existing_attendance(briefing.id, journalist.id)
    if existing is not None:
        return existing, False
    _check_may_record(briefing, journalist, now, window)
    outlet_id = contacts.outlet_on(journalist, briefing_day(briefing))
    row = Attendance(office_id=briefing.office_id, briefing_id=briefing.id, journalist_id=journalist.id,
                     outlet_id=outlet_id, mode=mode, method=method, checked_in_at=now, by_user_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # checked in by someone else at the same moment
        existing = existing_attendance(briefing.id, journalist.id)
        if existing is None:
            raise
        return existing, False
    audit.record("attendance.checked_in", row, data={"briefing_id": briefing.id, "journalist_id": journalist.id,
                                                     "mode": mode, "method": method})
    return row, True


def _invitation_for_checkin(briefing: Briefing, invitation: Invitation | None, field: str) -> Invitation:
    if invitation is None or invitation.office_id != briefing.office_id:
        raise ValidationError({field: _("Mã điểm danh không hợp lệ hoặc không thuộc cơ quan này.")})
    if not invitation_covers(invitation, briefing):
        raise ValidationError({field: _("Mã này là của một buổi họp báo khác.")})
    if invitation.cancelled_at is not None and invitation.cancelled_at <= briefing.start:
        raise ValidationError({field: _("Lời mời này đã bị huỷ.")})
    return invitation


def token_from_text(text: str) -> str:
    """What a scanned QR code holds is the URL ``…/c/<token>``; a bare token is accepted too."""
    text = (text or "").strip()
    if "/c/" in text:
        text = text.rsplit("/c/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/ ")


def check_in_by_token(briefing: Briefing, token: str, *, user_id: int | None, mode: str = "in_person",
                      now: datetime | None = None) -> tuple[Attendance, bool]:
    """At the door, by the QR code's content."""
    invitation = _invitation_for_checkin(briefing, invitation_from_token(token_from_text(token)), "token")
    return check_in(briefing, invitation.journalist, mode=mode, method="qr", user_id=user_id, now=now,
                    window=(DOOR_BEFORE, DOOR_AFTER))


def normalise_code(code: str) -> str:
    return CODE_RE.sub("", (code or "").upper())


def check_in_by_code(briefing: Briefing, code: str, *, user_id: int | None, mode: str = "in_person",
                     now: datetime | None = None) -> tuple[Attendance, bool]:
    """At the door, by the invitation's short code (typed: case and separators do not matter)."""
    value = normalise_code(code)
    if not value:
        raise ValidationError({"code": _("Vui lòng nhập mã điểm danh.")})
    invitation = db.session.scalar(select(Invitation).where(Invitation.office_id == briefing.office_id,
                                                            Invitation.checkin_code == value))
    invitation = _invitation_for_checkin(briefing, invitation, "code")
    return check_in(briefing, invitation.journalist, mode=mode, method="code", user_id=user_id, now=now,
                    window=(DOOR_BEFORE, DOOR_AFTER))


def self_check_in(invitation: Invitation, *, now: datetime | None = None) -> tuple[Attendance, bool, Briefing]:
    """The journalist's own link (online attendance), valid from SELF_BEFORE before the start to the end."""
    now = now or clock.now()
    briefing = briefing_now(invitation, SELF_BEFORE, timedelta(0), now)
    if briefing is None:
        upcoming = next_briefing(invitation, now)
        if upcoming is not None and now < upcoming.start - SELF_BEFORE:
            raise ValidationError({"checkin": _("Chưa đến giờ điểm danh: mở từ 15 phút trước giờ họp.")})
        raise ValidationError({"checkin": _("Đã hết giờ điểm danh cho buổi họp báo này.")})
    attendance, created = check_in(briefing, invitation.journalist, mode="online", method="self", now=now,
                                   window=(SELF_BEFORE, timedelta(0)))
    return attendance, created, briefing


def undo_check_in(attendance: Attendance) -> None:
    audit.record("attendance.removed", attendance, data={"briefing_id": attendance.briefing_id,
                                                         "journalist_id": attendance.journalist_id})
    db.session.delete(attendance)
    db.session.flush()


def add_walk_in(briefing: Briefing, data: dict, *, user_id: int | None,
                mode: str = "in_person") -> tuple[Journalist, Attendance, bool]:
    """A journalist who came without an invitation: created on the spot (through contacts), or found
    by email if already known. Returns (journalist, attendance, journalist_created)."""
    _check_briefing_open(briefing)
    email = data.get("email")
    journalist = None
    try:
        normalised = contacts.normalize_email(email)
    except ValidationError:
        normalised = None
    if normalised:
        journalist = db.session.scalar(select(Journalist).where(Journalist.office_id == briefing.office_id,
                                                                Journalist.email == normalised))
    created = False
    if journalist is None:
        values = {key: data.get(key) for key in ("full_name", "email", "outlet_id", "phone") if key in data}
        journalist = contacts.create_journalist(briefing.office_id, values, since=briefing_day(briefing))
        created = True
    attendance, _new = check_in(briefing, journalist, mode=mode, method="walk_in", user_id=user_id)
    return journalist, attendance, created

# What the package (``attendance.operations``) offers from this module.
__all__ = ["CODE_RE", "_invitation_for_checkin", "add_walk_in", "check_in", "check_in_by_code",
    "check_in_by_token", "existing_attendance", "normalise_code", "self_check_in", "token_from_text",
    "undo_check_in"]
