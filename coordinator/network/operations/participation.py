"""Connection points, the point's side: the invitations an office received, accepting one (a local ad hoc
briefing in its own tenant) or declining it, and the local briefing following the host's."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import audit, clock, events
from coordinator.core.errors import Conflict, Forbidden
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.network.models import ConnectionPoint
from coordinator.network.operations.common import actor
from coordinator.network.operations.points import point_status_name
from coordinator.offices.models import Office
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing


def received_points(office_id: int) -> list[ConnectionPoint]:
    """Invitations this office received, newest first."""
    return list(db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.point_office_id == office_id)
                                   .order_by(ConnectionPoint.invited_at.desc(), ConnectionPoint.id.desc())))


def _local_time(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="minutes")


def _check_answer(point: ConnectionPoint, user: Any, refusal: str) -> None:
    """Only staff who may edit answer an invitation, and only while it waits for an answer."""
    if not can(user, "edit"):
        raise Forbidden(refusal)
    if point.status != "invited":
        raise Conflict(_("Lời mời này không còn chờ trả lời (hiện: %(status)s).",
                         status=point_status_name(point.status)))


def accept_point(point: ConnectionPoint, user: Any, audience: dict | None, venue: str | None = None) -> Briefing:
    """The point takes part: a local ad hoc briefing in its own tenant (same time, title and online link
    as the host's, its own venue and audience), invited through its own distribution."""
    _check_answer(point, user, _("Chỉ điều phối viên và quản trị viên được nhận lời làm điểm cầu."))
    host = point.host_briefing
    if host.status == "cancelled":
        raise Conflict(_("Văn phòng chủ trì đã huỷ buổi họp báo này."))
    office = db.session.get(Office, point.point_office_id)
    data = {"title": host.effective_title, "dtstart": _local_time(host.start, host.timezone),
            "end": _local_time(host.end, host.timezone), "timezone": host.timezone,
            "venue": venue or "", "online_url": host.effective_online_url or "",
            "agenda": host.agenda or "", "spokespeople": host.spokespeople or "",
            "audience": audience or {}, "is_public": host.effective_public}
    local = schedule.create_briefing(office, data)
    point.status = "accepted"
    point.local_briefing_id = local.id
    point.responded_by_id = actor(user)
    point.responded_at = clock.now()
    db.session.flush()
    audit.record("network.point_accepted", ("connection_point", point.id), office_id=office.id,
                 data={"host_office": point.host_office.slug, "local_briefing_id": local.id})
    audit.record("network.point_accepted", point, data={"point_office": office.slug})
    # Packs the host released before this point accepted reach it too.
    events.emit("network.point_accepted", office_id=office.id, payload={"point_id": point.id})
    return local


def decline_point(point: ConnectionPoint, user: Any, reason: str | None = None) -> ConnectionPoint:
    _check_answer(point, user, _("Chỉ điều phối viên và quản trị viên được từ chối làm điểm cầu."))
    point.status = "declined"
    point.responded_by_id = actor(user)
    point.responded_at = clock.now()
    db.session.flush()
    reason = (reason or "").strip()[:500] or None
    audit.record("network.point_declined", ("connection_point", point.id), office_id=point.point_office_id,
                 data={"host_office": point.host_office.slug, "reason": reason})
    audit.record("network.point_declined", point, data={"point_office": point.point_office.slug})
    return point


def _differences(host: Briefing, local: Briefing) -> dict[str, Any]:
    """What the local briefing must change to follow the host's: time, title, online link."""
    changes: dict[str, Any] = {}
    if local.start != host.start:
        changes["start"] = host.start.isoformat()
    if local.end != host.end:
        changes["end"] = host.end.isoformat()
    if (local.title or "") != host.effective_title:
        changes["title"] = host.effective_title
    if (local.effective_online_url or "") != (host.effective_online_url or ""):
        changes["online_url"] = host.effective_online_url or ""
    return changes


def sync_local_briefing(point: ConnectionPoint) -> bool:
    """Make the point's local briefing follow the host's time, title, link and status through the
    schedule's normal update (so its journalists get the normal update or cancel mail). True if changed."""
    host, local = point.host_briefing, point.local_briefing
    if local is None or point.status != "accepted" or local.status == "cancelled":
        return False
    if host.status == "cancelled":
        schedule.update_briefing(local, {"status": "cancelled"})
        audit.record("network.local_cancelled", local, actor_label="system",
                     data={"host_office": point.host_office.slug, "host_briefing_id": host.id})
        return True
    changes = _differences(host, local)
    if not changes:
        return False
    schedule.update_briefing(local, changes)
    audit.record("network.local_updated", local, actor_label="system",
                 data={"host_office": point.host_office.slug, "fields": sorted(changes)})
    return True

# What the package (``network.operations``) offers from this module.
__all__ = ["accept_point", "decline_point", "received_points", "sync_local_briefing"]
