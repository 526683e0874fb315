"""The create / read / change / delete endpoints every contact resource has, declared once.

Each resource's four endpoints did the same thing with other names: check the role, find the office's
object (another office's answers 404), call the operation, answer the object. ``crud_routes`` registers
them with the endpoint names they always had (``api.create_outlet``, ``api.get_outlet``, ...).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify

from coordinator.api import bp
from coordinator.api.common import get_scoped, json_body, office_id, require

Serializer = Callable[[Any], dict]


def crud_routes(path: str, name: str, model: type, serialize: Serializer, *,
                create: Callable[[int, dict], Any] | None = None, read: bool = True,
                update: Callable[[Any, dict], Any] | None = None, remove: Callable[[Any], Any] | None = None,
                serialize_created: Serializer | None = None) -> None:
    """``POST path`` (201), ``GET``/``PATCH``/``DELETE path/<int:{name}_id>`` (``DELETE`` answers 204) for the
    operations given; writing needs the ``edit`` role. ``serialize_created`` answers a creation when it
    differs from ``serialize``."""
    one = f"{path}/<int:{name}_id>"
    key = f"{name}_id"

    def create_view() -> Any:
        require("edit")
        obj = create(office_id(), json_body())
        return jsonify((serialize_created or serialize)(obj)), 201

    def get_view(**ids: int) -> Any:
        return serialize(get_scoped(model, ids[key]))

    def patch_view(**ids: int) -> Any:
        require("edit")
        obj = get_scoped(model, ids[key])
        update(obj, json_body())
        return serialize(obj)

    def delete_view(**ids: int) -> Any:
        require("edit")
        remove(get_scoped(model, ids[key]))
        return "", 204

    if create is not None:
        bp.add_url_rule(path, f"create_{name}", create_view, methods=["POST"])
    if read:
        bp.add_url_rule(one, f"get_{name}", get_view, methods=["GET"])
    if update is not None:
        bp.add_url_rule(one, f"patch_{name}", patch_view, methods=["PATCH"])
    if remove is not None:
        bp.add_url_rule(one, f"delete_{name}", delete_view, methods=["DELETE"])
