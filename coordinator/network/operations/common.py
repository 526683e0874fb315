"""What every part of the network's operations shares: the acting user, ids chosen in a form or a body,
and the other offices of the installation (the network)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core.errors import ValidationError
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.offices.models import Office


def actor(user: Any) -> int | None:
    """The acting user's id; ``None`` for the system (demo data, jobs)."""
    return getattr(user, "id", None)


def chosen_id(value: Any, field: str) -> int:
    """An id picked in a list; anything else is a ``ValidationError`` on ``field``."""
    number = parse_id(value)
    if number is None:
        raise ValidationError({field: _("Hãy chọn một mục hợp lệ.")})
    return number


def network_offices(office_id: int) -> list[Office]:
    """Every other office of the installation: the network."""
    return list(db.session.scalars(select(Office).where(Office.id != office_id).order_by(Office.name)))


def other_office(office_id: int, value: Any, field: str = "office_id") -> Office:
    """Another office of the network, chosen by id (this office itself is refused)."""
    other = db.session.get(Office, chosen_id(value, field))
    if other is None or other.id == office_id:
        raise ValidationError({field: _("Không tìm thấy văn phòng này trong mạng lưới.")})
    return other

# What the package (``network.operations``) offers from this module.
__all__ = ["network_offices"]
