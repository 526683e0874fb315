"""Policies: their stages from drafting to review, with the dates they reached each."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coordinator.contacts.models import Beat
from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.policies.models import STAGES, Policy
from coordinator.policies.operations.fields import _bool, _day, _delete, _reject_unknown, _save_changes, _text

STAGE_LABELS = {"drafting": _l("Dự thảo & lấy ý kiến"), "issued": _l("Đã ban hành"),
                "in_force": _l("Có hiệu lực"), "under_review": _l("Đang rà soát")}

POLICY_FIELDS = ("name", "description", "beat_id", "owner_department", "stage", "drafting_on", "issued_on",
                 "in_force_on", "under_review_on", "document_number", "consultation_open", "citizen_comments")


def _policy_texts(data: dict, policy: Policy | None, values: dict, errors: dict) -> None:
    if policy is None or "name" in data:
        values["name"] = _text(data, "name", errors, max_length=300, required=True,
                               message=_("Vui lòng nhập tên chính sách."))
    if "description" in data:
        values["description"] = _text(data, "description", errors, max_length=5000)
    if "owner_department" in data:
        values["owner_department"] = _text(data, "owner_department", errors, max_length=255)
    if "document_number" in data:
        number = _text(data, "document_number", errors, max_length=100)
        values["document_number"] = number or None


def _beat_value(office_id: int, beat_id: Any, values: dict, errors: dict) -> None:
    """None or 0: no beat; otherwise one of the office's beats."""
    if beat_id in (None, 0):
        values["beat_id"] = None
    elif isinstance(beat_id, bool) or not isinstance(beat_id, int):
        errors["beat_id"] = _("Lĩnh vực không hợp lệ.")
    else:
        beat = db.session.get(Beat, beat_id)
        if beat is None or beat.office_id != office_id:
            errors["beat_id"] = _("Không tìm thấy lĩnh vực này.")
        else:
            values["beat_id"] = beat_id


def _check_stages(merged: dict[str, Any]) -> None:
    """Rules on the policy as it would be after the change: a number once issued, stage dates in order."""
    errors: dict[str, str] = {}
    if merged["stage"] in ("issued", "in_force", "under_review") and not merged["document_number"]:
        errors["document_number"] = _("Chính sách đã ban hành phải có số văn bản.")
    order = ["drafting_on", "issued_on", "in_force_on"]
    dated = [(key, merged[key]) for key in order if merged[key] is not None]
    for (_first, earlier), (key, later) in zip(dated, dated[1:], strict=False):
        if later < earlier:
            errors[key] = _("Ngày này không được trước ngày của giai đoạn trước.")
    if errors:
        raise ValidationError(errors)


def _policy_values(office_id: int, data: dict, policy: Policy | None) -> dict[str, Any]:
    """The checked values of ``data`` (every field for a new policy, the ones given for a change)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _reject_unknown(data, POLICY_FIELDS, errors)
    _policy_texts(data, policy, values, errors)
    if "beat_id" in data:
        _beat_value(office_id, data["beat_id"], values, errors)
    if policy is None or "stage" in data:
        stage = data.get("stage", "drafting")
        if stage not in STAGES:
            errors["stage"] = _("Giai đoạn phải là một trong: %(v)s.", v=", ".join(STAGES))
        else:
            values["stage"] = stage
    for key in ("drafting_on", "issued_on", "in_force_on", "under_review_on"):
        if key in data:
            values[key] = _day(data, key, errors)
    for key in ("consultation_open", "citizen_comments"):
        if key in data:
            values[key] = _bool(data, key, errors)
    if errors:
        raise ValidationError(errors)
    merged = {key: values.get(key, getattr(policy, key, None)) for key in POLICY_FIELDS}
    _check_stages(merged)
    if merged["stage"] and values.get("stage") and merged.get(f"{merged['stage']}_on") is None:
        # Reaching a stage without a date: today is the date it reached it.
        from coordinator.contacts.operations import office_today

        values[f"{merged['stage']}_on"] = office_today(office_id)
    return values


def create_policy(office_id: int, data: dict) -> Policy:
    values = _policy_values(office_id, data, None)
    policy = Policy(office_id=office_id, **values)
    db.session.add(policy)
    db.session.flush()
    audit.record("policy.created", policy, data={"name": policy.name, "stage": policy.stage})
    return policy


def update_policy(policy: Policy, data: dict) -> Policy:
    _save_changes(policy, _policy_values(policy.office_id, data, policy), "policy.updated")
    return policy


def delete_policy(policy: Policy) -> None:
    _delete(policy, "policy.deleted", {"name": policy.name})

# What the package (``policies.operations``) offers from this module.
__all__ = ["POLICY_FIELDS", "STAGE_LABELS", "create_policy", "delete_policy", "update_policy"]
