"""Check-in, walk-ins, questions and coverage. Functions flush, never commit.

Rules kept here, in one place:
- one attendance per journalist per briefing (a repeat answers the existing record), counted for the
  outlet the journalist belonged to on the briefing's day (``contacts.operations.outlet_on``);
- a QR code or short code works at the door from ``DOOR_BEFORE`` before the start to ``DOOR_AFTER``
  after the end; the journalist's own online check-in link from ``SELF_BEFORE`` before the start to
  the end; staff ticking names (roster, API) may record a briefing from ``STAFF_BEFORE`` before its
  start on, and any time after it (to record past briefings);
- questions are asked until the briefing ends; duplicates follow the question they were merged into.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from coordinator.attendance.models import (
    COVERAGE_KINDS,
    METHODS,
    MODES,
    QUESTION_STATUSES,
    TONES,
    Attendance,
    Coverage,
    Question,
)
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist, Outlet
from coordinator.core import audit, clock, events
from coordinator.core.dates import parse_day
from coordinator.core.errors import NotFound, ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import target_of
from coordinator.invitations.tokens import invitation_from_token
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing

DOOR_BEFORE = timedelta(hours=2)
DOOR_AFTER = timedelta(hours=2)
SELF_BEFORE = timedelta(minutes=15)
STAFF_BEFORE = timedelta(hours=24)
QUESTION_MAX = 2000
CODE_RE = re.compile(r"[^0-9A-Z]")


# --- helpers ----------------------------------------------------------------------------------------

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
    if now < briefing.start - before:
        return _("Chưa đến giờ điểm danh: mở từ %(minutes)s phút trước giờ họp.",
                 minutes=int(before.total_seconds() // 60))
    if now > briefing.end + after:
        return _("Đã hết giờ điểm danh cho buổi họp báo này.")
    return None


def _check_briefing_open(briefing: Briefing) -> None:
    if briefing.status == "cancelled":
        raise ValidationError({"briefing_id": _("Buổi họp báo đã bị huỷ: không điểm danh được.")})


def briefing_now(invitation: Invitation, before: timedelta, after: timedelta,
                 now: datetime | None = None) -> Briefing | None:
    """The briefing of this invitation whose window (start - before .. end + after) holds ``now``."""
    now = now or clock.now()
    query = select(Briefing).where(Briefing.status != "cancelled", Briefing.start <= now + before,
                                   Briefing.end >= now - after)
    if invitation.series_id is not None:
        query = query.where(Briefing.series_id == invitation.series_id)
    else:
        query = query.where(Briefing.id == invitation.briefing_id)
    return db.session.scalar(query.order_by(Briefing.start).limit(1))


def next_briefing(invitation: Invitation, now: datetime | None = None) -> Briefing | None:
    now = now or clock.now()
    query = select(Briefing).where(Briefing.status != "cancelled", Briefing.end >= now)
    if invitation.series_id is not None:
        query = query.where(Briefing.series_id == invitation.series_id)
    else:
        query = query.where(Briefing.id == invitation.briefing_id)
    return db.session.scalar(query.order_by(Briefing.start).limit(1))


# --- check-in -----------------------------------------------------------------------------------------

def existing_attendance(briefing_id: int, journalist_id: int) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.briefing_id == briefing_id,
                                                      Attendance.journalist_id == journalist_id))


def check_in(briefing: Briefing, journalist: Journalist, *, mode: str = "in_person", method: str = "staff",
             user_id: int | None = None, now: datetime | None = None,
             window: tuple[timedelta, timedelta] | None = None) -> tuple[Attendance, bool]:
    """Record the journalist present. Returns (attendance, created); a repeat returns the existing row.

    ``window`` (before, after) limits when it may happen; staff without a window may record from
    ``STAFF_BEFORE`` before the start on (past briefings included)."""
    now = now or clock.now()
    errors: dict[str, str] = {}
    if journalist.office_id != briefing.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    if mode not in MODES:
        errors["mode"] = _("Hình thức phải là một trong: %(choices)s.", choices=", ".join(MODES))
    if method not in METHODS:
        errors["method"] = _("Cách điểm danh không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    existing = existing_attendance(briefing.id, journalist.id)
    if existing is not None:
        return existing, False
    _check_briefing_open(briefing)
    if journalist.status == "archived" and journalist.merged_into_id is not None:
        raise ValidationError({"journalist_id": _("Hồ sơ này đã được gộp vào hồ sơ khác.")})
    if window is not None:
        problem = window_error(briefing, window[0], window[1], now)
        if problem:
            raise ValidationError({"checkin": problem})
    elif now < briefing.start - STAFF_BEFORE:
        raise ValidationError({"briefing_id": _("Buổi họp báo chưa diễn ra: chỉ điểm danh từ 24 giờ trước giờ họp.")})
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
    invitation = _invitation_for_checkin(briefing, invitation_from_token(token_from_text(token)), "token")
    return check_in(briefing, invitation.journalist, mode=mode, method="qr", user_id=user_id, now=now,
                    window=(DOOR_BEFORE, DOOR_AFTER))


def normalise_code(code: str) -> str:
    return CODE_RE.sub("", (code or "").upper())


def check_in_by_code(briefing: Briefing, code: str, *, user_id: int | None, mode: str = "in_person",
                     now: datetime | None = None) -> tuple[Attendance, bool]:
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


def attended_journalist_ids(briefing: Briefing) -> set[int]:
    """Who was checked in (the answer to ``signals.attended``)."""
    return set(db.session.scalars(select(Attendance.journalist_id).where(Attendance.briefing_id == briefing.id)))


def roster(briefing: Briefing) -> list[dict[str, Any]]:
    """Everyone invited (with their answer for this briefing) and everyone present, one row each."""
    from coordinator.invitations.operations import invitations_of, rsvps_for_briefing

    answers = rsvps_for_briefing(briefing)
    present = {row.journalist_id: row for row in db.session.scalars(
        select(Attendance).where(Attendance.briefing_id == briefing.id))}
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for invitation in invitations_of(target_of(briefing)):
        journalist = invitation.journalist
        seen.add(journalist.id)
        rows.append({"journalist": journalist, "invitation": invitation,
                     "rsvp": answers.get(journalist.id, invitation.rsvp),
                     "attendance": present.get(journalist.id)})
    for journalist_id, attendance in present.items():
        if journalist_id not in seen:
            rows.append({"journalist": attendance.journalist, "invitation": None, "rsvp": None,
                         "attendance": attendance})
    rows.sort(key=lambda r: (r["journalist"].full_name_folded, r["journalist"].id))
    return rows


def roster_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "invited": sum(1 for r in rows if r["invitation"] is not None),
        "accepted": sum(1 for r in rows if r["rsvp"] == "accepted"),
        "present": sum(1 for r in rows if r["attendance"] is not None),
        "no_shows": sum(1 for r in rows if r["rsvp"] == "accepted" and r["attendance"] is None),
        "without_rsvp": sum(1 for r in rows if r["attendance"] is not None and r["rsvp"] != "accepted"),
        "online": sum(1 for r in rows if r["attendance"] is not None and r["attendance"].mode == "online"),
    }


def merge_journalists_hook(keep_id: int, drop_id: int) -> None:
    """On ``signals.journalists_merged``: the duplicate's attendance and questions become the kept record's
    (where both were checked in to the same briefing, one row stays)."""
    kept = set(db.session.scalars(select(Attendance.briefing_id).where(Attendance.journalist_id == keep_id)))
    for row in db.session.scalars(select(Attendance).where(Attendance.journalist_id == drop_id)).all():
        if row.briefing_id in kept:
            db.session.delete(row)
        else:
            row.journalist_id = keep_id
    db.session.execute(update(Question).where(Question.journalist_id == drop_id).values(journalist_id=keep_id))
    db.session.flush()


# --- questions ------------------------------------------------------------------------------------------

QUESTION_STATUS_LABELS = {
    "pending": _l("Chờ trả lời"), "answered_at_briefing": _l("Đã trả lời tại buổi họp"),
    "answered_in_writing": _l("Đã trả lời bằng văn bản"), "declined": _l("Từ chối trả lời"),
}


def _question_text(value: Any) -> str:
    text = " ".join(str(value or "").split()) if not isinstance(value, str) else value.strip()
    if len(text) < 3:
        raise ValidationError({"text": _("Câu hỏi quá ngắn.")})
    if len(text) > QUESTION_MAX:
        raise ValidationError({"text": _("Câu hỏi tối đa %(n)s ký tự.", n=QUESTION_MAX)})
    return text


def ask(briefing: Briefing, journalist: Journalist | None, text: Any, *, source: str = "staff",
        now: datetime | None = None) -> Question:
    """A question for the briefing, until it ends (staff may also record one afterwards)."""
    now = now or clock.now()
    errors: dict[str, str] = {}
    try:
        text = _question_text(text)
    except ValidationError as exc:
        errors.update(exc.fields)
    if briefing.status == "cancelled":
        errors["briefing_id"] = _("Buổi họp báo đã bị huỷ.")
    elif source != "staff" and now > briefing.end:
        errors["briefing_id"] = _("Buổi họp báo đã kết thúc: không gửi thêm câu hỏi được.")
    if journalist is not None and journalist.office_id != briefing.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    if errors:
        raise ValidationError(errors)
    position = (db.session.scalar(select(func.max(Question.position)).where(Question.briefing_id == briefing.id))
                or 0) + 1
    question = Question(office_id=briefing.office_id, briefing_id=briefing.id,
                        journalist_id=journalist.id if journalist else None,
                        outlet_id=contacts.outlet_on(journalist, briefing_day(briefing)) if journalist else None,
                        text=text, status="pending", position=position, source=source, asked_at=now)
    db.session.add(question)
    db.session.flush()
    audit.record("question.asked", question, data={"briefing_id": briefing.id, "source": source},
                 actor_label=journalist.email if journalist is not None and source != "staff" else None)
    return question


def running_order(briefing: Briefing, *, include_merged: bool = False) -> list[Question]:
    query = select(Question).where(Question.briefing_id == briefing.id)
    if not include_merged:
        query = query.where(Question.merged_into_id.is_(None))
    return list(db.session.scalars(query.order_by(Question.position, Question.id)))


def duplicates_of(question: Question) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.merged_into_id == question.id)
                                   .order_by(Question.asked_at)))


def merge_questions(question: Question, into: Question) -> Question:
    """``question`` duplicates ``into``: it leaves the running order and follows its status."""
    if question.office_id != into.office_id or question.briefing_id != into.briefing_id:
        raise ValidationError({"into_id": _("Chỉ gộp được các câu hỏi của cùng một buổi họp báo.")})
    if question.id == into.id:
        raise ValidationError({"into_id": _("Hãy chọn hai câu hỏi khác nhau.")})
    root = into
    while root.merged_into_id is not None:
        root = db.session.get(Question, root.merged_into_id)
    if root.id == question.id:
        raise ValidationError({"into_id": _("Không gộp được vào chính nó.")})
    question.merged_into_id = root.id
    for child in duplicates_of(question):
        child.merged_into_id = root.id
    for row in [question, *duplicates_of(question)]:
        row.status, row.answer, row.answered_at, row.answered_by_id = (root.status, root.answer, root.answered_at,
                                                                       root.answered_by_id)
    db.session.flush()
    audit.record("question.merged", question, data={"into_id": root.id})
    return root


def unmerge_question(question: Question) -> None:
    question.merged_into_id = None
    question.status, question.answer, question.answered_at = "pending", None, None
    db.session.flush()
    audit.record("question.unmerged", question)


def set_question_status(question: Question, status: str, *, answer: str | None = None, mail: bool = False,
                        user_id: int | None = None) -> Question:
    """Answered at the briefing, answered in writing (optionally mailed to each asker), declined, or
    back to pending. Duplicates merged into it follow."""
    errors: dict[str, str] = {}
    if status not in QUESTION_STATUSES:
        errors["status"] = _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(QUESTION_STATUSES))
    answer = (answer or "").strip() or None
    if answer is not None and len(answer) > 20000:
        errors["answer"] = _("Câu trả lời quá dài.")
    if status == "answered_in_writing" and not answer:
        errors["answer"] = _("Cần nội dung câu trả lời bằng văn bản.")
    if mail and status != "answered_in_writing":
        errors["mail_answer"] = _("Chỉ gửi thư được với câu trả lời bằng văn bản.")
    if question.merged_into_id is not None:
        errors["status"] = _("Câu hỏi này đã được gộp: hãy trả lời câu hỏi chính.")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    for row in [question, *duplicates_of(question)]:
        row.status = status
        row.answer = answer if status != "pending" else None
        row.answered_at = now if status != "pending" else None
        row.answered_by_id = user_id if status != "pending" else None
        row.mail_answer = bool(mail)
    db.session.flush()
    audit.record("question.status", question, data={"status": status, "mail": bool(mail)})
    if mail:
        events.emit("question.answered", office_id=question.office_id, payload={"question_id": question.id})
    return question


def move_question(question: Question, direction: str) -> None:
    """Up or down one place in the running order (swaps positions with the neighbour)."""
    order = running_order(question.briefing)
    for index, row in enumerate(order):
        row.position = index + 1
    index = next((i for i, row in enumerate(order) if row.id == question.id), None)
    if index is None:
        return
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index].position, order[other].position = order[other].position, order[index].position
    db.session.flush()


def answer_mail_key(question: Question) -> str:
    digest = hashlib.sha256((question.answer or "").encode()).hexdigest()[:12]
    return f"question-answer:{question.id}:{digest}"


# --- coverage -------------------------------------------------------------------------------------------

TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|zarsrc|gidzl|_ga|mc_cid|mc_eid)$", re.I)
TONE_LABELS = {"positive": _l("Tích cực"), "neutral": _l("Trung lập"), "negative": _l("Tiêu cực")}
KIND_LABELS = {"article": _l("Bài viết"), "broadcast": _l("Phát sóng")}
MODE_LABELS = {"in_person": _l("Trực tiếp"), "online": _l("Trực tuyến")}
METHOD_LABELS = {"qr": _l("Quét mã QR"), "code": _l("Nhập mã"), "self": _l("Tự điểm danh"),
                 "staff": _l("Cán bộ đánh dấu"), "walk_in": _l("Đến không có giấy mời")}


def normalise_url(value: Any) -> str:
    """``http(s)://host/path?query`` with the host lowercased, https, no fragment, no tracking
    parameters, no trailing slash: the same article pasted twice is one row."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({"url": _("Đường dẫn là bắt buộc.")})
    if any(ch.isspace() for ch in text):
        raise ValidationError({"url": _("Đường dẫn không hợp lệ: %(value)s", value=text[:200])})
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("Đường dẫn không hợp lệ: %(value)s", value=text[:200])}) from None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = ""
    if parts.scheme.lower() not in ("http", "https") or not contacts.HOST_RE.match(host):
        raise ValidationError({"url": _("Đường dẫn không hợp lệ: %(value)s", value=text[:200])})
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMS.match(k)])
    url = urlunsplit(("https", netloc, path, query, ""))
    if len(url) > 1000:
        raise ValidationError({"url": _("Đường dẫn quá dài (tối đa 1000 ký tự).")})
    return url


def find_coverage(office_id: int, url: str) -> Coverage | None:
    return db.session.scalar(select(Coverage).where(Coverage.office_id == office_id, Coverage.url == url))


def _coverage_values(office_id: int, data: dict, coverage: Coverage | None) -> dict:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    partial = coverage is not None
    if "url" in data or not partial:
        try:
            url = normalise_url(data.get("url"))
        except ValidationError as exc:
            errors.update(exc.fields)
        else:
            other = find_coverage(office_id, url)
            if other is not None and other is not coverage:
                errors["url"] = _("Bài này đã được ghi nhận (#%(id)s).", id=other.id)
            values["url"] = url
    if "outlet_id" in data or not partial:
        raw = data.get("outlet_id")
        outlet = None
        if raw in (None, "") and "url" in values:
            outlet = contacts.outlet_for_url(office_id, values["url"])
            if outlet is None:
                errors["outlet_id"] = _("Không nhận ra cơ quan báo chí từ tên miền: hãy chọn cơ quan.")
        else:
            if isinstance(raw, str) and parse_id(raw) is not None:
                raw = parse_id(raw)
            if isinstance(raw, int) and not isinstance(raw, bool):
                outlet = db.session.get(Outlet, raw)
            if outlet is None or outlet.office_id != office_id:
                errors["outlet_id"] = _("Không tìm thấy cơ quan báo chí %(value)s.", value=data.get("outlet_id"))
                outlet = None
        if outlet is not None:
            values["outlet_id"] = outlet.id
    if "briefing_id" in data:
        raw = data.get("briefing_id")
        if raw in (None, "", 0, "0"):
            values["briefing_id"] = None
        else:
            briefing = None
            if isinstance(raw, str) and parse_id(raw) is not None:
                raw = parse_id(raw)
            if isinstance(raw, int) and not isinstance(raw, bool):
                briefing = db.session.get(Briefing, raw)
            if briefing is None or briefing.office_id != office_id:
                errors["briefing_id"] = _("Không tìm thấy buổi họp báo %(value)s.", value=data.get("briefing_id"))
            else:
                values["briefing_id"] = briefing.id
                values["_briefing"] = briefing
    if "published_on" in data and data.get("published_on") not in (None, ""):
        raw = data.get("published_on")
        try:
            values["published_on"] = parse_day(raw)
        except ValueError:
            errors["published_on"] = _("Ngày không hợp lệ (YYYY-MM-DD).")
    for key, allowed in (("tone", TONES), ("kind", COVERAGE_KINDS)):
        if key in data and data.get(key) not in (None, ""):
            if data.get(key) not in allowed:
                errors[key] = _("Giá trị phải là một trong: %(choices)s.", choices=", ".join(allowed))
            else:
                values[key] = data[key]
    if "title" in data:
        title = data.get("title")
        if title is not None and not isinstance(title, str):
            errors["title"] = _("Tiêu đề phải là văn bản.")
        elif title and len(title.strip()) > 500:
            errors["title"] = _("Tiêu đề tối đa 500 ký tự.")
        else:
            values["title"] = (title or "").strip() or None
    if errors:
        raise ValidationError(errors)
    return values


def create_coverage(office_id: int, data: dict, *, user_id: int | None = None, source: str = "manual") -> Coverage:
    values = _coverage_values(office_id, data, None)
    briefing = values.pop("_briefing", None)
    if "published_on" not in values:
        values["published_on"] = briefing_day(briefing) if briefing is not None else contacts.office_today(office_id)
    coverage = Coverage(office_id=office_id, source=source, created_by_id=user_id,
                        tone=values.pop("tone", "neutral"), kind=values.pop("kind", "article"), **values)
    db.session.add(coverage)
    db.session.flush()
    audit.record("coverage.created", coverage, data={"url": coverage.url, "outlet_id": coverage.outlet_id})
    return coverage


def update_coverage(coverage: Coverage, data: dict) -> Coverage:
    values = _coverage_values(coverage.office_id, data, coverage)
    values.pop("_briefing", None)
    changes = {}
    for key, value in values.items():
        if getattr(coverage, key) != value:
            changes[key] = [str(getattr(coverage, key)), str(value)]
            setattr(coverage, key, value)
    db.session.flush()
    if changes:
        audit.record("coverage.updated", coverage, data=changes)
    return coverage


def delete_coverage(coverage: Coverage) -> None:
    audit.record("coverage.deleted", coverage, data={"url": coverage.url})
    db.session.delete(coverage)
    db.session.flush()


def paste_lines(office_id: int, text: str, outlets: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Each non-empty line of a pasted list, analysed (nothing written): its normalised URL, the outlet
    matched from the domain (or chosen in ``outlets``, by URL), or why it cannot be added."""
    outlets = outlets or {}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        row: dict[str, Any] = {"line": number, "input": line[:1000], "url": None, "outlet": None,
                               "status": "new", "error": None}
        try:
            row["url"] = normalise_url(line)
        except ValidationError as exc:
            row["status"], row["error"] = "invalid", exc.fields.get("url")
            rows.append(row)
            continue
        if row["url"] in seen:
            row["status"], row["error"] = "repeated", _("Lặp lại trong danh sách.")
            rows.append(row)
            continue
        seen.add(row["url"])
        existing = find_coverage(office_id, row["url"])
        if existing is not None:
            row["status"], row["existing_id"] = "duplicate", existing.id
            row["error"] = _("Đã có trong danh sách đưa tin.")
            row["outlet"] = existing.outlet
            rows.append(row)
            continue
        chosen = outlets.get(row["url"]) or outlets.get(line)
        if chosen not in (None, "", 0, "0"):
            outlet = db.session.get(Outlet, parse_id(chosen)) if parse_id(chosen) is not None else None
            if outlet is None or outlet.office_id != office_id:
                row["status"], row["error"] = "invalid", _("Không tìm thấy cơ quan báo chí %(value)s.", value=chosen)
            else:
                row["outlet"] = outlet
        else:
            row["outlet"] = contacts.outlet_for_url(office_id, row["url"])
            if row["outlet"] is None:
                row["status"] = "unmatched"
        rows.append(row)
    return rows


def paste_coverage(office_id: int, text: str, *, outlets: dict[str, Any] | None = None, common: dict | None = None,
                   user_id: int | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Add every pasted URL whose outlet is known; report the rest. A line that is not a URL refuses
    the whole paste (nothing written), so the user fixes it first."""
    rows = paste_lines(office_id, text, outlets)
    if not rows:
        raise ValidationError({"text": _("Hãy dán ít nhất một đường dẫn, mỗi dòng một đường dẫn.")})
    invalid = [r for r in rows if r["status"] == "invalid"]
    if invalid:
        raise ValidationError({"text": "; ".join(_("Dòng %(n)s: %(error)s", n=r["line"], error=r["error"])
                                                 for r in invalid[:20])})
    common = dict(common or {})
    # Validate the shared fields once, before anything is written.
    probe = {k: v for k, v in common.items() if k in ("briefing_id", "published_on", "tone", "kind")}
    _coverage_values(office_id, {**probe}, Coverage(office_id=office_id))
    created: list[Coverage] = []
    if not dry_run:
        for row in rows:
            if row["status"] == "new" and row["outlet"] is not None:
                coverage = create_coverage(office_id, {**probe, "url": row["url"], "outlet_id": row["outlet"].id},
                                           user_id=user_id, source="paste")
                row["status"], row["coverage"] = "created", coverage
                created.append(coverage)
    return {"rows": rows, "created": created,
            "unmatched": [r for r in rows if r["status"] == "unmatched"],
            "duplicates": [r for r in rows if r["status"] in ("duplicate", "repeated")]}
