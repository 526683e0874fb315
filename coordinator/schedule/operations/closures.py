"""Days the office closes (besides public holidays): adding or removing one applies holidays and closures
again to every series that does not ignore them."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import OfficeClosure, Series
from coordinator.schedule.operations.common import bump_state
from coordinator.schedule.operations.materialise import reconcile


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

# What the package (``schedule.operations``) offers from this module.
__all__ = ["_reconcile_office", "add_closure", "remove_closure"]
