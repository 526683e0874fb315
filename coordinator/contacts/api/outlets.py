"""``/api/v1/outlets``."""
from __future__ import annotations

from typing import Any

from flask import request

from coordinator.api import bp
from coordinator.api.common import office_id, paginated
from coordinator.contacts import operations as ops
from coordinator.contacts.api.crud import crud_routes
from coordinator.contacts.api.serializers import serialize_outlet
from coordinator.contacts.models import OUTLET_KINDS, OUTLET_LEVELS, Outlet
from coordinator.contacts.search import outlet_query
from coordinator.core.errors import ValidationError


@bp.get("/outlets")
def list_outlets() -> Any:
    kind = request.args.get("kind") or None
    level = request.args.get("level") or None
    errors = {}
    if kind and kind not in OUTLET_KINDS:
        errors["kind"] = f"kind ∈ {', '.join(OUTLET_KINDS)}"
    if level and level not in OUTLET_LEVELS:
        errors["level"] = f"level ∈ {', '.join(OUTLET_LEVELS)}"
    if errors:
        raise ValidationError(errors)
    return paginated(outlet_query(office_id(), request.args.get("q", ""), kind, level), serialize_outlet)


crud_routes("/outlets", "outlet", Outlet, serialize_outlet,
            create=ops.create_outlet, update=ops.update_outlet, remove=ops.delete_outlet)
