"""Policies, their links, the annual plan and consultation comments. Functions flush, never commit.

Every check runs before anything is written, so a refused change leaves nothing half-done.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.attendance.models import Coverage, Question
from coordinator.contacts.models import Beat, DistributionList, Journalist
from coordinator.core import audit, clock
from coordinator.core.dates import parse_day
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.policies.models import (
    COMMENT_STATUSES,
    LINK_KINDS,
    LINK_MODELS,
    STAGES,
    CommunicationPlan,
    PlanItem,
    Policy,
    PolicyComment,
)
from coordinator.schedule.models import Briefing

STAGE_LABELS = {"drafting": _l("Dự thảo & lấy ý kiến"), "issued": _l("Đã ban hành"),
                "in_force": _l("Có hiệu lực"), "under_review": _l("Đang rà soát")}
COMMENT_STATUS_LABELS = {"pending": _l("Chờ xử lý"), "accepted": _l("Tiếp thu"), "answered": _l("Đã trả lời"),
                         "declined": _l("Không tiếp thu")}
LINK_LABELS = {"briefing": _l("Buổi họp báo"), "pack": _l("Bộ tài liệu"), "question": _l("Câu hỏi"),
               "coverage": _l("Tin bài")}
LINK_TARGETS = {"briefing": Briefing, "pack": Pack, "question": Question, "coverage": Coverage}
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PER_QUARTER = 500
COMMENT_MAX = 5000


# --- helpers ----------------------------------------------------------------------------------------

def _text(data: dict, key: str, errors: dict, *, max_length: int, required: bool = False,
          message: str | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Giá trị phải là văn bản.")
        return None
    value = value.strip()
    if required and not value:
        errors[key] = message or _("Trường này là bắt buộc.")
    elif len(value) > max_length:
        errors[key] = _("Tối đa %(n)s ký tự.", n=max_length)
    return value


def _bool(data: dict, key: str, errors: dict) -> bool | None:
    value = data.get(key)
    if not isinstance(value, bool):
        errors[key] = _("Giá trị phải là true hoặc false.")
        return None
    return value


def _day(data: dict, key: str, errors: dict):
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return parse_day(value)
    except (ValueError, TypeError):
        errors[key] = _("Ngày không hợp lệ (định dạng YYYY-MM-DD).")
        return None


# --- policies ---------------------------------------------------------------------------------------

POLICY_FIELDS = ("name", "description", "beat_id", "owner_department", "stage", "drafting_on", "issued_on",
                 "in_force_on", "under_review_on", "document_number", "consultation_open", "citizen_comments")


def _policy_values(office_id: int, data: dict, policy: Policy | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        errors[unknown[0]] = _("Trường không được hỗ trợ.")
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
    if "beat_id" in data:
        beat_id = data["beat_id"]
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
    if merged["stage"] in ("issued", "in_force", "under_review") and not merged["document_number"]:
        errors["document_number"] = _("Chính sách đã ban hành phải có số văn bản.")
    order = ["drafting_on", "issued_on", "in_force_on"]
    dated = [(key, merged[key]) for key in order if merged[key] is not None]
    for (_first, earlier), (key, later) in zip(dated, dated[1:], strict=False):
        if later < earlier:
            errors[key] = _("Ngày này không được trước ngày của giai đoạn trước.")
    if errors:
        raise ValidationError(errors)
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


def _apply(row: Any, values: dict) -> dict[str, list[str]]:
    """Set the values that differ; returns {field: [old, new]} for the audit log."""
    changes = {}
    for key, value in values.items():
        if getattr(row, key) != value:
            changes[key] = [str(getattr(row, key)), str(value)]
            setattr(row, key, value)
    return changes


def update_policy(policy: Policy, data: dict) -> Policy:
    values = _policy_values(policy.office_id, data, policy)
    changes = _apply(policy, values)
    if changes:
        policy.updated_at = clock.now()
        db.session.flush()
        audit.record("policy.updated", policy, data=changes)
    return policy


def delete_policy(policy: Policy) -> None:
    audit.record("policy.deleted", policy, data={"name": policy.name})
    db.session.delete(policy)
    db.session.flush()


# --- links ------------------------------------------------------------------------------------------

def link_target(office_id: int, kind: Any, object_id: Any) -> Any:
    """The office's briefing/pack/question/coverage by id, or a ValidationError naming the field."""
    if kind not in LINK_KINDS:
        raise ValidationError({"kind": _("Loại liên kết phải là một trong: %(v)s.", v=", ".join(LINK_KINDS))})
    if isinstance(object_id, bool) or not isinstance(object_id, int) or not 1 <= object_id <= 2**31 - 1:
        raise ValidationError({"id": _("Hãy chọn một mục để liên kết.")})
    obj = db.session.get(LINK_TARGETS[kind], object_id)
    if obj is None or obj.office_id != office_id:
        raise ValidationError({"id": _("Không tìm thấy mục này trong cơ quan.")})
    return obj


def is_linked(policy: Policy, kind: str, object_id: int) -> bool:
    model = LINK_MODELS[kind]
    return db.session.get(model, (policy.id, object_id)) is not None


def link(policy: Policy, kind: Any, object_id: Any) -> bool:
    """Link; ``False`` when the pair existed already (nothing written)."""
    obj = link_target(policy.office_id, kind, object_id)
    if is_linked(policy, kind, obj.id):
        return False
    db.session.add(LINK_MODELS[kind](policy_id=policy.id, **{f"{kind}_id": obj.id}))
    db.session.flush()
    audit.record("policy.linked", policy, data={"kind": kind, "id": obj.id})
    return True


def unlink(policy: Policy, kind: Any, object_id: Any) -> None:
    obj = link_target(policy.office_id, kind, object_id)
    model = LINK_MODELS[kind]
    row = db.session.get(model, (policy.id, obj.id))
    if row is None:
        raise NotFound(_("Liên kết không tồn tại."))
    db.session.delete(row)
    db.session.flush()
    audit.record("policy.unlinked", policy, data={"kind": kind, "id": obj.id})


def linked_ids(policy_id: int) -> dict[str, list[int]]:
    """Directly linked ids per kind."""
    out = {}
    for kind, model in LINK_MODELS.items():
        column = getattr(model, f"{kind}_id")
        out[kind] = list(db.session.scalars(select(column).where(model.policy_id == policy_id).order_by(column)))
    return out


def policies_linked_to(office_id: int, kind: str, object_id: int) -> list[Policy]:
    model = LINK_MODELS[kind]
    return list(db.session.scalars(select(Policy).join(model, model.policy_id == Policy.id).where(
        Policy.office_id == office_id, getattr(model, f"{kind}_id") == object_id).order_by(Policy.name)))


# --- plans ------------------------------------------------------------------------------------------

def _plan_values(data: dict, plan: CommunicationPlan | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    unknown = sorted(set(data) - {"year", "title", "responsible", "notes"})
    if unknown:
        errors[unknown[0]] = _("Trường không được hỗ trợ.")
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
    changes = _apply(plan, values)
    if changes:
        plan.updated_at = clock.now()
        db.session.flush()
        audit.record("plan.updated", plan, data=changes)
    return plan


def delete_plan(plan: CommunicationPlan) -> None:
    audit.record("plan.deleted", plan, data={"year": plan.year})
    db.session.delete(plan)
    db.session.flush()


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
    unknown = sorted(set(data) - {"policy_id", "planned_briefings", "planned_packs", "audience", "responsible"})
    if unknown:
        errors[unknown[0]] = _("Trường không được hỗ trợ.")
    if item is None or "policy_id" in data:
        policy_id = data.get("policy_id")
        policy = db.session.get(Policy, policy_id) if isinstance(policy_id, int) and not isinstance(
            policy_id, bool) and 1 <= policy_id <= 2**31 - 1 else None
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
    changes = _apply(item, values)
    if changes:
        db.session.flush()
        audit.record("plan.item_updated", item.plan, data={"item_id": item.id, **changes})
    return item


def delete_item(item: PlanItem) -> None:
    audit.record("plan.item_removed", item.plan, data={"policy_id": item.policy_id})
    db.session.delete(item)
    db.session.flush()


# --- consultation comments --------------------------------------------------------------------------

def submit_comment(policy: Policy, *, text: Any, journalist: Journalist | None = None, name: Any = None,
                   email: Any = None) -> PolicyComment:
    """A comment from the public page: a journalist known to the office, or a citizen when the policy
    takes citizens' comments (name and email required, so staff can answer)."""
    errors: dict[str, str] = {}
    if not policy.open_for_comments:
        raise ValidationError({"text": _("Chính sách này không còn lấy ý kiến.")})
    body = _text({"text": text}, "text", errors, max_length=COMMENT_MAX, required=True,
                 message=_("Vui lòng nhập góp ý."))
    if body is not None and not errors and len(body) < 10:
        errors["text"] = _("Góp ý quá ngắn (ít nhất 10 ký tự).")
    if journalist is None:
        if not policy.citizen_comments:
            errors["text"] = _("Chỉ nhà báo có trong danh bạ của cơ quan được góp ý cho chính sách này: hãy mở "
                               "trang này từ trang phóng viên của bạn.")
        author = _text({"name": name}, "name", errors, max_length=255, required=True,
                       message=_("Vui lòng nhập họ tên."))
        address = _text({"email": email}, "email", errors, max_length=254, required=True,
                        message=_("Vui lòng nhập email."))
        if address and "email" not in errors and ("@" not in address or " " in address
                                                  or "." not in address.rsplit("@", 1)[-1]):
            errors["email"] = _("Email không hợp lệ.")
    else:
        author, address = journalist.full_name, journalist.email
    if errors:
        raise ValidationError(errors)
    comment = PolicyComment(office_id=policy.office_id, policy_id=policy.id, text=body, author_name=author,
                            author_email=(address or "").lower() or None, is_citizen=journalist is None,
                            journalist_id=journalist.id if journalist else None)
    db.session.add(comment)
    db.session.flush()
    audit.record("policy.comment_received", comment, office_id=policy.office_id,
                 actor_label=f"journalist:{journalist.id}" if journalist else "anonymous",
                 data={"policy_id": policy.id})
    return comment


def triage_comment(comment: PolicyComment, data: dict, *, user_id: int | None) -> PolicyComment:
    errors: dict[str, str] = {}
    status = data.get("status")
    if status not in COMMENT_STATUSES:
        errors["status"] = _("Trạng thái phải là một trong: %(v)s.", v=", ".join(COMMENT_STATUSES))
    reply = _text(data, "reply", errors, max_length=COMMENT_MAX) if "reply" in data else comment.reply
    if status == "answered" and not reply and "reply" not in errors:
        errors["reply"] = _("Hãy nhập nội dung trả lời.")
    unknown = sorted(set(data) - {"status", "reply"})
    if unknown:
        errors[unknown[0]] = _("Trường không được hỗ trợ.")
    if errors:
        raise ValidationError(errors)
    before = comment.status
    comment.status = status
    comment.reply = reply or None
    comment.triaged_at = None if status == "pending" else clock.now()
    comment.triaged_by_id = None if status == "pending" else user_id
    db.session.flush()
    audit.record("policy.comment_triaged", comment, data={"status": [before, status]})
    return comment


