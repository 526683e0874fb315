"""Recurring series: create, edit the whole series, split at an occurrence ('this and following'), and
end before an occurrence."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from coordinator.core import audit, clock, events
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule import recurrence
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import Briefing, Series
from coordinator.schedule.operations.common import (
    _changes,
    _check_version,
    _iso,
    bump_state,
    horizon_days,
    new_uid,
    next_sequence,
    series_of,
)
from coordinator.schedule.operations.materialise import materialise, reconcile
from coordinator.schedule.operations.series_checks import SERIES_FIELDS, TIMING_FIELDS, clean_series


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
    if timing and _has_past(series, now):
        return split_series(_next_occurrence(series, now), data)
    for key, value in changed.items():
        setattr(series, key, value)
    next_sequence(series, now)
    removed = _lay_out_again(series, now) if timing else _refresh_future(series, changed, now)
    db.session.flush()
    change_log = _changes(before, {key: getattr(series, key) for key in changed})
    audit.record("series.updated", series, data={"changes": change_log})
    events.emit("series.updated", office_id=series.office_id,
                payload={"series_id": series.id, "uid": series.uid, "sequence": series.sequence,
                         "changes": change_log, "removed_briefing_ids": removed})
    bump_state(series.office_id)
    return series


def _has_past(series: Series, now: datetime) -> bool:
    return db.session.scalar(select(Briefing.id).where(
        Briefing.series_id == series.id, Briefing.start < now).limit(1)) is not None


def _next_occurrence(series: Series, now: datetime) -> Briefing:
    """Where a timing change to a series with a past splits it: the next occurrence still to come."""
    upcoming = db.session.scalar(select(Briefing).where(
        Briefing.series_id == series.id, Briefing.recurrence_id >= now)
        .order_by(Briefing.recurrence_id).limit(1))
    if upcoming is None:
        raise ValidationError({"dtstart": _("Chuỗi họp này đã kết thúc; hãy tạo chuỗi mới.")})
    return upcoming


def _lay_out_again(series: Series, now: datetime) -> list[int]:
    """Nothing has happened yet: lay the series out again from the new rule. Returns the removed ids."""
    removed = list(db.session.scalars(select(Briefing.id).where(Briefing.series_id == series.id)))
    db.session.execute(delete(Briefing).where(Briefing.series_id == series.id))
    series.materialised_until = None
    db.session.flush()
    materialise(series, now + timedelta(days=horizon_days()), emit_event=False)
    return removed


def _refresh_future(series: Series, changed: dict, now: datetime) -> list[int]:
    """Same timing: the occurrences to come take the new SEQUENCE (and duration, unless edited by hand),
    and a new holiday policy is applied to them. Nothing is removed."""
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
    return []


def split_series(briefing: Briefing, data: dict, *, expected_version: Any = None) -> Series:
    """'This and following': the old series ends just before this occurrence (UNTIL, SEQUENCE +1), and a
    new series with a new UID starts here with the changes. Calendar clients handle this cleanly,
    unlike RANGE=THISANDFUTURE."""
    _check_version(briefing, expected_version)
    old = series_of(briefing)
    cut = briefing.recurrence_id
    earlier = recurrence.instances(old.dtstart, old.timezone, old.rrule, old.start_aware, cut)
    if not earlier:  # the first occurrence: this and following is the whole series
        return update_series(old, data)
    office = db.session.get(Office, old.office_id)
    values = clean_series(office, _split_data(old, data, cut, len(earlier)))
    now = clock.now()
    before = _series_snapshot(old)
    old.rrule = recurrence.with_until(old.rrule, cut - timedelta(seconds=1))
    next_sequence(old, now)
    new = Series(office_id=old.office_id, uid=new_uid(office), sequence=0, split_from_id=old.id,
                 created_at=now, updated_at=now, last_modified=now, **values)
    db.session.add(new)
    db.session.flush()
    horizon = max(old.materialised_until or now, now + timedelta(days=horizon_days()))
    kept, removed = _hand_over(old, new, cut, horizon, now)
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


def _split_data(old: Series, data: dict, cut: datetime, earlier: int) -> dict:
    """The new half's fields: the old series' from ``cut`` on (a COUNT less the ``earlier`` occurrences),
    with ``data``'s changes over them."""
    local_cut = cut.astimezone(old.tz).replace(tzinfo=None)
    merged = {**{key: getattr(old, key) for key in SERIES_FIELDS}, "dtstart": local_cut.isoformat(),
              "timezone": old.timezone}
    count = recurrence.rule_count(old.rrule)
    if count is not None:
        merged["rrule"] = recurrence.with_count(old.rrule, max(count - earlier, 1))
    for key in SERIES_FIELDS + ("skip_public_holidays",):
        if key in data:
            merged[key] = data[key]
    if isinstance(merged.get("dtstart"), datetime):
        merged["dtstart"] = merged["dtstart"].isoformat()
    return merged


def _hand_over(old: Series, new: Series, cut: datetime, horizon: datetime, now: datetime) -> tuple[list, list]:
    """The old series' rows from ``cut`` on: one edited by hand that the new rule still has moves to the new
    series (kept), the others are removed (the new series lays them out again). Returns (kept, removed)."""
    later = list(db.session.scalars(select(Briefing).where(
        Briefing.series_id == old.id, Briefing.recurrence_id >= cut)))
    new_rids = {p.recurrence_id for p in recurrence.plan(
        new.dtstart, new.timezone, new.rrule, new.duration_minutes, new.holiday_policy,
        DaysOff.for_office(new.office_id), new.start_aware, horizon)}
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
    return kept, removed


def end_series_before(briefing: Briefing) -> Series:
    """Cancel 'this and following': the series ends just before this occurrence (UNTIL, SEQUENCE +1);
    the occurrences from here on are removed and listed in the event for cancellation notices."""
    series = series_of(briefing)
    cut = briefing.recurrence_id
    if not recurrence.instances(series.dtstart, series.timezone, series.rrule, series.start_aware, cut):
        raise ValidationError({"status": _("Đây là buổi đầu tiên của chuỗi: hãy huỷ từng buổi.")})
    now = clock.now()
    before = series.rrule
    series.rrule = recurrence.with_until(series.rrule, cut - timedelta(seconds=1))
    next_sequence(series, now)
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

# What the package (``schedule.operations``) offers from this module.
__all__ = ["_series_snapshot", "create_series", "end_series_before", "split_series", "update_series"]
