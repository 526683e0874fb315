"""Shared contacts taken into an office: a local copy of an offered outlet or journalist, linked to its
origin, and a bounce or unsubscribe carried to every linked copy."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from coordinator.contacts import operations as contacts
from coordinator.contacts.models import SUPPRESSING_STATUSES, Journalist, Outlet
from coordinator.core import audit, events
from coordinator.core.errors import Conflict, Forbidden, NotFound
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.network.models import ContactLink, ContactOffer
from coordinator.network.operations.common import actor
from coordinator.network.operations.offers import adopted_offer_ids, visible_to
from coordinator.offices.models import Office


def _local_outlet(office_id: int, origin: Outlet) -> Outlet:
    """The office's outlet of that name, or a new one like the origin."""
    found = contacts.find_outlet_by_name(office_id, origin.name)
    if found is not None:
        return found
    return contacts.create_outlet(office_id, {"name": origin.name, "kind": origin.kind, "level": origin.level,
                                              "website": origin.website or ""})


def _local_journalist(office: Office, origin: Journalist, outlet: Outlet) -> tuple[Journalist, bool]:
    """The office's journalist with the origin's email (``True``: linked, not duplicated) or a new copy."""
    local = db.session.scalar(select(Journalist).where(Journalist.office_id == office.id,
                                                       Journalist.email == origin.email))
    if local is not None:
        return local, True
    data = {"full_name": origin.full_name, "email": origin.email, "outlet_id": outlet.id,
            "language": origin.language, "beats": [beat.name for beat in origin.beats]}
    if origin.phone:
        data["phone"] = origin.phone
    # The copy's basis: the journalist's consent to sharing, as the offering office recorded it.
    data |= {"consent_basis": "consent", "network_sharing": False,
             "consent_purpose": _("Chia sẻ qua mạng lưới, nhà báo đã đồng ý tại %(office)s",
                                  office=db.session.get(Office, origin.office_id).name)}
    return contacts.create_journalist(office.id, data, consent_source="network",
                                      consent_detail=f"#{origin.id}"), False


def _network_reason(status: str, office: Office) -> str:
    return _("Theo mạng lưới: %(state)s tại %(office)s", state=str(contacts.STATUS_LABELS[status]),
             office=office.name)


def _carry_state(office: Office, offer: ContactOffer, origin: Journalist, local: Journalist) -> None:
    """A bounced or unsubscribed origin suppresses the copy; a suppressed copy is carried to the origin."""
    if origin.status in SUPPRESSING_STATUSES and local.status not in SUPPRESSING_STATUSES:
        contacts.set_status(local, origin.status, _network_reason(origin.status, offer.office))
    elif local.status in SUPPRESSING_STATUSES and origin.status not in SUPPRESSING_STATUSES:
        events.emit("network.contact_suppressed", office_id=office.id, payload={"journalist_id": local.id})


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
    origin = db.session.get(Journalist, offer.journalist_id) if offer.journalist_id else None
    if origin is not None and not contacts.may_share(origin):
        # They withdrew (or erased) since the offer: their consent to sharing no longer stands.
        raise Conflict(_("Nhà báo này đã rút lại sự đồng ý chia sẻ với mạng lưới."))
    local, duplicate = _local_journalist(office, origin, outlet) if origin is not None else (None, False)
    link = ContactLink(office_id=office.id, offer_id=offer.id, origin_office_id=offer.office_id,
                       origin_outlet_id=origin_outlet.id, origin_journalist_id=origin.id if origin else None,
                       local_outlet_id=outlet.id, local_journalist_id=local.id if local else None,
                       created_by_id=actor(user))
    db.session.add(link)
    db.session.flush()
    audit.record("network.contact_adopted", link, data={"offer_id": offer.id, "origin_office": offer.office.slug,
                                                        "journalist_id": link.local_journalist_id,
                                                        "outlet_id": outlet.id, "linked_existing": duplicate})
    audit.record("network.contact_adopted_by", offer, data={"office": office.slug}, actor_label="system")
    if origin is not None and local is not None:
        _carry_state(office, offer, origin, local)
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
        contacts.set_status(other, source.status, _network_reason(source.status, office))
        audit.record("network.contact_suppressed", other, actor_label="system",
                     data={"from_office": office.slug, "status": source.status})
        changed += 1
    return changed


def network_origin(journalist: Journalist) -> ContactLink | None:
    """The link a journalist copied from the network came through (``None`` for the office's own)."""
    return db.session.scalar(select(ContactLink).where(ContactLink.local_journalist_id == journalist.id).limit(1))


def outlet_origin(outlet: Outlet) -> ContactLink | None:
    """The link an outlet copied from the network came through (``None`` for the office's own)."""
    return db.session.scalar(select(ContactLink).where(ContactLink.local_outlet_id == outlet.id).limit(1))

# What the package (``network.operations``) offers from this module.
__all__ = ["adopt_offer", "contact_status_changed", "is_linked", "linked_group", "network_origin",
    "outlet_origin", "propagate_suppression"]
