"""The office's matching settings: how many days after a briefing an article may still come of it, and
the score a proposal needs."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.monitoring.models import MonitoringSettings


def settings_for(office_id: int) -> MonitoringSettings:
    """The office's settings, created with the defaults (3 days, 0.5) the first time they are asked for."""
    row = db.session.get(MonitoringSettings, office_id)
    if row is None:
        row = MonitoringSettings(office_id=office_id, window_days=3, threshold=0.5)
        db.session.add(row)
        db.session.flush()
    return row


def _threshold(value: Any) -> float | None:
    """A float between 0.05 and 0.99 (never a boolean), or None."""
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        return None
    return None if isinstance(value, bool) or not 0.05 <= threshold <= 0.99 else threshold


def update_settings(office_id: int, data: dict) -> MonitoringSettings:
    row = settings_for(office_id)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "window_days" in data:
        days = parse_id(data["window_days"])
        if days is None or not 1 <= days <= 30:
            errors["window_days"] = _("Số ngày phải từ 1 đến 30.")
        else:
            values["window_days"] = days
    if "threshold" in data:
        threshold = _threshold(data["threshold"])
        if threshold is None:
            errors["threshold"] = _("Ngưỡng phải từ 0,05 đến 0,99.")
        else:
            values["threshold"] = threshold
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    audit.record("monitoring.settings", ("monitoring_settings", office_id), office_id=office_id, data=values)
    return row

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["settings_for", "update_settings"]
