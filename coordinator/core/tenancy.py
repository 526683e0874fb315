"""Scoping to the current office for staff pages. Another office's object is a 404, never a 403."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from coordinator.extensions import db


def current_office_id() -> int:
    return current_user.office_id


def get_or_404(model: Any, object_id: int) -> Any:
    obj = db.session.get(model, object_id)
    if obj is None or obj.office_id != current_office_id():
        abort(404)
    return obj
