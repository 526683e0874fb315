"""Create and change the schedule. Functions flush, never commit: the caller commits once.

Every change bumps the iTIP SEQUENCE of what changed, records an audit row and emits an outbox event
(``series.created``, ``series.updated``, ``series.split``, ``briefing.created``, ``briefing.updated``,
``briefing.cancelled``, ``briefings.materialised``) for the invitations issue to send mail from.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from coordinator.core import audit, clock, events, validators
from coordinator.core.errors import Conflict, NotFound, ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule import recurrence
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import (
    DEFAULT_REMINDERS,
    HOLIDAY_POLICIES,
    Briefing,
    JournalistFeedToken,
    OfficeClosure,
    ScheduleState,
    Series,
)

DEFAULT_HORIZON_DAYS = 400
MAX_RANGE_DAYS = 3700  # one API request may ask for about ten years at most
TIMING_FIELDS = ("dtstart", "timezone", "rrule")
SERIES_FIELDS = ("title", "description", "dtstart", "timezone", "duration_minutes", "rrule", "holiday_policy",
                 "venue", "online_url", "audience", "invite_lead_days", "reminders", "is_public")


def horizon_days() -> int:
    if has_app_context():
        return int(current_app.config.get("SCHEDULE_HORIZON_DAYS", DEFAULT_HORIZON_DAYS))
    return DEFAULT_HORIZON_DAYS


def new_uid(office: Office | int) -> str:
    return f"{uuid.uuid4()}@briefings"


def bump_state(office_id: int) -> None:
    """Every schedule change: feeds cached by this office's version are stale from now on."""
    state = db.session.get(ScheduleState, office_id)
    if state is None:
        db.session.add(ScheduleState(office_id=office_id, version=1, changed_at=clock.now()))
    else:
        state.version = (state.version or 0) + 1
        state.changed_at = clock.now()
    db.session.flush()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- input checks --------------------------------------------------------------------------------

_text = validators.text
_url = validators.url
_int = validators.integer


def _reminders(value: Any, errors: dict) -> list[int]:
    if value is None:
        return list(DEFAULT_REMINDERS)
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        errors["reminders"] = _("Nhắc trước phải là danh sách số phút.")
        return list(DEFAULT_REMINDERS)
    out = []
    for item in value:
        try:
            minutes = int(str(item).strip())
            if minutes < 0 or minutes > 60 * 24 * 60:
                raise ValueError
        except ValueError:
            errors["reminders"] = _("Nhắc trước phải là các số phút từ 0 đến 86400.")
            return list(DEFAULT_REMINDERS)
        out.append(minutes)
    return sorted(set(out), reverse=True)


def _audience(office_id: int, value: Any, errors: dict) -> dict:
    from coordinator.contacts.audience import validate_audience

    try:
        return validate_audience(office_id, value)
    except ValidationError as exc:
        errors.update(exc.fields)
        return {}


def _holiday_policy(data: dict, default: str, errors: dict) -> str:
    if "holiday_policy" in data and data["holiday_policy"] is not None:
        policy = data["holiday_policy"]
        if policy not in HOLIDAY_POLICIES:
            errors["holiday_policy"] = _("Cách xử lý ngày lễ phải là một trong: %(choices)s.",
                                         choices=", ".join(HOLIDAY_POLICIES))
            return default
        return policy
    if "skip_public_holidays" in data:
        value = data["skip_public_holidays"]
        if not isinstance(value, bool):
            errors["skip_public_holidays"] = _("Phải là true hoặc false.")
            return default
        return "skip" if value else "none"
    return default


def clean_series(office: Office, data: dict, base: Series | None = None) -> dict:
    """Check a series' fields (all of them when creating; only those given when ``base`` is set).
    Returns the normalised values; raises ``ValidationError`` with every bad field at once."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    given = (lambda key: key in data) if base is not None else (lambda key: True)

    if given("title"):
        out["title"] = _text(data, "title", max_len=255, required=True, errors=errors)
    if given("description"):
        out["description"] = _text(data, "description", max_len=10000, errors=errors)
    timezone = base.timezone if base is not None else office.timezone
    if "timezone" in data or base is None:
        try:
            timezone = recurrence.check_timezone(data.get("timezone") or (office.timezone if base is None else None))
            out["timezone"] = timezone
        except ValidationError as exc:
            errors.update(exc.fields)
    dtstart = base.dtstart if base is not None else None
    if given("dtstart"):
        try:
            dtstart = recurrence.parse_local_dtstart(data.get("dtstart"))
            out["dtstart"] = dtstart
        except ValidationError as exc:
            errors.update(exc.fields)
            dtstart = None
    if given("duration_minutes"):
        try:
            out["duration_minutes"] = recurrence.check_duration(data.get("duration_minutes"))
        except ValidationError as exc:
            errors.update(exc.fields)
    if base is None or "holiday_policy" in data or "skip_public_holidays" in data:
        out["holiday_policy"] = _holiday_policy(data, base.holiday_policy if base is not None else "skip", errors)
    if given("venue"):
        out["venue"] = _text(data, "venue", max_len=500, errors=errors)
    if given("online_url"):
        out["online_url"] = _url(data, "online_url", errors)
    if given("invite_lead_days"):
        out["invite_lead_days"] = _int(data, "invite_lead_days", 7, lo=0, hi=90, errors=errors)
    if given("reminders"):
        out["reminders"] = _reminders(data.get("reminders"), errors)
    if given("audience"):
        out["audience"] = _audience(office.id, data.get("audience"), errors)
    if given("is_public"):
        value = data.get("is_public", True)
        out["is_public"] = True if value is None else bool(value)
    rule_text = base.rrule if base is not None else None
    if given("rrule") or "dtstart" in out or "timezone" in out:
        source = data.get("rrule") if given("rrule") else rule_text
        if dtstart is not None and "timezone" not in errors:
            try:
                out["rrule"] = recurrence.normalise_rrule(source, dtstart, timezone)
            except ValidationError as exc:
                errors.update(exc.fields)
        elif "rrule" in data:
            try:  # still report a broken rule next to a broken dtstart
                recurrence.normalise_rrule(source, datetime(2026, 1, 1, 9), "Asia/Ho_Chi_Minh")
            except ValidationError as exc:
                errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    if "rrule" in out:  # DTSTART is the first occurrence (RFC 5545 always counts it; dateutil does not)
        first = recurrence.build_rule(dtstart, timezone, out["rrule"])[0]
        out["dtstart"] = first.replace(tzinfo=None)
    return out


# --- series --------------------------------------------------------------------------------------

def create_series(office: Office, data: dict, *, materialise_until: datetime | None = None) -> Series:
    values = clean_series(office, data)
    now = clock.now()
    series = Series(office_id=office.id, uid=new_uid(office), sequence=0, created_at=now, updated_at=now,
                    last_modified=now, **values)
    db.session.add(series)
    db.session.flush()
    audit.record("series.created", series, data={"title": series.title, "rrule": series.rrule})
    events.emit("series.created", office_id=office.id, payload={"series_id": series.id, "uid": series.uid})
    materialise(series, materialise_until or now + timedelta(days=horizon_days()))
    bump_state(office.id)
    return series


def _series_snapshot(series: Series) -> dict:
    return {field: getattr(series, field) for field in SERIES_FIELDS}


def _changes(before: dict, after: dict) -> dict:
    def show(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime | date) else value

    return {key: [show(before[key]), show(after[key])] for key in after if before.get(key) != after[key]}


def _check_version(obj: Any, expected: Any) -> None:
    if expected is None or expected == "":
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ValidationError({"version": _("Phiên bản không hợp lệ.")}) from None
    if expected != obj.version_id:
        raise Conflict(_("Dữ liệu đã được người khác thay đổi; vui lòng tải lại trang rồi sửa lại."))


def update_series(series: Series, data: dict, *, expected_version: Any = None) -> Series:
    """Edit the whole series: SEQUENCE +1. A change of timing (start, rule, time zone) on a series that
    already has past briefings is done as a split at the next occurrence, so history stays as it was."""
    _check_version(series, expected_version)
    office = db.session.get(Office, series.office_id)
    values = clean_series(office, data, base=series)
    before = _series_snapshot(series)
    changed = {key: value for key, value in values.items() if before.get(key) != value}
    if not changed:
        return series
    now = clock.now()
    timing = any(key in changed for key in TIMING_FIELDS)
    if timing:
        has_past = db.session.scalar(select(Briefing.id).where(
            Briefing.series_id == series.id, Briefing.start < now).limit(1)) is not None
        if has_past:
            upcoming = db.session.scalar(select(Briefing).where(
                Briefing.series_id == series.id, Briefing.recurrence_id >= now)
                .order_by(Briefing.recurrence_id).limit(1))
            if upcoming is None:
                raise ValidationError({"dtstart": _("Chuỗi họp này đã kết thúc; hãy tạo chuỗi mới.")})
            return split_series(upcoming, data)
    for key, value in changed.items():
        setattr(series, key, value)
    series.sequence += 1
    series.updated_at = now
    series.last_modified = now
    removed: list[int] = []
    if timing:
        # Nothing has happened yet: lay the series out again from the new rule.
        removed = list(db.session.scalars(select(Briefing.id).where(Briefing.series_id == series.id)))
        db.session.execute(delete(Briefing).where(Briefing.series_id == series.id))
        series.materialised_until = None
        db.session.flush()
        materialise(series, now + timedelta(days=horizon_days()), emit_event=False)
    else:
        future_rows = list(db.session.scalars(select(Briefing).where(
            Briefing.series_id == series.id, Briefing.start >= now)))
        for row in future_rows:
            row.sequence = max(row.sequence + 1, series.sequence)
            row.last_modified = now
            if "duration_minutes" in changed and not row.edited:
                row.end = row.start + series.duration
        db.session.flush()
        if "holiday_policy" in changed:
            reconcile(series, now)
    db.session.flush()
    change_log = _changes(before, {key: getattr(series, key) for key in changed})
    audit.record("series.updated", series, data={"changes": change_log})
    events.emit("series.updated", office_id=series.office_id,
                payload={"series_id": series.id, "uid": series.uid, "sequence": series.sequence,
                         "changes": change_log, "removed_briefing_ids": removed})
    bump_state(series.office_id)
    return series


def split_series(briefing: Briefing, data: dict, *, expected_version: Any = None) -> Series:
    """'This and following': the old series ends just before this occurrence (UNTIL, SEQUENCE +1), and a
    new series with a new UID starts here with the changes. Calendar clients handle this cleanly,
    unlike RANGE=THISANDFUTURE."""
    _check_version(briefing, expected_version)
    old = briefing.series
    if old is None:
        raise ValidationError({"scope": _("Buổi họp đột xuất không thuộc chuỗi nào.")})
    cut = briefing.recurrence_id
    earlier = recurrence.instances(old.dtstart, old.timezone, old.rrule, old.start_aware, cut)
    if not earlier:  # the first occurrence: this and following is the whole series
        return update_series(old, data)
    office = db.session.get(Office, old.office_id)
    local_cut = cut.astimezone(old.tz).replace(tzinfo=None)
    merged = {**{key: getattr(old, key) for key in SERIES_FIELDS}, "dtstart": local_cut.isoformat(),
              "timezone": old.timezone}
    count = recurrence.rule_count(old.rrule)
    if count is not None:
        merged["rrule"] = recurrence.with_count(old.rrule, max(count - len(earlier), 1))
    for key in SERIES_FIELDS + ("skip_public_holidays",):
        if key in data:
            merged[key] = data[key]
    if isinstance(merged.get("dtstart"), datetime):
        merged["dtstart"] = merged["dtstart"].isoformat()
    values = clean_series(office, merged)
    now = clock.now()
    before = _series_snapshot(old)
    old.rrule = recurrence.with_until(old.rrule, cut - timedelta(seconds=1))
    old.sequence += 1
    old.updated_at = now
    old.last_modified = now
    new = Series(office_id=old.office_id, uid=new_uid(office), sequence=0, split_from_id=old.id,
                 created_at=now, updated_at=now, last_modified=now, **values)
    db.session.add(new)
    db.session.flush()
    later = list(db.session.scalars(select(Briefing).where(
        Briefing.series_id == old.id, Briefing.recurrence_id >= cut)))
    horizon = max(old.materialised_until or now, now + timedelta(days=horizon_days()))
    new_rids = {p.recurrence_id for p in recurrence.plan(
        new.dtstart, new.timezone, new.rrule, new.duration_minutes, new.holiday_policy, DaysOff(),
        new.start_aware, horizon)}
    kept, removed = [], []
    for row in later:
        if row.edited and row.recurrence_id in new_rids:
            row.series_id = new.id
            row.uid = new.uid
            row.sequence = 0
            row.last_modified = now
            kept.append(row.id)
        else:
            removed.append(row.id)
    if removed:
        db.session.execute(delete(Briefing).where(Briefing.id.in_(removed)))
    db.session.flush()
    db.session.expire_all()
    materialise(new, horizon, emit_event=False)
    # The old half may still be materialised past its new end only if rows were not removed.
    change_log = _changes(before, {key: values[key] for key in values if key in before})
    audit.record("series.split", old, data={"new_series_id": new.id, "from": _iso(cut), "changes": change_log})
    events.emit("series.split", office_id=old.office_id,
                payload={"series_id": old.id, "old_series_id": old.id, "new_series_id": new.id,
                         "old_uid": old.uid, "new_uid": new.uid, "from": _iso(cut), "old_sequence": old.sequence,
                         "changes": change_log, "removed_briefing_ids": removed, "moved_briefing_ids": kept})
    bump_state(old.office_id)
    return new


def end_series_before(briefing: Briefing) -> Series:
    """Cancel 'this and following': the series ends just before this occurrence (UNTIL, SEQUENCE +1);
    the occurrences from here on are removed and listed in the event for cancellation notices."""
    series = briefing.series
    if series is None:
        raise ValidationError({"scope": _("Buổi họp đột xuất không thuộc chuỗi nào.")})
    cut = briefing.recurrence_id
    if not recurrence.instances(series.dtstart, series.timezone, series.rrule, series.start_aware, cut):
        raise ValidationError({"status": _("Đây là buổi đầu tiên của chuỗi: hãy huỷ từng buổi.")})
    now = clock.now()
    before = series.rrule
    series.rrule = recurrence.with_until(series.rrule, cut - timedelta(seconds=1))
    series.sequence += 1
    series.updated_at = now
    series.last_modified = now
    removed = list(db.session.scalars(select(Briefing.id).where(
        Briefing.series_id == series.id, Briefing.recurrence_id >= cut)))
    if removed:
        db.session.execute(delete(Briefing).where(Briefing.id.in_(removed)))
    db.session.flush()
    change_log = {"rrule": [before, series.rrule]}
    audit.record("series.ended", series, data={"from": _iso(cut), "changes": change_log})
    events.emit("series.updated", office_id=series.office_id,
                payload={"series_id": series.id, "uid": series.uid, "sequence": series.sequence, "ended": True,
                         "from": _iso(cut), "changes": change_log, "removed_briefing_ids": removed})
    bump_state(series.office_id)
    return series


# --- materialisation ------------------------------------------------------------------------------

def materialise(series: Series, until: datetime, *, emit_event: bool = True,
                days_off: DaysOff | None = None) -> list[int]:
    """Create the occurrences of ``series`` up to ``until`` that are not there yet. Idempotent: rows are
    unique by (series_id, recurrence_id) and the series remembers how far it got."""
    start = series.materialised_until or series.start_aware.astimezone(UTC)
    if until <= start:
        return []
    days_off = days_off or DaysOff.for_office(series.office_id)
    planned = recurrence.plan(series.dtstart, series.timezone, series.rrule, series.duration_minutes,
                              series.holiday_policy, days_off, start, until)
    existing = set(db.session.scalars(select(Briefing.recurrence_id).where(
        Briefing.series_id == series.id, Briefing.recurrence_id >= start, Briefing.recurrence_id < until)))
    now = clock.now()
    rows = []
    for item in planned:
        if item.kind == "skipped" or item.recurrence_id in existing:
            continue
        rows.append({"office_id": series.office_id, "series_id": series.id, "recurrence_id": item.recurrence_id,
                     "uid": series.uid, "start": item.start, "end": item.end, "timezone": series.timezone,
                     "status": "moved" if item.kind == "moved" else "scheduled",
                     "holiday_note": item.reason, "sequence": series.sequence, "is_crisis": False,
                     "is_public": True, "edited": False, "created_at": now, "last_modified": now,
                     "version_id": 1})
    ids: list[int] = []
    if rows:
        for chunk_start in range(0, len(rows), 500):
            chunk = rows[chunk_start:chunk_start + 500]
            db.session.execute(insert(Briefing), chunk)
        inserted = {row["recurrence_id"] for row in rows}
        ids = [bid for bid, rid in db.session.execute(select(Briefing.id, Briefing.recurrence_id).where(
            Briefing.series_id == series.id, Briefing.recurrence_id >= start, Briefing.recurrence_id < until))
            if rid in inserted]
    series.materialised_until = until
    db.session.flush()
    if ids and emit_event:
        events.emit("briefings.materialised", office_id=series.office_id,
                    payload={"series_id": series.id, "briefing_ids": ids})
    return ids


def reconcile(series: Series, since: datetime, days_off: DaysOff | None = None) -> list[int]:
    """Apply holidays and closures again to the occurrences from ``since`` on (a closure was added or
    removed, the holiday policy changed). Occurrences changed by hand are left alone. Returns the ids
    changed; each change bumps that occurrence's SEQUENCE and emits its event."""
    until = series.materialised_until
    if until is None or until <= since:
        return []
    days_off = days_off or DaysOff.for_office(series.office_id)
    planned = {p.recurrence_id: p for p in recurrence.plan(
        series.dtstart, series.timezone, series.rrule, series.duration_minutes, series.holiday_policy,
        days_off, since, until)}
    rows = {row.recurrence_id: row for row in db.session.scalars(select(Briefing).where(
        Briefing.series_id == series.id, Briefing.recurrence_id >= since, Briefing.recurrence_id < until))}
    now = clock.now()
    changed: list[int] = []
    new_rows = []
    for rid, item in planned.items():
        row = rows.get(rid)
        if row is None:
            if item.kind != "skipped":
                new_rows.append(item)
            continue
        if row.edited or row.status == "held":
            continue
        if item.kind == "skipped":
            target = (row.start, row.end, "cancelled", item.reason)
        elif item.kind == "moved":
            target = (item.start, item.end, "moved", item.reason)
        else:
            target = (item.start, item.end, "scheduled", None)
        if (row.start, row.end, row.status, row.holiday_note) == target:
            continue
        was_cancelled = row.status == "cancelled"
        before = {"start": _iso(row.start), "end": _iso(row.end), "status": row.status}
        row.start, row.end, row.status, row.holiday_note = target
        row.sequence = max(row.sequence, series.sequence) + 1
        row.last_modified = now
        db.session.flush()
        kind = "briefing.cancelled" if row.status == "cancelled" and not was_cancelled else "briefing.updated"
        events.emit(kind, office_id=row.office_id, payload={
            "briefing_id": row.id, "series_id": series.id, "sequence": row.sequence, "reason": item.reason,
            "changes": {key: [before[key], value] for key, value in
                        (("start", _iso(row.start)), ("end", _iso(row.end)), ("status", row.status))
                        if before[key] != value}})
        changed.append(row.id)
    for item in new_rows:
        row = Briefing(office_id=series.office_id, series_id=series.id, recurrence_id=item.recurrence_id,
                       uid=series.uid, start=item.start, end=item.end, timezone=series.timezone,
                       status="moved" if item.kind == "moved" else "scheduled", holiday_note=item.reason,
                       sequence=series.sequence, created_at=now, last_modified=now)
        db.session.add(row)
        db.session.flush()
        events.emit("briefing.created", office_id=row.office_id,
                    payload={"briefing_id": row.id, "series_id": series.id, "urgent": False})
        changed.append(row.id)
    if changed:
        series.last_modified = now
    db.session.flush()
    return changed


def ensure_materialised(office_id: int, until: datetime, series_id: int | None = None) -> int:
    """Occurrences up to ``until`` exist for every series of the office (or just one). Returns how many
    were created."""
    query = select(Series).where(Series.office_id == office_id,
                                 (Series.materialised_until.is_(None)) | (Series.materialised_until < until))
    if series_id is not None:
        query = query.where(Series.id == series_id)
    todo = list(db.session.scalars(query))
    if not todo:
        return 0
    days_off = DaysOff.for_office(office_id)
    created = 0
    for series in todo:
        created += len(materialise(series, until, days_off=days_off))
    if created:
        bump_state(office_id)
    return created


def materialise_all(horizon: timedelta | None = None) -> int:
    """The periodic job: keep every office's horizon filled."""
    until = clock.now() + (horizon or timedelta(days=horizon_days()))
    office_ids = list(db.session.scalars(select(Series.office_id).distinct()))
    total = 0
    for office_id in office_ids:
        total += ensure_materialised(office_id, until)
    return total


def list_briefings(office_id: int, day_from: date, day_to: date, *, timezone: str,
                   series_id: int | None = None) -> Any:
    """A select() of the office's briefings starting in [from, to] (local days, ``to`` inclusive),
    after making sure occurrences beyond the horizon exist, so ids are real and stable."""
    if day_to < day_from:
        raise ValidationError({"to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if (day_to - day_from).days > MAX_RANGE_DAYS:
        raise ValidationError({"to": _("Khoảng thời gian tối đa %(days)s ngày.", days=MAX_RANGE_DAYS)})
    start, end = recurrence.local_day_bounds(day_from, day_to, timezone)
    ensure_materialised(office_id, end + timedelta(days=62), series_id)  # moves push a few days later
    query = select(Briefing).where(Briefing.office_id == office_id, Briefing.start >= start, Briefing.start < end)
    if series_id is not None:
        query = query.where(Briefing.series_id == series_id)
    return query.order_by(Briefing.start, Briefing.id)


def series_exceptions(series: Series, until: datetime | None = None) -> list[dict]:
    """Skipped and moved dates of a series (holidays, closures, hand moves and cancels), for its page."""
    until = until or max(series.materialised_until or clock.now(), clock.now() + timedelta(days=horizon_days()))
    days_off = DaysOff.for_office(series.office_id)
    planned = recurrence.plan(series.dtstart, series.timezone, series.rrule, series.duration_minutes,
                              series.holiday_policy, days_off, series.start_aware, until)
    rows = {row.recurrence_id: row for row in db.session.scalars(
        select(Briefing).where(Briefing.series_id == series.id))}
    out = []
    for item in planned:
        row = rows.get(item.recurrence_id)
        if row is not None and row.status in ("moved", "cancelled"):
            out.append({"recurrence_id": item.recurrence_id, "kind": row.status, "start": row.start,
                        "reason": row.holiday_note or (_("Thay đổi riêng buổi này") if row.edited else None),
                        "briefing": row})
        elif row is None and item.kind in ("skipped", "moved"):
            out.append({"recurrence_id": item.recurrence_id, "kind": "skipped" if item.kind == "skipped" else "moved",
                        "start": item.start, "reason": item.reason, "briefing": None})
    return out


# --- briefings -----------------------------------------------------------------------------------

def create_briefing(office: Office, data: dict, *, crisis: bool = False) -> Briefing:
    """An ad hoc briefing (past dates allowed, to record past briefings). A crisis briefing is marked
    urgent: its invitations go out at once."""
    errors: dict[str, str] = {}
    title = _text(data, "title", max_len=255, required=True, errors=errors)
    try:
        timezone = recurrence.check_timezone(data.get("timezone") or office.timezone)
    except ValidationError as exc:
        errors.update(exc.fields)
        timezone = office.timezone
    start = end = None
    try:
        local = recurrence.parse_local_dtstart(data.get("dtstart"))
        start = local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    except ValidationError as exc:
        errors.update(exc.fields)
    if data.get("end") is not None:
        try:
            end_local = recurrence.parse_local_dtstart(data.get("end"), field="end")
            end = end_local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
            if start is not None and end <= start:
                errors["end"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
        except ValidationError as exc:
            errors.update(exc.fields)
    else:
        try:
            minutes = recurrence.check_duration(data.get("duration_minutes", 60))
            end = start + timedelta(minutes=minutes) if start is not None else None
        except ValidationError as exc:
            errors.update(exc.fields)
    venue = _text(data, "venue", max_len=500, errors=errors)
    online_url = _url(data, "online_url", errors)
    if crisis and not venue and not online_url and "venue" not in errors and "online_url" not in errors:
        errors["venue"] = _("Cần địa điểm hoặc đường dẫn trực tuyến.")
    agenda = _text(data, "agenda", max_len=20000, errors=errors)
    spokespeople = _text(data, "spokespeople", max_len=2000, errors=errors)
    audience = _audience(office.id, data.get("audience"), errors)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    briefing = Briefing(office_id=office.id, series_id=None, recurrence_id=None, uid=new_uid(office), start=start,
                        end=end, timezone=timezone, status="held" if end < now else "scheduled", title=title,
                        venue=venue or "", online_url=online_url or "", agenda=agenda, spokespeople=spokespeople,
                        audience=audience, is_crisis=crisis or bool(data.get("is_crisis")),
                        is_public=bool(data.get("is_public", True)), edited=False, sequence=0, created_at=now,
                        last_modified=now)
    db.session.add(briefing)
    db.session.flush()
    audit.record("briefing.created", briefing, data={"title": title, "crisis": briefing.is_crisis})
    # An ad hoc briefing's invitations go on the urgent lane (a crisis is called within minutes).
    events.emit("briefing.created", office_id=office.id,
                payload={"briefing_id": briefing.id, "series_id": None, "urgent": briefing.is_crisis,
                         "past": end < now}, queue="default" if end < now else "urgent")
    bump_state(office.id)
    return briefing


URGENT_WITHIN = timedelta(hours=48)


def lane_for(briefing: Briefing, now: datetime, previous_start: datetime | None = None) -> str:
    """Changes to a crisis briefing, or to one that starts (or started, before a move) within 48 hours,
    are urgent."""
    first = min(briefing.start, previous_start or briefing.start)
    return "urgent" if briefing.is_crisis or first - now <= URGENT_WITHIN else "default"


BRIEFING_EDITABLE = ("start", "end", "venue", "online_url", "agenda", "spokespeople", "title", "status")


def update_briefing(briefing: Briefing, data: dict, *, expected_version: Any = None) -> Briefing:
    """Change this one briefing (move, cancel, venue, agenda, spokespeople): its SEQUENCE +1."""
    _check_version(briefing, expected_version)
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(BRIEFING_EDITABLE) - {"version"})
    if unknown:
        errors.update({key: _("Không sửa được trường này.") for key in unknown})
    new: dict[str, Any] = {}
    start = briefing.start
    end = briefing.end
    if data.get("start") is not None:
        try:
            start = recurrence.parse_aware(data["start"], "start")
            new["start"] = start
        except ValidationError as exc:
            errors.update(exc.fields)
    if data.get("end") is not None:
        try:
            end = recurrence.parse_aware(data["end"], "end")
            new["end"] = end
        except ValidationError as exc:
            errors.update(exc.fields)
    elif "start" in new:
        end = start + (briefing.end - briefing.start)
        new["end"] = end
    if start is not None and end is not None and end <= start and "start" not in errors and "end" not in errors:
        errors["end"] = _("Giờ kết thúc phải sau giờ bắt đầu.")
    for key, limit in (("venue", 500), ("agenda", 20000), ("spokespeople", 2000), ("title", 255)):
        if key in data:
            value = _text(data, key, max_len=limit, errors=errors)
            new[key] = value or ("" if key in ("venue",) else None)
    if "online_url" in data:
        new["online_url"] = _url(data, "online_url", errors) or ""
    status = data.get("status")
    if status is not None and status not in ("cancelled", "scheduled", "held"):
        errors["status"] = _("Trạng thái chỉ có thể là cancelled, scheduled hoặc held.")
    if errors:
        raise ValidationError(errors)
    before = {"start": _iso(briefing.start), "end": _iso(briefing.end), "status": briefing.status,
              "venue": briefing.effective_venue, "online_url": briefing.effective_online_url,
              "agenda": briefing.agenda, "spokespeople": briefing.spokespeople, "title": briefing.effective_title}
    for key, value in new.items():
        setattr(briefing, key, value)
    original = briefing.recurrence_id
    if status in ("cancelled", "held"):
        briefing.status = status
    elif status == "scheduled" or briefing.status in ("scheduled", "moved"):
        if original is not None:
            briefing.status = "moved" if briefing.start != original else "scheduled"
        elif "start" in new and _iso(new["start"]) != before["start"]:
            briefing.status = "moved"
        elif status == "scheduled":
            briefing.status = "scheduled"
    after = {"start": _iso(briefing.start), "end": _iso(briefing.end), "status": briefing.status,
             "venue": briefing.effective_venue, "online_url": briefing.effective_online_url,
             "agenda": briefing.agenda, "spokespeople": briefing.spokespeople, "title": briefing.effective_title}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return briefing
    now = clock.now()
    briefing.sequence += 1
    if briefing.series is not None:
        briefing.sequence = max(briefing.sequence, briefing.series.sequence + 1)
    briefing.edited = briefing.series_id is not None
    briefing.last_modified = now
    db.session.flush()
    kind = "briefing.cancelled" if changes.get("status", [None, None])[1] == "cancelled" else "briefing.updated"
    audit.record(kind, briefing, data={"changes": changes})
    events.emit(kind, office_id=briefing.office_id,
                payload={"briefing_id": briefing.id, "series_id": briefing.series_id, "uid": briefing.uid,
                         "sequence": briefing.sequence, "changes": changes,
                         "recurrence_id": _iso(briefing.recurrence_id)},
                queue=lane_for(briefing, now, datetime.fromisoformat(before["start"])))
    bump_state(briefing.office_id)
    return briefing


# --- closures ------------------------------------------------------------------------------------

def _reconcile_office(office_id: int) -> None:
    now = clock.now()
    days_off = DaysOff.for_office(office_id)
    for series in db.session.scalars(select(Series).where(Series.office_id == office_id)):
        if series.holiday_policy != "none":
            reconcile(series, now, days_off)
    bump_state(office_id)


def add_closure(office: Office, day: date | None, name: str | None) -> OfficeClosure:
    errors = {}
    if day is None:
        errors["day"] = _("Vui lòng chọn ngày.")
    if not (name or "").strip():
        errors["name"] = _("Vui lòng nhập tên ngày nghỉ.")
    if day is not None and db.session.scalar(select(OfficeClosure.id).where(
            OfficeClosure.office_id == office.id, OfficeClosure.day == day)) is not None:
        errors["day"] = _("Ngày này đã có trong danh sách.")
    if errors:
        raise ValidationError(errors)
    closure = OfficeClosure(office_id=office.id, day=day, name=name.strip()[:255])
    db.session.add(closure)
    db.session.flush()
    audit.record("closure.added", closure, data={"day": day.isoformat(), "name": closure.name})
    _reconcile_office(office.id)
    return closure


def remove_closure(closure: OfficeClosure) -> None:
    office_id = closure.office_id
    audit.record("closure.removed", closure, data={"day": closure.day.isoformat(), "name": closure.name})
    db.session.delete(closure)
    db.session.flush()
    _reconcile_office(office_id)


# --- personal feed tokens --------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _journalist(office_id: int, journalist_id: int):
    from coordinator.contacts.models import Journalist

    journalist = db.session.get(Journalist, journalist_id)
    if journalist is None or journalist.office_id != office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    return journalist


def _derive_token(salt: str) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"feed-token:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def feed_token_of(row: JournalistFeedToken) -> str:
    """The token of a row, recomputed from its salt and SECRET_KEY (never stored)."""
    return _derive_token(row.salt)


def issue_feed_token(office_id: int, journalist_id: int) -> tuple[JournalistFeedToken, str]:
    """A new personal feed token for a journalist (only its hash and a salt are stored)."""
    _journalist(office_id, journalist_id)
    salt = secrets.token_hex(16)
    token = _derive_token(salt)
    row = JournalistFeedToken(office_id=office_id, journalist_id=journalist_id, token_hash=_hash(token),
                              salt=salt, prefix=token[:8])
    db.session.add(row)
    db.session.flush()
    audit.record("feed_token.issued", row, data={"journalist_id": journalist_id, "prefix": row.prefix})
    return row, token


def revoke_feed_tokens(office_id: int, journalist_id: int) -> int:
    _journalist(office_id, journalist_id)
    now = clock.now()
    result = db.session.execute(update(JournalistFeedToken).where(
        JournalistFeedToken.office_id == office_id, JournalistFeedToken.journalist_id == journalist_id,
        JournalistFeedToken.revoked_at.is_(None)).values(revoked_at=now))
    audit.record("feed_token.revoked", ("journalist", journalist_id), office_id=office_id)
    return result.rowcount or 0


def rotate_feed_token(office_id: int, journalist_id: int) -> tuple[JournalistFeedToken, str]:
    """Revoke every live token of the journalist and issue a new one (the old URL stops working)."""
    revoke_feed_tokens(office_id, journalist_id)
    return issue_feed_token(office_id, journalist_id)


def personal_feed_token(office_id: int, journalist_id: int) -> str:
    """The journalist's current personal feed token (the portal shows it on every visit); one is issued
    if they have none. Flushes only: the caller commits, or a newly issued token is lost."""
    row = active_feed_tokens(office_id, [journalist_id]).get(journalist_id)
    if row is not None:
        return feed_token_of(row)
    return issue_feed_token(office_id, journalist_id)[1]


def authenticate_feed_token(token: str) -> JournalistFeedToken | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(JournalistFeedToken).where(
        JournalistFeedToken.token_hash == _hash(token), JournalistFeedToken.revoked_at.is_(None)))


def active_feed_tokens(office_id: int, journalist_ids: Iterable[int]) -> dict[int, JournalistFeedToken]:
    ids = list(journalist_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(JournalistFeedToken).where(
        JournalistFeedToken.office_id == office_id, JournalistFeedToken.journalist_id.in_(ids),
        JournalistFeedToken.revoked_at.is_(None)).order_by(JournalistFeedToken.created_at))
    return {row.journalist_id: row for row in rows}
