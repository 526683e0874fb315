"""The network's jobs: a host briefing's change followed by every point's local briefing, a host pack
copied to every point (each point releases it through its own distribution), and a bounce or
unsubscribe carried to every linked copy of a shared journalist.

Every step is idempotent: a local briefing already in step is left alone (no mail), a pack copy is
made once per point and version (``NetworkPackCopy`` is unique), a journalist already suppressed is
not touched again.
"""
from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core.events import OutboxEvent
from coordinator.core.i18n import format_local
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.mail import service as mail
from coordinator.network import operations as ops
from coordinator.network.models import ConnectionPoint
from coordinator.packs.models import Pack
from coordinator.schedule.models import Briefing
from coordinator.users.models import User

log = logging.getLogger(__name__)


def host_briefing_changed(event: OutboxEvent) -> None:
    """Each accepted point's local briefing follows the host's (the normal update/cancel mail goes out
    from the point's own office). Idempotent: a retry finds the points already in step and leaves them."""
    host = db.session.get(Briefing, event.payload["briefing_id"])
    if host is None:
        return
    for point in ops.accepted_points(host.id):
        ops.sync_local_briefing(point)


def host_pack_released(event: OutboxEvent) -> None:
    pack = db.session.get(Pack, event.payload["pack_id"])
    if pack is None or pack.status != "released" or pack.briefing_id is None:
        return
    for point in ops.accepted_points(pack.briefing_id):
        ops.copy_pack(pack, point)


def point_invited(event: OutboxEvent) -> None:
    """Tell the invited office's admins and coordinators (each in their language), once per invitation."""
    point = db.session.get(ConnectionPoint, event.payload["point_id"])
    if point is None or point.status != "invited":
        return  # withdrawn or answered before the mail went out: nothing to ask any more
    for user in db.session.scalars(select(User).where(User.office_id == point.point_office_id,
                                                      User.active.is_(True),
                                                      User.role.in_(("admin", "coordinator")))):
        _mail_point_invitation(point, user, event_id=event.id)


def _mail_point_invitation(point: ConnectionPoint, user: User, *, event_id: int) -> None:
    office, host, briefing = point.point_office, point.host_office, point.host_briefing
    mail.send_to_staff(
        user, office, key=f"network-point-invited:{point.id}:{event_id}:{user.id}", purpose="network_point",
        template="network_point_invited",
        subject=lambda: _("Lời mời làm điểm cầu: %(title)s", title=briefing.effective_title),
        context={"host": host, "briefing": briefing, "note": point.note,
                 "when": format_local(briefing.start, office.timezone, user.locale or office.locale),
                 "link": external_url("network.invitation", point_id=point.id)})


def point_accepted(event: OutboxEvent) -> None:
    """A point that accepts late still gets the packs the host released before."""
    point = db.session.get(ConnectionPoint, event.payload["point_id"])
    if point is None or point.status != "accepted":
        return
    for pack in ops.released_host_packs(point.host_briefing_id):
        ops.copy_pack(pack, point)


def contact_suppressed(event: OutboxEvent) -> None:
    changed = ops.propagate_suppression(event.payload["journalist_id"])
    if changed:
        log.info("network: journalist %s's state carried to %d linked copies", event.payload["journalist_id"],
                 changed)
