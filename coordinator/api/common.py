"""Helpers every API module uses: the acting user, role checks, JSON bodies, pagination."""
from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify, request

from coordinator.core.errors import DomainError, Forbidden, NotFound, ValidationError
from coordinator.extensions import db
from coordinator.users.permissions import can

MAX_PER_PAGE = 200


def office_id() -> int:
    return g.office.id


def require(action: str) -> None:
    if not can(g.api_user, action):
        raise Forbidden("Vai trò của bạn không được phép thực hiện thao tác này.")


def json_body() -> dict[str, Any]:
    if not request.is_json:
        raise DomainError("Nội dung phải là JSON (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("JSON không hợp lệ: cần một đối tượng {…}.")
    return data


def page_args() -> tuple[int, int]:
    errors = {}
    try:
        page = int(request.args.get("page", 1))
        if page < 1:
            raise ValueError
    except ValueError:
        errors["page"] = "page phải là số nguyên ≥ 1."
        page = 1
    try:
        per_page = int(request.args.get("per_page", 50))
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError
    except ValueError:
        errors["per_page"] = f"per_page phải là số nguyên từ 1 đến {MAX_PER_PAGE}."
        per_page = 50
    if errors:
        raise ValidationError(errors)
    return page, per_page


def paginated(query, serialize) -> Any:
    """``{"items", "total", "page", "per_page"}`` for a select() already scoped to the office."""
    page, per_page = page_args()
    total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    return jsonify({"items": [serialize(row) for row in rows], "total": total, "page": page,
                    "per_page": per_page})


def get_scoped(model: Any, object_id: int) -> Any:
    """The office's object with this id; another office's answers 404, exactly like a missing one."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.office_id != office_id():
        raise NotFound("Không tìm thấy.")
    return obj


def not_found() -> None:
    abort(404)


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None
