"""Distribution lists: fixed members plus a rule, and who a list reaches (the API and the pages alike)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from coordinator.contacts.audience import explain_audience, rule_member_ids
from coordinator.contacts.models import (
    OUTLET_KINDS,
    OUTLET_LEVELS,
    Beat,
    DistributionList,
    DistributionListMember,
    Journalist,
    Outlet,
)
from coordinator.contacts.operations.beats import find_beat
from coordinator.contacts.operations.fields import is_int, is_int_list, required_name
from coordinator.contacts.operations.rules import RULE_KEYS
from coordinator.core import audit, clock
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db


def _bad_rule(message: str) -> ValidationError:
    return ValidationError({"rule": message})


def validate_rule(office_id: int, rule: Any) -> dict:
    """``{"beat_ids", "outlet_kinds", "levels", "outlet_ids"}``; beats may also be given by name as
    ``"beats"``. Unknown ids or values are refused."""
    if rule in (None, ""):
        return {}
    if not isinstance(rule, dict):
        raise _bad_rule(_("Quy tắc phải là một đối tượng."))
    unknown = set(rule) - set(RULE_KEYS) - {"beats"}
    if unknown:
        raise _bad_rule(_("Khoá không hợp lệ trong quy tắc: %(keys)s", keys=", ".join(sorted(unknown))))
    out: dict[str, list] = {}
    for key in (*RULE_KEYS, "beats"):
        value = rule.get(key)
        if value in (None, []):
            continue
        if not isinstance(value, list):
            raise _bad_rule(_("%(key)s phải là một danh sách.", key=key))
        if key == "beats":
            out["beat_ids"] = sorted(set(out.get("beat_ids", [])) | set(_beat_ids_by_name(office_id, value)))
        elif key in ("beat_ids", "outlet_ids"):
            _check_rule_ids(office_id, key, value)
            out[key] = sorted(set(out.get(key, [])) | set(value))
        else:
            choices = OUTLET_KINDS if key == "outlet_kinds" else OUTLET_LEVELS
            bad = [v for v in value if v not in choices]
            if bad:
                raise _bad_rule(_("Giá trị không hợp lệ trong %(key)s: %(values)s",
                                  key=key, values=", ".join(map(str, bad))))
            out[key] = sorted(set(value))
    return out


def _beat_ids_by_name(office_id: int, names: list) -> list[int]:
    ids = []
    for name in names:
        beat = find_beat(office_id, name) if isinstance(name, str) else None
        if beat is None:
            raise _bad_rule(_("Không có lĩnh vực “%(name)s”.", name=name))
        ids.append(beat.id)
    return ids


def _check_rule_ids(office_id: int, key: str, ids: list) -> None:
    """Every id is one of the office's beats (``beat_ids``) or outlets (``outlet_ids``)."""
    if not all(is_int(v) for v in ids):
        raise _bad_rule(_("%(key)s phải là danh sách mã số.", key=key))
    model = Beat if key == "beat_ids" else Outlet
    found = set(db.session.scalars(select(model.id).where(model.office_id == office_id, model.id.in_(ids))))
    if set(ids) - found:
        raise _bad_rule(_("Không tìm thấy mã %(ids)s trong %(key)s.",
                          ids=", ".join(map(str, sorted(set(ids) - found))), key=key))


def _list_values(office_id: int, data: dict, dl: DistributionList | None) -> dict:
    """Validated values for the given fields (the name when creating); every bad field named."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "name" in data or dl is None:
        name = required_name(data, "name", errors, max_len=200, missing=_("Tên danh sách là bắt buộc."),
                             too_long=_("Tên tối đa 200 ký tự."))
        if name is not None:
            other = db.session.scalar(select(DistributionList).where(DistributionList.office_id == office_id,
                                                                     DistributionList.name == name))
            if other is not None and other is not dl:
                errors["name"] = _("Danh sách “%(name)s” đã có.", name=name)
            values["name"] = name
    if "description" in data:
        desc = data.get("description")
        values["description"] = desc.strip() or None if isinstance(desc, str) else None
    if "rule" in data:
        try:
            values["rule"] = validate_rule(office_id, data.get("rule"))
        except ValidationError as exc:
            errors.update(exc.fields)
    if "member_ids" in data:
        _check_member_ids(office_id, data.get("member_ids") or [], values, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _check_member_ids(office_id: int, ids: Any, values: dict, errors: dict) -> None:
    if not is_int_list(ids):
        errors["member_ids"] = _("member_ids phải là danh sách mã nhà báo.")
        return
    found = set(db.session.scalars(select(Journalist.id).where(Journalist.office_id == office_id,
                                                               Journalist.id.in_(ids))))
    if set(ids) - found:
        errors["member_ids"] = _("Không tìm thấy nhà báo có mã %(ids)s.",
                                 ids=", ".join(map(str, sorted(set(ids) - found))))
    values["member_ids"] = list(dict.fromkeys(ids))


def create_list(office_id: int, data: dict) -> DistributionList:
    values = _list_values(office_id, data, None)
    dl = DistributionList(office_id=office_id, name=values["name"], description=values.get("description"),
                          rule=values.get("rule", {}))
    db.session.add(dl)
    db.session.flush()
    for jid in values.get("member_ids", []):
        db.session.add(DistributionListMember(list_id=dl.id, journalist_id=jid))
    db.session.flush()
    audit.record("list.created", dl, data={"name": dl.name, "rule": dl.rule,
                                           "members": values.get("member_ids", [])})
    return dl


def fixed_member_ids(dl: DistributionList) -> set[int]:
    """The journalists added to the list by hand (those its rule matches are not among them)."""
    return set(db.session.scalars(select(DistributionListMember.journalist_id)
                                  .where(DistributionListMember.list_id == dl.id)))


def update_list(dl: DistributionList, data: dict) -> DistributionList:
    """Change the fields given; ``member_ids`` replaces the fixed members."""
    values = _list_values(dl.office_id, data, dl)
    changes = {}
    for key in ("name", "description", "rule"):
        if key in values and getattr(dl, key) != values[key]:
            changes[key] = [getattr(dl, key), values[key]]
            setattr(dl, key, values[key])
    if "member_ids" in values:
        current = fixed_member_ids(dl)
        wanted = set(values["member_ids"])
        if current != wanted:
            db.session.execute(delete(DistributionListMember).where(
                DistributionListMember.list_id == dl.id,
                DistributionListMember.journalist_id.in_(current - wanted)))
            for jid in values["member_ids"]:
                if jid not in current:
                    db.session.add(DistributionListMember(list_id=dl.id, journalist_id=jid))
            changes["members"] = {"added": sorted(wanted - current), "removed": sorted(current - wanted)}
    if changes:
        # Membership rows do not touch the list's own row: mark it changed explicitly.
        db.session.execute(update(DistributionList).where(DistributionList.id == dl.id)
                           .values(updated_at=clock.now()))
        db.session.flush()
        audit.record("list.updated", dl, data=changes)
    return dl


def add_members(dl: DistributionList, journalists: Iterable[Journalist]) -> int:
    """Add fixed members (those already in are skipped); how many were added."""
    current = fixed_member_ids(dl)
    added = []
    for journalist in journalists:
        if journalist.office_id != dl.office_id:
            raise NotFound(_("Không tìm thấy nhà báo."))
        if journalist.id not in current:
            db.session.add(DistributionListMember(list_id=dl.id, journalist_id=journalist.id))
            current.add(journalist.id)
            added.append(journalist.id)
    if added:
        db.session.flush()
        audit.record("list.members_added", dl, data={"journalist_ids": added})
    return len(added)


def remove_member(dl: DistributionList, journalist_id: int) -> bool:
    """Remove a fixed member; ``False`` if the journalist was not one."""
    member = db.session.get(DistributionListMember, (dl.id, journalist_id))
    if member is None:
        return False
    db.session.delete(member)
    db.session.flush()
    audit.record("list.member_removed", dl, data={"journalist_id": journalist_id})
    return True


def delete_list(dl: DistributionList) -> None:
    audit.record("list.deleted", dl, data={"name": dl.name})
    db.session.delete(dl)
    db.session.flush()


# --- who a list reaches ------------------------------------------------------------------------------

def list_members(dl: DistributionList) -> list[dict]:
    """Every member (fixed or by rule), included or excluded with the reason, ordered by id:
    ``{"journalist", "included", "excluded_reason", "source": "fixed" | "rule" | "both"}``."""
    fixed = fixed_member_ids(dl)
    by_rule = rule_member_ids(dl.office_id, dl.rule or {})
    included, excluded = explain_audience(dl.office_id, {"list_ids": [dl.id]})
    reasons = {j.id: reason for j, reason in excluded}
    people = sorted([*included, *(j for j, _ in excluded)], key=lambda j: j.id)
    return [{"journalist": j, "included": j.id not in reasons, "excluded_reason": reasons.get(j.id),
             "source": "both" if j.id in fixed and j.id in by_rule else ("fixed" if j.id in fixed else "rule")}
            for j in people]


def member_counts(members: list[dict]) -> tuple[int, int]:
    """How many of ``list_members``' people are included, and how many excluded."""
    included = sum(1 for m in members if m["included"])
    return included, len(members) - included

# What the package (``contacts.operations``) offers from this module.
__all__ = ["add_members", "create_list", "delete_list", "fixed_member_ids", "list_members", "member_counts",
    "remove_member", "update_list", "validate_rule"]
