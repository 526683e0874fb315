"""What every schedule operation shares: the horizon, new UIDs, the schedule version feeds are cached by,
optimistic locks, change logs, and collecting every bad field before answering."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from flask import current_app, has_app_context
from flask_babel import gettext as _

from coordinator.core import clock
from coordinator.core.errors import Conflict, ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing, ScheduleState, Series

DEFAULT_HORIZON_DAYS = 400
MAX_RANGE_DAYS = 3700  # one API request may ask for about ten years at most

T = TypeVar("T")


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


def next_sequence(series: Series, now: datetime) -> None:
    """The whole series changed: SEQUENCE +1, and calendars see it as modified now."""
    series.sequence += 1
    series.updated_at = now
    series.last_modified = now


def series_of(briefing: Briefing) -> Series:
    """The series an occurrence belongs to; an ad hoc briefing has none to change 'and following'."""
    if briefing.series is None:
        raise ValidationError({"scope": _("Buổi họp đột xuất không thuộc chuỗi nào.")})
    return briefing.series


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


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


def collect(errors: dict, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """``check(*args, **kwargs)``, or None with its ``ValidationError`` fields added to ``errors``: one answer
    reports every bad field at once. The checks used with it never return None themselves."""
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


def _audience(office_id: int, value: Any, errors: dict) -> dict:
    from coordinator.contacts.audience import validate_audience

    try:
        return validate_audience(office_id, value)
    except ValidationError as exc:
        errors.update(exc.fields)
        return {}

# What the package (``schedule.operations``) offers from this module.
__all__ = ["DEFAULT_HORIZON_DAYS", "MAX_RANGE_DAYS", "_audience", "_changes", "_check_version", "_iso",
    "bump_state", "collect", "horizon_days", "new_uid"]
