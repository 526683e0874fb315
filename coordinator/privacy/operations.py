"""Data-subject requests and the office's personal-data settings. Functions flush, never commit.

- a journalist asks for erasure from the portal: a pending request staff carry out or refuse (with a reason);
- the office's basis (public-interest task or consent per journalist), stated purpose and retention period;
- the retention sweep: journalists inactive longer than the period are erased (a ``retention`` request
  records each one).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.attendance.models import Attendance, Question
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist
from coordinator.core import audit, clock
from coordinator.core.errors import Conflict, ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.offices.models import Office
from coordinator.packs.models import PackDownload
from coordinator.privacy.erasure import erase_journalist
from coordinator.privacy.models import DataRequest

MAX_RETENTION_YEARS = 50


def request_erasure(journalist: Journalist, message: str | None) -> DataRequest:
    """The journalist's request (one pending at a time: asking again returns it)."""
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("Lời nhắn tối đa 2000 ký tự.")})
    pending = db.session.scalar(select(DataRequest).where(DataRequest.journalist_id == journalist.id,
                                                          DataRequest.status == "pending"))
    if pending is not None:
        return pending
    request = DataRequest(office_id=journalist.office_id, journalist_id=journalist.id, kind="erasure",
                          status="pending", message=message or None, source="portal")
    db.session.add(request)
    db.session.flush()
    audit.record("data_request.created", request, actor_label=f"journalist #{journalist.id}",
                 data={"kind": "erasure", "journalist_id": journalist.id})
    return request


def _decidable(request: DataRequest) -> None:
    if request.status != "pending":
        raise Conflict(_("Yêu cầu này đã được xử lý."))


def carry_out(request: DataRequest, user: Any) -> DataRequest:
    """Erase the journalist's personal data and close the request."""
    _decidable(request)
    if request.journalist is not None:
        erase_journalist(request.journalist, why="request")
    request.status, request.decided_at, request.decided_by_id = "done", clock.now(), user.id
    db.session.flush()
    audit.record("data_request.done", request, data={"journalist_id": request.journalist_id})
    return request


def refuse(request: DataRequest, user: Any, reason: str | None) -> DataRequest:
    """Refused with the reason the law asks for (kept, and shown to the journalist in their export)."""
    _decidable(request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Lý do tối đa 2000 ký tự.")})
    request.status, request.reason = "refused", reason
    request.decided_at, request.decided_by_id = clock.now(), user.id
    db.session.flush()
    audit.record("data_request.refused", request, data={"journalist_id": request.journalist_id, "reason": reason})
    return request


def requests_of(office_id: int) -> list[DataRequest]:
    """Pending first, then the decided ones, newest first."""
    return list(db.session.scalars(select(DataRequest).where(DataRequest.office_id == office_id)
                                   .order_by((DataRequest.status != "pending"), DataRequest.created_at.desc(),
                                             DataRequest.id.desc())))


def update_settings(office: Office, data: dict) -> Office:
    """``public_task`` (bool), ``purpose`` (text), ``retention_years`` (empty or 1..50); all checked first.
    A change of basis re-checks who may be mailed at once."""
    errors: dict[str, str] = {}
    years_raw = data.get("retention_years")
    years = None
    if years_raw not in (None, ""):
        try:
            years = int(str(years_raw).strip())
        except ValueError:
            years = 0
        if not 1 <= years <= MAX_RETENTION_YEARS:
            errors["retention_years"] = _("Số năm phải từ 1 đến %(max)s, hoặc để trống.", max=MAX_RETENTION_YEARS)
    purpose = (data.get("purpose") or "").strip()
    if len(purpose) > 2000:
        errors["purpose"] = _("Mục đích tối đa 2000 ký tự.")
    if errors:
        raise ValidationError(errors)
    public_task = bool(data.get("public_task"))
    changed = public_task != office.contacts_public_task
    before = {"public_task": office.contacts_public_task, "purpose": office.contacts_purpose,
              "retention_years": office.retention_years}
    office.contacts_public_task, office.contacts_purpose, office.retention_years = public_task, purpose or None, years
    db.session.flush()
    audit.record("office.privacy_settings", office, data={"before": before, "after": {
        "public_task": public_task, "purpose": office.contacts_purpose, "retention_years": years}})
    if changed:
        contacts.resync_office(office)
    return office


def last_activity(journalist_ids: list[int]) -> dict[int, datetime]:
    """When each journalist last did something themselves (came, answered, asked, downloaded), else when they
    were added to the book."""
    latest: dict[int, datetime] = {}
    sources = ((Journalist.id, Journalist.created_at), (Attendance.journalist_id, Attendance.checked_in_at),
               (Invitation.journalist_id, Invitation.rsvp_at), (Question.journalist_id, Question.asked_at),
               (PackDownload.journalist_id, PackDownload.created_at))
    for start in range(0, len(journalist_ids), 500):
        chunk = journalist_ids[start:start + 500]
        for key, when in sources:
            for journalist_id, moment in db.session.execute(select(key, func.max(when)).where(key.in_(chunk))
                                                            .group_by(key)):
                if moment is not None and (journalist_id not in latest or moment > latest[journalist_id]):
                    latest[journalist_id] = moment
    return latest


def retention_sweep(now: datetime | None = None) -> dict[str, int]:
    """Erase, in every office with a retention period, the journalists inactive for longer (idempotent)."""
    now = now or clock.now()
    erased = 0
    for office in db.session.scalars(select(Office).where(Office.retention_years.is_not(None))):
        cutoff = now - timedelta(days=round(365.25 * office.retention_years))
        ids = list(db.session.scalars(select(Journalist.id).where(Journalist.office_id == office.id,
                                                                  Journalist.erased_at.is_(None))))
        latest = last_activity(ids)
        for journalist_id in ids:
            if latest.get(journalist_id, now) >= cutoff:
                continue
            journalist = db.session.get(Journalist, journalist_id)
            erase_journalist(journalist, why="retention")
            db.session.add(DataRequest(office_id=office.id, journalist_id=journalist_id, kind="erasure",
                                       status="done", source="retention", decided_at=now,
                                       reason=_("Không hoạt động quá %(years)s năm", years=office.retention_years)))
            erased += 1
    db.session.flush()
    return {"erased": erased}
