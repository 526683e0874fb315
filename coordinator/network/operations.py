"""The network of offices: trust, connection points, pack copies, shared contacts.

Functions flush, never commit (the request or the job commits once). What a point does with its
briefing (invitations, check-in, coverage, packs) goes through the normal schedule and packs
operations on its *local* briefing, so nothing else has to know about the network.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from coordinator.contacts import operations as contacts
from coordinator.contacts.models import SUPPRESSING_STATUSES, Journalist, Outlet
from coordinator.core import audit, clock, events
from coordinator.core.errors import Conflict, Forbidden, NotFound, ValidationError
from coordinator.core.ids import parse_id
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.network.models import (
    ConnectionPoint,
    ContactLink,
    ContactOffer,
    NetworkPackCopy,
    NetworkTrust,
)
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackApproval, PackFile
from coordinator.packs.storage import save_in_transaction, storage
from coordinator.schedule import operations as schedule
from coordinator.schedule.models import Briefing

POINT_STATUS_NAMES = {"invited": _l("Đã mời"), "accepted": _l("Đã nhận lời"), "declined": _l("Đã từ chối"),
                      "withdrawn": _l("Đã rút lời mời")}
POINT_STATUS_TONES = {"invited": "info", "accepted": "ok", "declined": "muted", "withdrawn": "muted"}


def point_status_name(status: str) -> str:
    return str(POINT_STATUS_NAMES.get(status, status))


def _actor(user: Any) -> int | None:
    return getattr(user, "id", None)


def _id(value: Any, field: str) -> int:
    number = parse_id(value)
    if number is None:
        raise ValidationError({field: _("Hãy chọn một mục hợp lệ.")})
    return number


# --- offices and trust ---------------------------------------------------------------------------------

def network_offices(office_id: int) -> list[Office]:
    """Every other office of the installation: the network."""
    return list(db.session.scalars(select(Office).where(Office.id != office_id).order_by(Office.name)))


def _other_office(office_id: int, value: Any, field: str = "office_id") -> Office:
    other_id = _id(value, field)
    other = db.session.get(Office, other_id)
    if other is None or other.id == office_id:
        raise ValidationError({field: _("Không tìm thấy văn phòng này trong mạng lưới.")})
    return other


def trusts_of(office_id: int) -> list[NetworkTrust]:
    return list(db.session.scalars(select(NetworkTrust).where(NetworkTrust.office_id == office_id)
                                   .order_by(NetworkTrust.id)))


def is_trusted(point_office_id: int, host_office_id: int) -> bool:
    found = db.session.scalar(select(NetworkTrust.id).where(NetworkTrust.office_id == point_office_id,
                                                            NetworkTrust.trusted_office_id == host_office_id))
    return found is not None


def add_trust(office: Office, trusted_office_id: Any, user: Any) -> NetworkTrust:
    """Let another office invite this one as a connection point (admins only)."""
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được quyết định văn phòng nào được mời mình làm điểm cầu."))
    other = _other_office(office.id, trusted_office_id)
    existing = db.session.scalar(select(NetworkTrust).where(NetworkTrust.office_id == office.id,
                                                            NetworkTrust.trusted_office_id == other.id))
    if existing is not None:
        raise ValidationError({"office_id": _("%(name)s đã được phép mời văn phòng làm điểm cầu.", name=other.name)})
    row = NetworkTrust(office_id=office.id, trusted_office_id=other.id, created_by_id=_actor(user))
    db.session.add(row)
    db.session.flush()
    audit.record("network.trust_added", row, data={"trusted_office": other.slug})
    return row


def remove_trust(row: NetworkTrust, user: Any) -> None:
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được quyết định văn phòng nào được mời mình làm điểm cầu."))
    audit.record("network.trust_removed", row, data={"trusted_office": row.trusted_office.slug})
    db.session.delete(row)
    db.session.flush()


# --- connection points: host side ----------------------------------------------------------------------

def points_of(briefing: Briefing) -> list[ConnectionPoint]:
    return list(db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id == briefing.id)
                                   .order_by(ConnectionPoint.id)))


def accepted_points(host_briefing_id: int) -> list[ConnectionPoint]:
    return list(db.session.scalars(select(ConnectionPoint).where(
        ConnectionPoint.host_briefing_id == host_briefing_id, ConnectionPoint.status == "accepted",
        ConnectionPoint.local_briefing_id.is_not(None)).order_by(ConnectionPoint.id)))


def point_of_local(briefing_id: int) -> ConnectionPoint | None:
    """The connection point whose local briefing this is (a point's copy of a multi-point briefing)."""
    return db.session.scalar(select(ConnectionPoint).where(ConnectionPoint.local_briefing_id == briefing_id))


def invite_point(briefing: Briefing, point_office_id: Any, user: Any, note: str | None = None) -> ConnectionPoint:
    """Invite another office as a connection point. Refused unless that office trusts this one."""
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được mời điểm cầu."))
    other = _other_office(briefing.office_id, point_office_id)
    if point_of_local(briefing.id) is not None:
        raise ValidationError({"office_id": _("Đây là điểm cầu của một buổi họp báo nhiều điểm cầu do văn phòng "
                                              "khác chủ trì; chỉ văn phòng chủ trì mời được điểm cầu.")})
    if briefing.status == "cancelled":
        raise ValidationError({"office_id": _("Buổi họp báo đã huỷ, không mời thêm điểm cầu được.")})
    if not is_trusted(other.id, briefing.office_id):
        raise ValidationError({"office_id": _("%(name)s chưa cho phép văn phòng của bạn mời làm điểm cầu. Quản trị "
                                              "viên của họ cần thêm văn phòng bạn vào danh sách được phép.",
                                              name=other.name)})
    note = (note or "").strip()[:2000] or None
    point = db.session.scalar(select(ConnectionPoint).where(ConnectionPoint.host_briefing_id == briefing.id,
                                                            ConnectionPoint.point_office_id == other.id))
    if point is not None and point.status in ("invited", "accepted"):
        raise ValidationError({"office_id": _("%(name)s đã được mời làm điểm cầu của buổi này.", name=other.name)})
    if point is None:
        point = ConnectionPoint(office_id=briefing.office_id, host_briefing_id=briefing.id, point_office_id=other.id)
        db.session.add(point)
    point.status, point.note, point.invited_by_id, point.invited_at = "invited", note, _actor(user), clock.now()
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


# --- connection points: point side ---------------------------------------------------------------------

def received_points(office_id: int) -> list[ConnectionPoint]:
    return list(db.session.scalars(select(ConnectionPoint).where(ConnectionPoint.point_office_id == office_id)
                                   .order_by(ConnectionPoint.invited_at.desc(), ConnectionPoint.id.desc())))


def _local_time(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="minutes")


def accept_point(point: ConnectionPoint, user: Any, audience: dict | None, venue: str | None = None) -> Briefing:
    """The point takes part: a local ad hoc briefing in its own tenant (same time, title and online link
    as the host's, its own venue and audience), invited through its own distribution."""
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được nhận lời làm điểm cầu."))
    if point.status != "invited":
        raise Conflict(_("Lời mời này không còn chờ trả lời (hiện: %(status)s).",
                         status=point_status_name(point.status)))
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
    point.responded_by_id = _actor(user)
    point.responded_at = clock.now()
    db.session.flush()
    audit.record("network.point_accepted", ("connection_point", point.id), office_id=office.id,
                 data={"host_office": point.host_office.slug, "local_briefing_id": local.id})
    audit.record("network.point_accepted", point, data={"point_office": office.slug})
    # Packs the host released before this point accepted reach it too.
    events.emit("network.point_accepted", office_id=office.id, payload={"point_id": point.id})
    return local


def decline_point(point: ConnectionPoint, user: Any, reason: str | None = None) -> ConnectionPoint:
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được từ chối làm điểm cầu."))
    if point.status != "invited":
        raise Conflict(_("Lời mời này không còn chờ trả lời (hiện: %(status)s).",
                         status=point_status_name(point.status)))
    point.status = "declined"
    point.responded_by_id = _actor(user)
    point.responded_at = clock.now()
    db.session.flush()
    reason = (reason or "").strip()[:500] or None
    audit.record("network.point_declined", ("connection_point", point.id), office_id=point.point_office_id,
                 data={"host_office": point.host_office.slug, "reason": reason})
    audit.record("network.point_declined", point, data={"point_office": point.point_office.slug})
    return point


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
    changes: dict[str, Any] = {}
    if local.start != host.start:
        changes["start"] = host.start.isoformat()
    if local.end != host.end:
        changes["end"] = host.end.isoformat()
    if (local.title or "") != host.effective_title:
        changes["title"] = host.effective_title
    if (local.effective_online_url or "") != (host.effective_online_url or ""):
        changes["online_url"] = host.effective_online_url or ""
    if not changes:
        return False
    schedule.update_briefing(local, changes)
    audit.record("network.local_updated", local, actor_label="system",
                 data={"host_office": point.host_office.slug, "fields": sorted(changes)})
    return True


# --- packs across the network --------------------------------------------------------------------------

def host_label(office: Office) -> str:
    return _("Duyệt bởi văn phòng chủ trì %(name)s", name=office.name)


def copy_pack(host_pack: Pack, point: ConnectionPoint) -> Pack | None:
    """The host's released version as an approved pack on the point's local briefing, released through
    the point's own distribution at the same embargo. A second call finds the copy and does nothing."""
    if point.status != "accepted" or point.local_briefing_id is None:
        return None
    done = db.session.scalar(select(NetworkPackCopy).where(NetworkPackCopy.point_id == point.id,
                                                           NetworkPackCopy.host_pack_id == host_pack.id))
    if done is not None:
        return None
    office = db.session.get(Office, point.point_office_id)
    host_office = point.host_office
    earlier = db.session.scalar(select(Pack).join(NetworkPackCopy, NetworkPackCopy.local_pack_id == Pack.id)
                                .where(NetworkPackCopy.point_id == point.id,
                                       NetworkPackCopy.host_root_id == host_pack.lineage_id)
                                .order_by(Pack.version.desc()).limit(1))
    now = clock.now()
    copy = Pack(office_id=office.id, briefing_id=point.local_briefing_id, version=1, title=host_pack.title,
                summary=host_pack.summary, body=host_pack.body, language=host_pack.language, status="approved",
                embargo_until=host_pack.embargo_until, release_at=None,
                send_under_embargo=host_pack.send_under_embargo, audience={"list_ids": [], "beats": []},
                submission_round=1, submitted_at=now, approved_at=now, created_at=now, updated_at=now)
    if earlier is not None:
        from coordinator.packs.operations import latest_version

        newest = latest_version(earlier)
        copy.root_id, copy.version = newest.lineage_id, newest.version + 1
        if newest.status == "approved":
            newest.superseded_at = now
    db.session.add(copy)
    db.session.flush()
    if copy.root_id is None:
        copy.root_id = copy.id
    for item in host_pack.files:
        with storage().open(item.storage_name) as handle:
            data = handle.read()
        db.session.add(PackFile(office_id=office.id, pack_id=copy.id, original_name=item.original_name,
                                display_name=item.display_name, storage_name=save_in_transaction(office.slug, data),
                                size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                content_type=item.content_type, kind=item.kind))
    label = host_label(host_office)
    db.session.add(PackApproval(office_id=office.id, pack_id=copy.id, user_id=None, user_label=label[:255],
                                decision="approved", submission_round=1))
    db.session.add(NetworkPackCopy(office_id=office.id, point_id=point.id, host_pack_id=host_pack.id,
                                   host_root_id=host_pack.lineage_id, local_pack_id=copy.id))
    db.session.flush()
    audit.record("pack.created", copy, actor_label="system",
                 data={"title": copy.title, "briefing_id": copy.briefing_id, "from_host_office": host_office.slug,
                       "host_pack_id": host_pack.id, "version": copy.version})
    audit.record("pack.approved", copy, actor_label=label[:255],
                 data={"version": copy.version, "approved_by_host_office": host_office.name, "final": True})
    from coordinator.packs.operations import schedule_release

    schedule_release(copy)
    audit.record("network.pack_copied", point, actor_label="system",
                 data={"host_pack_id": host_pack.id, "point_office": office.slug, "version": copy.version})
    return copy


def released_host_packs(host_briefing_id: int) -> list[Pack]:
    return list(db.session.scalars(select(Pack).where(Pack.briefing_id == host_briefing_id,
                                                      Pack.status == "released")
                                   .order_by(Pack.root_id, Pack.version)))


# --- shared contacts -----------------------------------------------------------------------------------

def offers_of(office_id: int, *, active_only: bool = False) -> list[ContactOffer]:
    query = select(ContactOffer).where(ContactOffer.office_id == office_id)
    if active_only:
        query = query.where(ContactOffer.status == "active")
    return list(db.session.scalars(query.order_by(ContactOffer.created_at.desc(), ContactOffer.id.desc())))


def _office_ids(office_id: int, values: Any) -> list[int]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError({"office_ids": _("Danh sách văn phòng không hợp lệ.")})
    return sorted({_other_office(office_id, value, "office_ids").id for value in values})


def offer_contacts(office: Office, user: Any, *, journalist_ids: Any = None, outlet_ids: Any = None,
                   office_ids: Any = None, note: str | None = None) -> list[ContactOffer]:
    """Offer journalists (with their outlet) and/or outlets to the network or to chosen offices."""
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được chia sẻ danh bạ với mạng lưới."))
    errors: dict[str, str] = {}
    journalists: list[Journalist] = []
    outlets: list[Outlet] = []
    for value in journalist_ids or []:
        try:
            row = db.session.get(Journalist, _id(value, "journalist_ids"))
        except ValidationError as exc:
            errors.update(exc.fields)
            continue
        if row is None or row.office_id != office.id:
            errors["journalist_ids"] = _("Không tìm thấy nhà báo này trong danh bạ của văn phòng.")
        elif row.status == "archived":
            errors["journalist_ids"] = _("Không chia sẻ được nhà báo đã lưu trữ.")
        else:
            journalists.append(row)
    for value in outlet_ids or []:
        try:
            row = db.session.get(Outlet, _id(value, "outlet_ids"))
        except ValidationError as exc:
            errors.update(exc.fields)
            continue
        if row is None or row.office_id != office.id:
            errors["outlet_ids"] = _("Không tìm thấy cơ quan báo chí này trong danh bạ của văn phòng.")
        else:
            outlets.append(row)
    try:
        audience = _office_ids(office.id, office_ids)
    except ValidationError as exc:
        errors.update(exc.fields)
        audience = []
    if not errors and not journalists and not outlets:
        errors["journalist_ids"] = _("Hãy chọn ít nhất một nhà báo hoặc một cơ quan báo chí để chia sẻ.")
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()[:1000] or None
    active = offers_of(office.id, active_only=True)
    offered_j = {o.journalist_id for o in active if o.journalist_id}
    offered_o = {o.outlet_id for o in active if o.journalist_id is None}
    created = []
    for journalist in journalists:
        if journalist.id not in offered_j:
            created.append(ContactOffer(office_id=office.id, outlet_id=journalist.outlet_id,
                                        journalist_id=journalist.id, office_ids=audience, note=note,
                                        created_by_id=_actor(user)))
            offered_j.add(journalist.id)
    for outlet in outlets:
        if outlet.id not in offered_o:
            created.append(ContactOffer(office_id=office.id, outlet_id=outlet.id, journalist_id=None,
                                        office_ids=audience, note=note, created_by_id=_actor(user)))
            offered_o.add(outlet.id)
    if not created:
        raise ValidationError({"journalist_ids": _("Những mục đã chọn đều đang được chia sẻ.")})
    db.session.add_all(created)
    db.session.flush()
    for offer in created:
        audit.record("network.contact_offered", offer, data={"journalist_id": offer.journalist_id,
                                                             "outlet_id": offer.outlet_id, "office_ids": audience})
    return created


def withdraw_offer(offer: ContactOffer, user: Any) -> ContactOffer:
    """No new adoptions; the copies other offices already made stay theirs."""
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được thôi chia sẻ danh bạ."))
    if offer.status == "withdrawn":
        raise Conflict(_("Mục này đã thôi chia sẻ."))
    offer.status = "withdrawn"
    offer.withdrawn_at = clock.now()
    db.session.flush()
    audit.record("network.contact_offer_withdrawn", offer, data={"journalist_id": offer.journalist_id,
                                                                 "outlet_id": offer.outlet_id})
    return offer


def visible_to(offer: ContactOffer, office_id: int) -> bool:
    return (offer.status == "active" and offer.office_id != office_id
            and (not offer.office_ids or office_id in offer.office_ids))


def directory(office_id: int) -> list[ContactOffer]:
    """Offers other offices make to this one (active only), newest first."""
    rows = db.session.scalars(select(ContactOffer).where(ContactOffer.office_id != office_id,
                                                         ContactOffer.status == "active")
                              .order_by(ContactOffer.created_at.desc(), ContactOffer.id.desc()))
    return [row for row in rows if visible_to(row, office_id)]


def offer_for(office_id: int, offer_id: int) -> ContactOffer:
    """An offer this office may see in the directory; anything else is a 404."""
    offer = db.session.get(ContactOffer, offer_id) if 1 <= offer_id <= 2**31 - 1 else None
    if offer is None or not visible_to(offer, office_id):
        raise NotFound(_("Không tìm thấy."))
    return offer


def adopted_offer_ids(office_id: int) -> set[int]:
    return set(db.session.scalars(select(ContactLink.offer_id).where(ContactLink.office_id == office_id,
                                                                     ContactLink.offer_id.is_not(None))))


def _local_outlet(office_id: int, origin: Outlet) -> Outlet:
    found = contacts.find_outlet_by_name(office_id, origin.name)
    if found is not None:
        return found
    return contacts.create_outlet(office_id, {"name": origin.name, "kind": origin.kind, "level": origin.level,
                                              "website": origin.website or ""})


def adopt_offer(office: Office, offer: ContactOffer, user: Any) -> ContactLink:
    """A local copy of an offered outlet/journalist (an existing contact with the same email is linked,
    not duplicated); a bounced or unsubscribed state travels with it."""
    if not can(user, "edit"):
        raise Forbidden(_("Chỉ điều phối viên và quản trị viên được thêm liên hệ vào danh bạ."))
    if not visible_to(offer, office.id):
        raise NotFound(_("Không tìm thấy."))
    if offer.id in adopted_offer_ids(office.id):
        raise Conflict(_("Văn phòng đã thêm mục này vào danh bạ."))
    origin_outlet = db.session.get(Outlet, offer.outlet_id)
    outlet = _local_outlet(office.id, origin_outlet)
    local = None
    duplicate = False
    origin = db.session.get(Journalist, offer.journalist_id) if offer.journalist_id else None
    if origin is not None:
        local = db.session.scalar(select(Journalist).where(Journalist.office_id == office.id,
                                                           Journalist.email == origin.email))
        duplicate = local is not None
        if local is None:
            data = {"full_name": origin.full_name, "email": origin.email, "outlet_id": outlet.id,
                    "language": origin.language, "beats": [beat.name for beat in origin.beats]}
            if origin.phone:
                data["phone"] = origin.phone
            local = contacts.create_journalist(office.id, data)
    link = ContactLink(office_id=office.id, offer_id=offer.id, origin_office_id=offer.office_id,
                       origin_outlet_id=origin_outlet.id, origin_journalist_id=origin.id if origin else None,
                       local_outlet_id=outlet.id, local_journalist_id=local.id if local else None,
                       created_by_id=_actor(user))
    db.session.add(link)
    db.session.flush()
    audit.record("network.contact_adopted", link, data={"offer_id": offer.id, "origin_office": offer.office.slug,
                                                        "journalist_id": link.local_journalist_id,
                                                        "outlet_id": outlet.id, "linked_existing": duplicate})
    audit.record("network.contact_adopted_by", offer, data={"office": office.slug}, actor_label="system")
    if origin is not None and local is not None:
        if origin.status in SUPPRESSING_STATUSES and local.status not in SUPPRESSING_STATUSES:
            contacts.set_status(local, origin.status, _("Theo mạng lưới: %(state)s tại %(office)s",
                                                        state=str(contacts.STATUS_LABELS[origin.status]),
                                                        office=offer.office.name))
        elif local.status in SUPPRESSING_STATUSES and origin.status not in SUPPRESSING_STATUSES:
            events.emit("network.contact_suppressed", office_id=office.id, payload={"journalist_id": local.id})
    return link


def linked_group(journalist_id: int) -> set[int]:
    """Every journalist linked to this one through the network (the origin and all its copies)."""
    links = db.session.scalars(select(ContactLink).where(or_(ContactLink.origin_journalist_id == journalist_id,
                                                             ContactLink.local_journalist_id == journalist_id)))
    origins = {link.origin_journalist_id for link in links if link.origin_journalist_id}
    if not origins:
        return set()
    group = set(origins)
    for link in db.session.scalars(select(ContactLink).where(ContactLink.origin_journalist_id.in_(origins))):
        if link.local_journalist_id:
            group.add(link.local_journalist_id)
    return group


def is_linked(journalist_id: int) -> bool:
    return db.session.scalar(select(ContactLink.id).where(or_(ContactLink.origin_journalist_id == journalist_id,
                                                              ContactLink.local_journalist_id == journalist_id))
                             .limit(1)) is not None


def contact_status_changed(journalist: Journalist, old_status: str) -> None:
    """Called by contacts when a journalist becomes bounced or unsubscribed: a linked one's state is
    carried to every copy (and the origin) by a job."""
    if journalist.status in SUPPRESSING_STATUSES and old_status != journalist.status and is_linked(journalist.id):
        events.emit("network.contact_suppressed", office_id=journalist.office_id,
                    payload={"journalist_id": journalist.id})


def propagate_suppression(journalist_id: int) -> int:
    """Carry a bounced/unsubscribed state to every linked copy that is still active. Returns how many."""
    source = db.session.get(Journalist, journalist_id)
    if source is None or source.status not in SUPPRESSING_STATUSES:
        return 0
    office = db.session.get(Office, source.office_id)
    changed = 0
    for other_id in sorted(linked_group(journalist_id) - {journalist_id}):
        other = db.session.get(Journalist, other_id)
        if other is None or other.status != "active":
            continue
        reason = _("Theo mạng lưới: %(state)s tại %(office)s", state=str(contacts.STATUS_LABELS[source.status]),
                   office=office.name)
        contacts.set_status(other, source.status, reason)
        audit.record("network.contact_suppressed", other, actor_label="system",
                     data={"from_office": office.slug, "status": source.status})
        changed += 1
    return changed


def network_origin(journalist: Journalist) -> ContactLink | None:
    return db.session.scalar(select(ContactLink).where(ContactLink.local_journalist_id == journalist.id).limit(1))


def shared_offer(office_id: int, *, journalist_id: int | None = None, outlet_id: int | None = None) -> bool:
    query = select(ContactOffer.id).where(ContactOffer.office_id == office_id, ContactOffer.status == "active")
    if journalist_id is not None:
        query = query.where(ContactOffer.journalist_id == journalist_id)
    else:
        query = query.where(ContactOffer.outlet_id == outlet_id, ContactOffer.journalist_id.is_(None))
    return db.session.scalar(query.limit(1)) is not None


def outlet_origin(outlet: Outlet) -> ContactLink | None:
    return db.session.scalar(select(ContactLink).where(ContactLink.local_outlet_id == outlet.id).limit(1))
