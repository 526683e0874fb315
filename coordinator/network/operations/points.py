"""Connection points, the host's side: inviting another office to take part in a briefing, withdrawing
the invitation, and the points of a briefing."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.core import audit, clock, events
from coordinator.core.errors import Conflict, Forbidden, ValidationError
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.network.models import ConnectionPoint
from coordinator.network.operations.common import actor, other_office
from coordinator.network.operations.trust import is_trusted
from coordinator.offices.models import Office
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing

POINT_STATUS_NAMES = {"invited": _l("Đã mời"), "accepted": _l("Đã nhận lời"), "declined": _l("Đã từ chối"),
                      "withdrawn": _l("Đã rút lời mời")}
POINT_STATUS_TONES = {"invited": "info", "accepted": "ok", "declined": "muted", "withdrawn": "muted"}


def point_status_name(status: str) -> str:
    """A point's status in the reader's language."""
    return str(POINT_STATUS_NAMES.get(status, status))


def points_of(briefing: Briefing) -> list[ConnectionPoint]:
    return list(db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id == briefing.id)
                                   .order_by(ConnectionPoint.id)))


def accepted_points(host_briefing_id: int) -> list[ConnectionPoint]:
    """The points that took part and have their local briefing: those a host's change must reach."""
    return list(db.session.scalars(select(ConnectionPoint).where(
        ConnectionPoint.host_briefing_id == host_briefing_id, ConnectionPoint.status == "accepted",
        ConnectionPoint.local_briefing_id.is_not(None)).order_by(ConnectionPoint.id)))


def point_of_local(briefing_id: int) -> ConnectionPoint | None:
    """The connection point whose local briefing this is (a point's copy of a multi-point briefing)."""
    return db.session.scalar(select(ConnectionPoint).where(ConnectionPoint.local_briefing_id == briefing_id))


def _check_invitation(briefing: Briefing, other: Office) -> None:
    """Refused for a point's own copy, a cancelled briefing, or an office that does not trust this one."""
    if point_of_local(briefing.id) is not None:
        raise ValidationError({"office_id": _("Đây là điểm cầu của một buổi họp báo nhiều điểm cầu do văn phòng "
                                              "khác chủ trì; chỉ văn phòng chủ trì mời được điểm cầu.")})
    if briefing.status == "cancelled":
        raise ValidationError({"office_id": _("Buổi họp báo đã huỷ, không mời thêm điểm cầu được.")})
    if not is_trusted(other.id, briefing.office_id):
        raise ValidationError({"office_id": _("%(name)s chưa cho phép văn phòng của bạn mời làm điểm cầu. Quản trị "
                                              "viên của họ cần thêm văn phòng bạn vào danh sách được phép.",
                                              name=other.name)})


def invite_point(briefing: Briefing, point_office_id: Any, user: Any, note: str | None = None) -> ConnectionPoint:
    """Invite another office as a connection point. Refused unless that office trusts this one."""
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được mời điểm cầu."))
    other = other_office(briefing.office_id, point_office_id)
    _check_invitation(briefing, other)
    note = (note or "").strip()[:2000] or None
    point = db.session.scalar(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id == briefing.id,
                                                            ConnectionPoint.point_office_id == other.id))
    if point is not None and point.status in ("invited", "accepted"):
        raise ValidationError({"office_id": _("%(name)s đã được mời làm điểm cầu của buổi này.", name=other.name)})
    if point is None:  # a declined or withdrawn invitation is renewed, not duplicated
        point = ConnectionPoint(office_id=briefing.office_id, host_briefing_id=briefing.id, point_office_id=other.id)
        db.session.add(point)
    point.status, point.note, point.invited_by_id, point.invited_at = "invited", note, actor(user), clock.now()
    point.responded_by_id = point.responded_at = None
    db.session.flush()
    audit.record("network.point_invited", point, data={"point_office": other.slug, "briefing_id": briefing.id})
    audit.record("network.invitation_received", ("connection_point", point.id), office_id=other.id,
                 data={"host_office": point.host_office.slug, "title": briefing.effective_title})
    # The point office's admins and coordinators hear of it by mail, after commit (a worker sends it).
    events.emit("network.point_invited", office_id=other.id, payload={"point_id": point.id})
    return point


def withdraw_point(point: ConnectionPoint, user: Any) -> ConnectionPoint:
    """The host takes a point back: its local briefing (if any) is cancelled the normal way."""
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được rút lời mời điểm cầu."))
    if point.status not in ("invited", "accepted"):
        raise Conflict(_("Lời mời này không còn hiệu lực."))
    point.status = "withdrawn"
    point.responded_at = clock.now()
    local = point.local_briefing
    if local is not None and local.status not in ("cancelled", "held"):
        schedule.update_briefing(local, {"status": "cancelled"})
    db.session.flush()
    audit.record("network.point_withdrawn", point, data={"point_office": point.point_office.slug})
    audit.record("network.point_withdrawn", ("connection_point", point.id), office_id=point.point_office_id,
                 data={"host_office": point.host_office.slug})
    return point

# What the package (``network.operations``) offers from this module.
__all__ = ["POINT_STATUS_NAMES", "POINT_STATUS_TONES", "accepted_points", "invite_point", "point_of_local",
    "point_status_name", "points_of", "withdraw_point"]
