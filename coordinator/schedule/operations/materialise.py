"""A series' occurrences as rows: laid out up to the horizon (and on demand beyond it), holidays and
closures applied again, listed by date range, and the skipped and moved dates shown on its page."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from coordinator.core import clock, events, signals
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.schedule import recurrence
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import Briefing, Series
from coordinator.schedule.operations.common import MAX_RANGE_DAYS, _iso, bump_state, horizon_days

INSERT_CHUNK = 500


def _plan(series: Series, days_off: DaysOff, start: datetime, end: datetime) -> list[recurrence.Planned]:
    """The series' rule instances in [start, end) with its holiday policy applied."""
    return recurrence.plan(series.dtstart, series.timezone, series.rrule, series.duration_minutes,
                           series.holiday_policy, days_off, start, end)


def _in_window(series: Series, start: datetime, until: datetime) -> tuple:
    """The conditions for a series' rows whose original start is in [start, until)."""
    return (Briefing.series_id == series.id, Briefing.recurrence_id >= start, Briefing.recurrence_id < until)


def materialise(series: Series, until: datetime, *, emit_event: bool = True,
                days_off: DaysOff | None = None) -> list[int]:
    """Create the occurrences of ``series`` up to ``until`` that are not there yet. Idempotent: rows are
    unique by (series_id, recurrence_id) and the series remembers how far it got."""
    start = series.materialised_until or series.start_aware.astimezone(UTC)
    if until <= start:
        return []
    planned = _plan(series, days_off or DaysOff.for_office(series.office_id), start, until)
    existing = set(db.session.scalars(select(Briefing.recurrence_id).where(*_in_window(series, start, until))))
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
        for chunk_start in range(0, len(rows), INSERT_CHUNK):
            db.session.execute(insert(Briefing), rows[chunk_start:chunk_start + INSERT_CHUNK])
        inserted = {row["recurrence_id"] for row in rows}
        ids = [bid for bid, rid in db.session.execute(
            select(Briefing.id, Briefing.recurrence_id).where(*_in_window(series, start, until)))
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
    planned = {p.recurrence_id: p for p in _plan(series, days_off, since, until)}
    rows = {row.recurrence_id: row for row in db.session.scalars(
        select(Briefing).where(*_in_window(series, since, until)))}
    now = clock.now()
    changed: list[int] = []
    missing = []
    for rid, item in planned.items():
        row = rows.get(rid)
        if row is None:
            if item.kind != "skipped":
                missing.append(item)
        elif _replan(series, row, item, now):
            changed.append(row.id)
    changed.extend(_add_missing(series, missing, now))
    if changed:
        series.last_modified = now
    db.session.flush()
    return changed


def _replan(series: Series, row: Briefing, item: recurrence.Planned, now: datetime) -> bool:
    """Bring one occurrence in line with the plan (unless edited by hand or held), with its event;
    False when nothing changed."""
    if row.edited or row.status == "held":
        return False
    if item.kind == "skipped":
        target = (row.start, row.end, "cancelled", item.reason)
    elif item.kind == "moved":
        target = (item.start, item.end, "moved", item.reason)
    else:
        target = (item.start, item.end, "scheduled", None)
    if (row.start, row.end, row.status, row.holiday_note) == target:
        return False
    was_cancelled = row.status == "cancelled"
    before = {"start": _iso(row.start), "end": _iso(row.end), "status": row.status}
    row.start, row.end, row.status, row.holiday_note = target
    row.sequence = max(row.sequence, series.sequence) + 1
    row.last_modified = now
    db.session.flush()
    kind = "briefing.cancelled" if row.status == "cancelled" and not was_cancelled else "briefing.updated"
    signals.briefing_changed.send(row)
    events.emit(kind, office_id=row.office_id, payload={
        "briefing_id": row.id, "series_id": series.id, "sequence": row.sequence, "reason": item.reason,
        "changes": {key: [before[key], value] for key, value in
                    (("start", _iso(row.start)), ("end", _iso(row.end)), ("status", row.status))
                    if before[key] != value}})
    return True


def _add_missing(series: Series, items: list[recurrence.Planned], now: datetime) -> list[int]:
    """Rows for planned occurrences that have none (a closure removed brings one back)."""
    added = []
    for item in items:
        row = Briefing(office_id=series.office_id, series_id=series.id, recurrence_id=item.recurrence_id,
                       uid=series.uid, start=item.start, end=item.end, timezone=series.timezone,
                       status="moved" if item.kind == "moved" else "scheduled", holiday_note=item.reason,
                       sequence=series.sequence, created_at=now, last_modified=now)
        db.session.add(row)
        db.session.flush()
        events.emit("briefing.created", office_id=row.office_id,
                    payload={"briefing_id": row.id, "series_id": series.id, "urgent": False})
        added.append(row.id)
    return added


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
    planned = _plan(series, DaysOff.for_office(series.office_id), series.start_aware, until)
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

# What the package (``schedule.operations``) offers from this module.
__all__ = ["ensure_materialised", "list_briefings", "materialise", "materialise_all", "reconcile",
    "series_exceptions"]
