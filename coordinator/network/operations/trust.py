"""Trust: which offices may invite this one as a connection point. Only admins decide it."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import audit
from coordinator.core.errors import Forbidden, ValidationError
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.network.models import NetworkTrust
from coordinator.network.operations.common import actor, other_office
from coordinator.offices.models import Office


def trusts_of(office_id: int) -> list[NetworkTrust]:
    return list(db.session.scalars(select(NetworkTrust).where(NetworkTrust.office_id == office_id)
                                   .order_by(NetworkTrust.id)))


def is_trusted(point_office_id: int, host_office_id: int) -> bool:
    """Whether ``point_office_id`` lets ``host_office_id`` invite it."""
    found = db.session.scalar(select(NetworkTrust.id).where(NetworkTrust.office_id == point_office_id,
                                                            NetworkTrust.trusted_office_id == host_office_id))
    return found is not None


def _require_admin(user: Any) -> None:
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được quyết định văn phòng nào được mời mình làm điểm cầu."))


def add_trust(office: Office, trusted_office_id: Any, user: Any) -> NetworkTrust:
    """Let another office invite this one as a connection point (admins only)."""
    _require_admin(user)
    other = other_office(office.id, trusted_office_id)
    existing = db.session.scalar(select(NetworkTrust).where(NetworkTrust.office_id == office.id,
                                                            NetworkTrust.trusted_office_id == other.id))
    if existing is not None:
        raise ValidationError({"office_id": _("%(name)s đã được phép mời văn phòng làm điểm cầu.", name=other.name)})
    row = NetworkTrust(office_id=office.id, trusted_office_id=other.id, created_by_id=actor(user))
    db.session.add(row)
    db.session.flush()
    audit.record("network.trust_added", row, data={"trusted_office": other.slug})
    return row


def remove_trust(row: NetworkTrust, user: Any) -> None:
    """That office may no longer invite this one (points it already has stay)."""
    _require_admin(user)
    audit.record("network.trust_removed", row, data={"trusted_office": row.trusted_office.slug})
    db.session.delete(row)
    db.session.flush()

# What the package (``network.operations``) offers from this module.
__all__ = ["add_trust", "is_trusted", "remove_trust", "trusts_of"]
