"""``/api/v1/lists`` (distribution lists and their members) and ``/api/v1/audience/resolve``."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp
from coordinator.api.common import get_scoped, json_body, office_id, page_args, paginated, require
from coordinator.contacts import operations as ops
from coordinator.contacts.api.crud import crud_routes
from coordinator.contacts.api.serializers import serialize_journalist, serialize_list
from coordinator.contacts.audience import explain_audience, validate_audience
from coordinator.contacts.models import DistributionList, Journalist
from coordinator.core.errors import NotFound, ValidationError


@bp.get("/lists")
def list_lists() -> Any:
    query = select(DistributionList).where(DistributionList.office_id == office_id()).order_by(DistributionList.name)
    return paginated(query, serialize_list)


crud_routes("/lists", "list", DistributionList, serialize_list,
            create=ops.create_list, update=ops.update_list, remove=ops.delete_list)


@bp.get("/lists/<int:list_id>/members")
def get_list_members(list_id: int) -> Any:
    dl = get_scoped(DistributionList, list_id)
    page, per_page = page_args()
    members = ops.list_members(dl)
    chunk = members[(page - 1) * per_page: page * per_page]
    items = [{**m, "journalist": serialize_journalist(m["journalist"])} for m in chunk]
    included, excluded = ops.member_counts(members)
    return jsonify({"items": items, "total": len(members), "page": page, "per_page": per_page,
                    "included": included, "excluded": excluded})


@bp.post("/lists/<int:list_id>/members")
def add_list_members(list_id: int) -> Any:
    require("edit")
    dl = get_scoped(DistributionList, list_id)
    ids = json_body().get("journalist_ids")
    if not ops.is_int_list(ids):
        raise ValidationError({"journalist_ids": _("Cần danh sách mã nhà báo.")})
    ops.add_members(dl, [get_scoped(Journalist, i) for i in ids])
    return serialize_list(dl)


@bp.delete("/lists/<int:list_id>/members/<int:journalist_id>")
def remove_list_member(list_id: int, journalist_id: int) -> Any:
    require("edit")
    dl = get_scoped(DistributionList, list_id)
    get_scoped(Journalist, journalist_id)
    if not ops.remove_member(dl, journalist_id):
        raise NotFound(_("Nhà báo này không phải thành viên cố định của danh sách."))
    return "", 204


@bp.post("/audience/resolve")
def resolve_audience_endpoint() -> Any:
    audience = validate_audience(office_id(), json_body())
    included, excluded = explain_audience(office_id(), audience)
    return {"audience": audience, "included": [serialize_journalist(j) for j in included],
            "excluded": [{"journalist": serialize_journalist(j), "reason": reason} for j, reason in excluded]}
