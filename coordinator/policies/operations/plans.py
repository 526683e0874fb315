"""The annual communication plan: one per office and year, with what is planned per policy and quarter."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import Beat, DistributionList
from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.policies.models import CommunicationPlan, PlanItem, Policy
from coordinator.policies.operations.fields import _delete, _json_id, _reject_unknown, _save_changes, _text

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PER_QUARTER = 500


def _plan_values(data: dict, plan: CommunicationPlan | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _reject_unknown(data, ("year", "title", "responsible", "notes"), errors)
    if plan is None or "year" in data:
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
            errors["year"] = _("Năm phải là số từ %(a)s đến %(b)s.", a=MIN_YEAR, b=MAX_YEAR)
        else:
            values["year"] = year
    if "title" in data:
        values["title"] = _text(data, "title", errors, max_length=300)
    for key, limit in (("responsible", 255), ("notes", 10000)):
        if key in data:
            values[key] = _text(data, key, errors, max_length=limit)
    if errors:
        raise ValidationError(errors)
    return values


def plan_for_year(office_id: int, year: int) -> CommunicationPlan | None:
    return db.session.scalar(select(CommunicationPlan).where(CommunicationPlan.office_id == office_id,
                                                             CommunicationPlan.year == year))


def create_plan(office_id: int, data: dict) -> CommunicationPlan:
    values = _plan_values(data, None)
    if plan_for_year(office_id, values["year"]) is not None:
        raise ValidationError({"year": _("Năm %(y)s đã có kế hoạch truyền thông.", y=values["year"])})
    if not values.get("title"):
        values["title"] = _("Kế hoạch truyền thông chính sách năm %(y)s", y=values["year"])
    plan = CommunicationPlan(office_id=office_id, **values)
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.created", plan, data={"year": plan.year})
    return plan


def update_plan(plan: CommunicationPlan, data: dict) -> CommunicationPlan:
    values = _plan_values(data, plan)
    if "year" in values and values["year"] != plan.year and plan_for_year(plan.office_id, values["year"]):
        raise ValidationError({"year": _("Năm %(y)s đã có kế hoạch truyền thông.", y=values["year"])})
    if "title" in values and not values["title"]:
        raise ValidationError({"title": _("Vui lòng nhập tên kế hoạch.")})
    _save_changes(plan, values, "plan.updated")
    return plan


def delete_plan(plan: CommunicationPlan) -> None:
    _delete(plan, "plan.deleted", {"year": plan.year})


def _quarters(data: dict, key: str, errors: dict) -> list[int] | None:
    value = data.get(key)
    if value is None:
        return [0, 0, 0, 0]
    if (not isinstance(value, list) or len(value) != 4
            or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_PER_QUARTER for v in value)):
        errors[key] = _("Cần bốn số nguyên từ 0 đến %(n)s (quý I đến quý IV).", n=MAX_PER_QUARTER)
        return None
    return list(value)


def _audience(office_id: int, data: dict, errors: dict) -> dict | None:
    value = data.get("audience") or {}
    if not isinstance(value, dict) or set(value) - {"beat_ids", "list_ids"}:
        errors["audience"] = _("Đối tượng gồm beat_ids và list_ids.")
        return None
    out = {}
    for key, model, message in (("beat_ids", Beat, _("Không tìm thấy lĩnh vực này.")),
                                ("list_ids", DistributionList, _("Không tìm thấy danh sách này."))):
        ids = value.get(key) or []
        if not isinstance(ids, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            errors[f"audience.{key}"] = _("Cần một danh sách mã số.")
            continue
        ids = sorted(set(ids))
        if ids:
            found = set(db.session.scalars(select(model.id).where(model.id.in_(ids), model.office_id == office_id)))
            if found != set(ids):
                errors[f"audience.{key}"] = message
                continue
        out[key] = ids
    return out


def _item_values(plan: CommunicationPlan, data: dict, item: PlanItem | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    _reject_unknown(data, ("policy_id", "planned_briefings", "planned_packs", "audience", "responsible"), errors)
    if item is None or "policy_id" in data:
        policy_id = _json_id(data.get("policy_id"))
        policy = db.session.get(Policy, policy_id) if policy_id is not None else None
        if policy is None or policy.office_id != plan.office_id:
            errors["policy_id"] = _("Hãy chọn một chính sách của cơ quan.")
        else:
            duplicate = db.session.scalar(select(PlanItem.id).where(PlanItem.plan_id == plan.id,
                                                                    PlanItem.policy_id == policy.id))
            if duplicate is not None and (item is None or duplicate != item.id):
                errors["policy_id"] = _("Chính sách này đã có trong kế hoạch.")
            values["policy_id"] = policy.id
    for key in ("planned_briefings", "planned_packs"):
        if item is None or key in data:
            values[key] = _quarters(data, key, errors)
    if item is None or "audience" in data:
        values["audience"] = _audience(plan.office_id, data, errors)
    if "responsible" in data:
        values["responsible"] = _text(data, "responsible", errors, max_length=255)
    if errors:
        raise ValidationError(errors)
    return values


def add_item(plan: CommunicationPlan, data: dict) -> PlanItem:
    values = _item_values(plan, data, None)
    item = PlanItem(office_id=plan.office_id, plan_id=plan.id, **values)
    db.session.add(item)
    db.session.flush()
    audit.record("plan.item_added", plan, data={"policy_id": item.policy_id})
    return item


def update_item(item: PlanItem, data: dict) -> PlanItem:
    values = _item_values(item.plan, data, item)
    _save_changes(item, values, "plan.item_updated", audited=item.plan, extra={"item_id": item.id}, stamp=False)
    return item


def delete_item(item: PlanItem) -> None:
    _delete(item, "plan.item_removed", {"policy_id": item.policy_id}, audited=item.plan)

# What the package (``policies.operations``) offers from this module.
__all__ = ["MAX_PER_QUARTER", "MAX_YEAR", "MIN_YEAR", "add_item", "create_plan", "delete_item", "delete_plan",
    "plan_for_year", "update_item", "update_plan"]
