"""A policy's direct links to briefings, packs, questions and coverage items."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.attendance.models import Coverage, Question
from coordinator.core import audit
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.policies.models import LINK_KINDS, LINK_MODELS, Policy
from coordinator.policies.operations.fields import _json_id
from coordinator.schedule.models import Briefing

LINK_LABELS = {"briefing": _l("Buổi họp báo"), "pack": _l("Bộ tài liệu"), "question": _l("Câu hỏi"),
               "coverage": _l("Tin bài")}
LINK_TARGETS = {"briefing": Briefing, "pack": Pack, "question": Question, "coverage": Coverage}


def link_target(office_id: int, kind: Any, object_id: Any) -> Any:
    """The office's briefing/pack/question/coverage by id, or a ValidationError naming the field."""
    if kind not in LINK_KINDS:
        raise ValidationError({"kind": _("Loại liên kết phải là một trong: %(v)s.", v=", ".join(LINK_KINDS))})
    if _json_id(object_id) is None:
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

# What the package (``policies.operations``) offers from this module.
__all__ = ["LINK_LABELS", "LINK_TARGETS", "is_linked", "link", "link_target", "linked_ids", "policies_linked_to",
    "unlink"]
