"""One briefing: an ad hoc (or crisis) briefing created, one occurrence changed (moved, cancelled, held, a
new venue, agenda or spokespeople), and the mail lane its change goes out on."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from coordinator.core import audit, clock, events, signals, validators
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule import recurrence
from coordinator.schedule.models import Briefing
from coordinator.schedule.operations.common import _audience, _check_version, _iso, bump_state, collect, new_uid

URGENT_WITHIN = timedelta(hours=48)
BRIEFING_EDITABLE = ("start", "end", "venue", "online_url", "agenda", "spokespeople", "title", "status")


def create_briefing(office: Office, data: dict, *, crisis: bool = False) -> Briefing:
    """An ad hoc briefing (past dates allowed, to record past briefings). A crisis briefing is marked
    urgent: its invitations go out at once. One that is over when created (``record_past`` says so
    explicitly, and refuses one that is not) is a record: held, its audience kept as invited, nobody mailed."""
    record = _record_past(data)
    values = _check_adhoc(office, data, crisis)
    now = clock.now()
    past = values["end"] < now
    if record and not past:
        # The explicit "record a past briefing" path: only one that is over (nothing would be mailed for it).
        raise ValidationError({"dtstart": _("Buổi họp báo ghi lại phải đã kết thúc trước lúc này; "
                                            "buổi sắp diễn ra hãy tạo như họp báo đột xuất.")})
    briefing = Briefing(office_id=office.id, series_id=None, recurrence_id=None, uid=new_uid(office),
                        status="held" if past else "scheduled", is_crisis=crisis or bool(data.get("is_crisis")),
                        is_public=bool(data.get("is_public", True)), edited=False, sequence=0, created_at=now,
                        last_modified=now, **values)
    db.session.add(briefing)
    db.session.flush()
    audit.record("briefing.created", briefing, data={"title": values["title"], "crisis": briefing.is_crisis,
                                                     "recorded": past})
    if past:
        # Its audience is recorded as invited now (the invitations domain listens), with no mail at all.
        signals.briefing_recorded.send(briefing)
    # An ad hoc briefing's invitations go on the urgent lane (a crisis is called within minutes).
    events.emit("briefing.created", office_id=office.id,
                payload={"briefing_id": briefing.id, "series_id": None, "urgent": briefing.is_crisis,
                         "past": past}, queue="default" if past else "urgent")
    bump_state(office.id)
    return briefing


def _record_past(data: dict) -> bool:
    """``record_past``: true when the caller says the briefing already happened (a boolean; 422 otherwise)."""
    value = data.get("record_past", False)
    if value in (None, False, "", "0", "false"):
        return False
    if value in (True, "1", "true", "on"):
        return True
    raise ValidationError({"record_past": _("record_past phải là true hoặc false.")})


def _check_adhoc(office: Office, data: dict, crisis: bool) -> dict:
    """An ad hoc briefing's fields, ready for the row; ``ValidationError`` with every bad field at once.
    A crisis needs a venue or an online link."""
    errors: dict[str, str] = {}
    title = validators.text(data, "title", max_len=255, required=True, errors=errors)
    timezone = collect(errors, recurrence.check_timezone, data.get("timezone") or office.timezone) or office.timezone
    start, end = _adhoc_times(data, timezone, errors)
    venue = validators.text(data, "venue", max_len=500, errors=errors)
    online_url = validators.url(data, "online_url", errors)
    if crisis and not venue and not online_url and "venue" not in errors and "online_url" not in errors:
        errors["venue"] = _("Cần địa điểm hoặc đường dẫn trực tuyến.")
    agenda = validators.text(data, "agenda", max_len=20000, errors=errors, multiline=True)
    spokespeople = validators.text(data, "spokespeople", max_len=2000, errors=errors, multiline=True)
    audience = _audience(office.id, data.get("audience"), errors)
    if errors:
        raise ValidationError(errors)
    return {"title": title, "timezone": timezone, "start": start, "end": end, "venue": venue or "",
            "online_url": online_url or "", "agenda": agenda, "spokespeople": spokespeople, "audience": audience}


def _adhoc_times(data: dict, timezone: str, errors: dict) -> tuple[datetime | None, datetime | None]:
    """Start and end in UTC from local ``dtstart`` and either a local ``end`` or ``duration_minutes``."""
    start = end = None
    local = collect(errors, recurrence.parse_local_dtstart, data.get("dtstart"))
    if local is not None:
        start = local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    if data.get("end") is not None:
        end_local = collect(errors, recurrence.parse_local_dtstart, data.get("end"), field="end")
        if end_local is not None:
            end = end_local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
            if start is not None and end <= start:
                errors["end"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    else:
        minutes = collect(errors, recurrence.check_duration, data.get("duration_minutes", 60))
        if minutes is not None:
            end = start + timedelta(minutes=minutes) if start is not None else None
    return start, end


def lane_for(briefing: Briefing, now: datetime, previous_start: datetime | None = None) -> str:
    """Changes to a crisis briefing, or to one that starts (or started, before a move) within 48 hours,
    are urgent."""
    first = min(briefing.start, previous_start or briefing.start)
    return "urgent" if briefing.is_crisis or first - now <= URGENT_WITHIN else "default"


def update_briefing(briefing: Briefing, data: dict, *, expected_version: Any = None) -> Briefing:
    """Change this one briefing (move, cancel, venue, agenda, spokespeople): its SEQUENCE +1."""
    _check_version(briefing, expected_version)
    new, status = _check_patch(briefing, data)
    before = _briefing_snapshot(briefing)
    for key, value in new.items():
        setattr(briefing, key, value)
    _apply_status(briefing, status, new, before["start"])
    after = _briefing_snapshot(briefing)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return briefing
    _record_change(briefing, changes, before["start"])
    bump_state(briefing.office_id)
    return briefing


def _check_patch(briefing: Briefing, data: dict) -> tuple[dict, str | None]:
    """The new values a PATCH asks for, and the status it asks for (or None); ``ValidationError`` with
    every bad field (unknown ones too) at once."""
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(BRIEFING_EDITABLE) - {"version"})
    if unknown:
        errors.update({key: _("Không sửa được trường này.") for key in unknown})
    new: dict[str, Any] = {}
    _patch_times(briefing, data, new, errors)
    for key, limit in (("venue", 500), ("agenda", 20000), ("spokespeople", 2000), ("title", 255)):
        if key in data:
            value = validators.text(data, key, max_len=limit, errors=errors,
                                    multiline=key in ("agenda", "spokespeople"))
            new[key] = value or ("" if key in ("venue",) else None)
    if "online_url" in data:
        new["online_url"] = validators.url(data, "online_url", errors) or ""
    status = data.get("status")
    if status is not None and status not in ("cancelled", "scheduled", "held"):
        errors["status"] = _("Trạng thái chỉ có thể là cancelled, scheduled hoặc held.")
    if errors:
        raise ValidationError(errors)
    return new, status


def _patch_times(briefing: Briefing, data: dict, new: dict, errors: dict) -> None:
    """A new start and end (aware) into ``new``; a move alone keeps the duration."""
    start, end = briefing.start, briefing.end
    if data.get("start") is not None:
        parsed = collect(errors, recurrence.parse_aware, data["start"], "start")
        if parsed is not None:
            start = new["start"] = parsed
    if data.get("end") is not None:
        parsed = collect(errors, recurrence.parse_aware, data["end"], "end")
        if parsed is not None:
            end = new["end"] = parsed
    elif "start" in new:
        end = new["end"] = start + (briefing.end - briefing.start)
    if start is not None and end is not None and end <= start and "start" not in errors and "end" not in errors:
        errors["end"] = _("Giờ kết thúc phải sau giờ bắt đầu.")


def _briefing_snapshot(briefing: Briefing) -> dict:
    """What a change of one briefing is told as (before and after)."""
    return {"start": _iso(briefing.start), "end": _iso(briefing.end), "status": briefing.status,
            "venue": briefing.effective_venue, "online_url": briefing.effective_online_url,
            "agenda": briefing.agenda, "spokespeople": briefing.spokespeople, "title": briefing.effective_title}


def _apply_status(briefing: Briefing, status: str | None, new: dict, before_start: str | None) -> None:
    """Cancelled and held are set as asked; otherwise an occurrence away from its original time (or an ad
    hoc briefing given a new start) is moved, and one back at it scheduled."""
    original = briefing.recurrence_id
    if status in ("cancelled", "held"):
        briefing.status = status
    elif status == "scheduled" or briefing.status in ("scheduled", "moved"):
        if original is not None:
            briefing.status = "moved" if briefing.start != original else "scheduled"
        elif "start" in new and _iso(new["start"]) != before_start:
            briefing.status = "moved"
        elif status == "scheduled":
            briefing.status = "scheduled"


def _record_change(briefing: Briefing, changes: dict, before_start: str) -> None:
    """SEQUENCE +1 (above the series'), marked as edited by hand, audited and emitted on its lane."""
    now = clock.now()
    briefing.sequence += 1
    if briefing.series is not None:
        briefing.sequence = max(briefing.sequence, briefing.series.sequence + 1)
    briefing.edited = briefing.series_id is not None
    briefing.last_modified = now
    db.session.flush()
    kind = "briefing.cancelled" if changes.get("status", [None, None])[1] == "cancelled" else "briefing.updated"
    audit.record(kind, briefing, data={"changes": changes})
    if "start" in changes or "status" in changes:
        signals.briefing_changed.send(briefing)
    events.emit(kind, office_id=briefing.office_id,
                payload={"briefing_id": briefing.id, "series_id": briefing.series_id, "uid": briefing.uid,
                         "sequence": briefing.sequence, "changes": changes,
                         "recurrence_id": _iso(briefing.recurrence_id)},
                queue=lane_for(briefing, now, datetime.fromisoformat(before_start)))

# What the package (``schedule.operations``) offers from this module.
__all__ = ["BRIEFING_EDITABLE", "URGENT_WITHIN", "create_briefing", "lane_for", "update_briefing"]
