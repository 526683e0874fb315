"""A series' fields checked and normalised, for creating, editing and splitting a series (and the form's
preview, which saves nothing)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from coordinator.core import validators
from coordinator.core.errors import ValidationError
from coordinator.offices.models import Office
from coordinator.schedule import recurrence
from coordinator.schedule.models import DEFAULT_REMINDERS, HOLIDAY_POLICIES, Series
from coordinator.schedule.operations.common import _audience, collect

TIMING_FIELDS = ("dtstart", "timezone", "rrule")
SERIES_FIELDS = ("title", "description", "dtstart", "timezone", "duration_minutes", "rrule", "holiday_policy",
                 "venue", "online_url", "audience", "invite_lead_days", "reminders", "is_public")

Given = Callable[[str], bool]


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
    given: Given = (lambda key: key in data) if base is not None else (lambda key: True)

    if given("title"):
        out["title"] = validators.text(data, "title", max_len=255, required=True, errors=errors)
    if given("description"):
        out["description"] = validators.text(data, "description", max_len=10000, errors=errors, multiline=True)
    timezone, dtstart = _clean_timing(office, data, base, given, out, errors)
    _clean_details(office, data, base, given, out, errors)
    _clean_rule(data, base, given, (dtstart, timezone), out, errors)
    if errors:
        raise ValidationError(errors)
    if "rrule" in out:  # DTSTART is the first occurrence (RFC 5545 always counts it; dateutil does not)
        first = recurrence.build_rule(dtstart, timezone, out["rrule"])[0]
        out["dtstart"] = first.replace(tzinfo=None)
    return out


def _clean_timing(office: Office, data: dict, base: Series | None, given: Given, out: dict,
                  errors: dict) -> tuple[str, datetime | None]:
    """Time zone, local start and duration into ``out``; returns the zone and start the rule is read in
    (the base's where not given, the start None where it is bad)."""
    timezone = base.timezone if base is not None else office.timezone
    if "timezone" in data or base is None:
        checked = collect(errors, recurrence.check_timezone,
                          data.get("timezone") or (office.timezone if base is None else None))
        if checked is not None:
            timezone = out["timezone"] = checked
    dtstart = base.dtstart if base is not None else None
    if given("dtstart"):
        dtstart = collect(errors, recurrence.parse_local_dtstart, data.get("dtstart"))
        if dtstart is not None:
            out["dtstart"] = dtstart
    if given("duration_minutes"):
        minutes = collect(errors, recurrence.check_duration, data.get("duration_minutes"))
        if minutes is not None:
            out["duration_minutes"] = minutes
    return timezone, dtstart


def _clean_details(office: Office, data: dict, base: Series | None, given: Given, out: dict, errors: dict) -> None:
    """Holiday policy, place, invitations and audience into ``out``."""
    if base is None or "holiday_policy" in data or "skip_public_holidays" in data:
        out["holiday_policy"] = _holiday_policy(data, base.holiday_policy if base is not None else "skip", errors)
    if given("venue"):
        out["venue"] = validators.text(data, "venue", max_len=500, errors=errors)
    if given("online_url"):
        out["online_url"] = validators.url(data, "online_url", errors)
    if given("invite_lead_days"):
        out["invite_lead_days"] = validators.integer(data, "invite_lead_days", 7, lo=0, hi=90, errors=errors)
    if given("reminders"):
        out["reminders"] = _reminders(data.get("reminders"), errors)
    if given("audience"):
        out["audience"] = _audience(office.id, data.get("audience"), errors)
    if given("is_public"):
        value = data.get("is_public", True)
        out["is_public"] = True if value is None else bool(value)


def _clean_rule(data: dict, base: Series | None, given: Given, when: tuple[datetime | None, str], out: dict,
                errors: dict) -> None:
    """The rule, normalised against the (new or kept) start and zone, whenever any of the three changes."""
    if not (given("rrule") or "dtstart" in out or "timezone" in out):
        return
    dtstart, timezone = when
    source = data.get("rrule") if given("rrule") else (base.rrule if base is not None else None)
    if dtstart is not None and "timezone" not in errors:
        rule = collect(errors, recurrence.normalise_rrule, source, dtstart, timezone)
        if rule is not None:
            out["rrule"] = rule
    elif "rrule" in data:  # still report a broken rule next to a broken dtstart
        collect(errors, recurrence.normalise_rrule, source, datetime(2026, 1, 1, 9), "Asia/Ho_Chi_Minh")

# What the package (``schedule.operations``) offers from this module.
__all__ = ["SERIES_FIELDS", "TIMING_FIELDS", "_holiday_policy", "_reminders", "clean_series"]
