"""Creating and changing journalists (moves between outlets: ``history``; status and merging: ``status``)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import STATUSES, Journalist, JournalistOutletHistory, Outlet
from coordinator.contacts.operations.beats import get_or_create_beats, parse_beat_names
from coordinator.contacts.operations.consent import consent_values, record_consent
from coordinator.contacts.operations.fields import (
    normalize_email,
    normalize_phone,
    office_today,
    parse_language,
    parse_present,
    required_name,
)
from coordinator.contacts.operations.history import move_to_outlet
from coordinator.contacts.operations.status import set_status
from coordinator.contacts.text import fold
from coordinator.core import audit, validators
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office

JOURNALIST_FIELDS = ("full_name", "email", "outlet_id", "phone", "beats", "language", "notes")
_PARSERS = (("phone", normalize_phone), ("language", parse_language), ("beats", parse_beat_names))


def _journalist_values(office_id: int, data: dict, journalist: Journalist | None) -> dict:
    """Validated values for the given fields (all required ones when creating); every bad field named."""
    creating = journalist is None
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "full_name" in data or creating:
        _check_name(data, values, errors)
    if "email" in data or creating:
        _check_email(office_id, data.get("email"), journalist, values, errors)
    if "outlet_id" in data or creating:
        _check_outlet(office_id, data.get("outlet_id"), values, errors)
    parse_present(data, _PARSERS, values, errors)
    if "notes" in data:
        notes = data.get("notes")
        if notes is not None and not isinstance(notes, str):
            errors["notes"] = _("Ghi chú phải là văn bản.")
        else:
            values["notes"] = (notes or "").strip() or None
    if "status" in data:
        _check_status(data, values, errors)
    if "outlet_since" in data and data.get("outlet_since") not in (None, ""):
        try:
            values["outlet_since"] = validators.parse_day(data["outlet_since"])
        except ValueError:
            errors["outlet_since"] = _("Ngày không hợp lệ (YYYY-MM-DD).")
    if errors:
        raise ValidationError(errors)
    return values


def _check_name(data: dict, values: dict, errors: dict) -> None:
    name = required_name(data, "full_name", errors, max_len=255, missing=_("Họ và tên là bắt buộc."),
                         too_long=_("Họ và tên tối đa 255 ký tự."))
    if name is not None:
        values["full_name"] = name


def _check_email(office_id: int, raw: Any, journalist: Journalist | None, values: dict, errors: dict) -> None:
    """A valid address no other journalist of the office has."""
    try:
        email = normalize_email(raw)
    except ValidationError as exc:
        errors.update(exc.fields)
        return
    other = db.session.scalar(select(Journalist).where(Journalist.office_id == office_id, Journalist.email == email))
    if other is not None and other is not journalist:
        errors["email"] = _("Email %(email)s đã thuộc về %(name)s.", email=email, name=other.full_name)
    values["email"] = email


def _check_outlet(office_id: int, raw: Any, values: dict, errors: dict) -> None:
    """The office's outlet with this id (an int, or digits from a form)."""
    outlet_id = validators.parse_id(raw)
    outlet = db.session.get(Outlet, outlet_id) if outlet_id is not None else None
    if raw in (None, ""):
        errors["outlet_id"] = _("Cơ quan báo chí là bắt buộc.")
    elif outlet is None or outlet.office_id != office_id:
        errors["outlet_id"] = _("Không tìm thấy cơ quan báo chí %(value)s.", value=raw)
    else:
        values["outlet"] = outlet


def _check_status(data: dict, values: dict, errors: dict) -> None:
    status = data.get("status")
    if status not in STATUSES:
        errors["status"] = _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(STATUSES))
        return
    values["status"] = status
    reason = data.get("status_reason")
    values["status_reason"] = reason.strip() if isinstance(reason, str) and reason.strip() else None


def create_journalist(office_id: int, data: dict, *, since: date | None = None, consent_source: str = "staff",
                      consent_detail: str | None = None) -> Journalist:
    """A new active journalist (or with the ``status`` given), working for the outlet from ``outlet_since``,
    else ``since``, else today in the office's zone; with a consent record from ``consent_basis``,
    ``consent_purpose`` and ``network_sharing`` (defaults: the office's public task and purpose, no sharing)."""
    office = db.session.get(Office, office_id)
    try:
        values = _journalist_values(office_id, data, None)
    except ValidationError as exc:
        try:
            consent_values(data, office)
        except ValidationError as more:
            exc.fields.update(more.fields)
        raise
    consent = consent_values(data, office)
    outlet = values["outlet"]
    journalist = Journalist(
        office_id=office_id, full_name=values["full_name"], full_name_folded=fold(values["full_name"]),
        email=values["email"], phone=values.get("phone"), outlet=outlet, outlet_id=outlet.id,
        language=values.get("language", "vi"), notes=values.get("notes"), status="active")
    journalist.beats = get_or_create_beats(office_id, values.get("beats", []))
    journalist.history = [JournalistOutletHistory(
        outlet_id=outlet.id, valid_from=values.get("outlet_since") or since or office_today(office_id))]
    db.session.add(journalist)
    db.session.flush()
    audit.record("journalist.created", journalist, data={"email": journalist.email, "outlet_id": outlet.id})
    record_consent(journalist, consent, source=consent_source, detail=consent_detail)
    if values.get("status") and values["status"] != "active":
        set_status(journalist, values["status"], values.get("status_reason"))
    return journalist


def update_journalist(journalist: Journalist, data: dict) -> Journalist:
    """Change the fields given; a new ``outlet_id`` is a move (from ``outlet_since``), a new ``status`` goes
    through ``set_status`` (suppression). The audit names each change as ``[old, new]``."""
    values = _journalist_values(journalist.office_id, data, journalist)
    changes = _apply_details(journalist, values)
    if "outlet" in values and values["outlet"].id != journalist.outlet_id:
        changes["outlet_id"] = [journalist.outlet_id, values["outlet"].id]
        move_to_outlet(journalist, values["outlet"], values.get("outlet_since"), record=False)
    if changes:
        db.session.flush()
        audit.record("journalist.updated", journalist, data=changes)
    if "status" in values and (values["status"] != journalist.status
                               or values.get("status_reason") != journalist.status_reason):
        set_status(journalist, values["status"], values.get("status_reason"))
    return journalist


def _apply_details(journalist: Journalist, values: dict) -> dict[str, Any]:
    """Name, email, phone, language, notes and beats from ``values``; the changes as ``{field: [old, new]}``."""
    changes: dict[str, Any] = {}
    if "full_name" in values and values["full_name"] != journalist.full_name:
        changes["full_name"] = [journalist.full_name, values["full_name"]]
        journalist.full_name = values["full_name"]
        journalist.full_name_folded = fold(values["full_name"])
    for key in ("email", "phone", "language", "notes"):
        if key in values and values[key] != getattr(journalist, key):
            changes[key] = [getattr(journalist, key), values[key]]
            setattr(journalist, key, values[key])
    if "beats" in values:
        beats = get_or_create_beats(journalist.office_id, values["beats"])
        if {b.slug for b in beats} != {b.slug for b in journalist.beats}:
            changes["beats"] = [[b.name for b in journalist.beats], [b.name for b in beats]]
            journalist.beats = beats
    return changes

# What the package (``contacts.operations``) offers from this module.
__all__ = ["JOURNALIST_FIELDS", "create_journalist", "update_journalist"]
