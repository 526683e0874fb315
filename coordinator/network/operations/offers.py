"""Contacts shared with the network: an office offers journalists (with their outlet) and outlets to every
office or to chosen ones, withdraws offers, and sees the offers others make to it (the directory)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.operations.consent import may_share
from coordinator.core import audit, clock
from coordinator.core.errors import Conflict, Forbidden, NotFound, ValidationError
from coordinator.core.permissions import can
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.network.models import OFFER_AUDIENCES, ContactLink, ContactOffer, NetworkTrust
from coordinator.network.operations.common import actor, chosen_id, other_office
from coordinator.offices.models import Office


def offers_of(office_id: int, *, active_only: bool = False) -> list[ContactOffer]:
    """This office's offers, newest first."""
    query = select(ContactOffer).where(ContactOffer.office_id == office_id)
    if active_only:
        query = query.where(ContactOffer.status == "active")
    return list(db.session.scalars(query.order_by(ContactOffer.created_at.desc(), ContactOffer.id.desc())))


def _office_ids(office_id: int, values: Any) -> list[int]:
    """The offices chosen for an offer (possibly none)."""
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        raise ValidationError({"office_ids": _("Danh sách văn phòng không hợp lệ.")})
    return sorted({other_office(office_id, value, "office_ids").id for value in values})


def _audience(audience: Any, office_ids: list[int]) -> str:
    """Who an offer is made to. Chosen offices if any were chosen; otherwise the offices this office trusts,
    unless "all" (every office of the network, trusted or not) is asked for explicitly."""
    if audience in (None, ""):
        return "chosen" if office_ids else "trusted"
    if audience not in OFFER_AUDIENCES:
        raise ValidationError({"audience": _("Hãy chọn: các văn phòng được chọn, các văn phòng tin cậy hoặc "
                                             "tất cả các văn phòng.")})
    if audience == "chosen" and not office_ids:
        raise ValidationError({"office_ids": _("Hãy chọn ít nhất một văn phòng.")})
    if audience != "chosen" and office_ids:
        raise ValidationError({"office_ids": _("Chỉ chọn văn phòng khi chia sẻ với các văn phòng được chọn.")})
    return audience


def _own_rows(model: type, values: Any, field: str, office_id: int, errors: dict[str, str], missing: str,
              refuse: Callable[[Any], str | None] | None = None) -> list:
    """The office's own rows with these ids; a bad id, another office's row or one ``refuse`` names a reason
    for goes into ``errors`` under ``field`` (the last one found is reported)."""
    rows = []
    for value in values or []:
        try:
            row = db.session.get(model, chosen_id(value, field))
        except ValidationError as exc:
            errors.update(exc.fields)
            continue
        if row is None or row.office_id != office_id:
            errors[field] = missing
        elif refuse is not None and (reason := refuse(row)):
            errors[field] = reason
        else:
            rows.append(row)
    return rows


def _archived(journalist: Journalist) -> str | None:
    """Why this journalist cannot be offered: archived, or they have not agreed to be shared themselves
    (the office's wish to share is not enough: Law 91/2025/QH15)."""
    if journalist.status == "archived":
        return _("Không chia sẻ được nhà báo đã lưu trữ.")
    if not may_share(journalist):
        return _("%(name)s chưa đồng ý được chia sẻ với mạng lưới.", name=journalist.full_name)
    return None


def _offer_input(office: Office, journalist_ids: Any, outlet_ids: Any, office_ids: Any,
                 audience: Any = None) -> tuple[list[Journalist], list[Outlet], list[int], str]:
    """What an offer is made of, every bad field reported at once before anything is written."""
    errors: dict[str, str] = {}
    journalists = _own_rows(Journalist, journalist_ids, "journalist_ids", office.id, errors,
                            _("Không tìm thấy nhà báo này trong danh bạ của văn phòng."), _archived)
    outlets = _own_rows(Outlet, outlet_ids, "outlet_ids", office.id, errors,
                        _("Không tìm thấy cơ quan báo chí này trong danh bạ của văn phòng."))
    chosen: list[int] = []
    kind = "chosen"
    try:
        chosen = _office_ids(office.id, office_ids)
        kind = _audience(audience, chosen)
    except ValidationError as exc:
        errors.update(exc.fields)
    if not errors and not journalists and not outlets:
        errors["journalist_ids"] = _("Hãy chọn ít nhất một nhà báo hoặc một cơ quan báo chí để chia sẻ.")
    if errors:
        raise ValidationError(errors)
    return journalists, outlets, chosen, kind


def offer_contacts(office: Office, user: Any, *, journalist_ids: Any = None, outlet_ids: Any = None,
                   office_ids: Any = None, audience: Any = None, note: str | None = None) -> list[ContactOffer]:
    """Offer journalists (with their outlet) and/or outlets to chosen offices, to the offices this office
    trusts (the default) or, asked for explicitly, to every office; what is already on offer is not
    offered twice."""
    if not can(user, "manage_office"):
        raise Forbidden(_("Chỉ quản trị viên được chia sẻ danh bạ với mạng lưới."))
    journalists, outlets, chosen, kind = _offer_input(office, journalist_ids, outlet_ids, office_ids, audience)
    note = (note or "").strip()[:1000] or None
    active = offers_of(office.id, active_only=True)
    offered_j = {o.journalist_id for o in active if o.journalist_id}
    offered_o = {o.outlet_id for o in active if o.journalist_id is None}
    created = []
    for journalist in journalists:
        if journalist.id not in offered_j:
            created.append(ContactOffer(office_id=office.id, outlet_id=journalist.outlet_id,
                                        journalist_id=journalist.id, audience=kind, office_ids=chosen, note=note,
                                        created_by_id=actor(user)))
            offered_j.add(journalist.id)
    for outlet in outlets:
        if outlet.id not in offered_o:
            created.append(ContactOffer(office_id=office.id, outlet_id=outlet.id, journalist_id=None,
                                        audience=kind, office_ids=chosen, note=note, created_by_id=actor(user)))
            offered_o.add(outlet.id)
    if not created:
        raise ValidationError({"journalist_ids": _("Những mục đã chọn đều đang được chia sẻ.")})
    db.session.add_all(created)
    db.session.flush()
    for offer in created:
        audit.record("network.contact_offered", offer, data={"journalist_id": offer.journalist_id,
                                                             "outlet_id": offer.outlet_id, "audience": kind,
                                                             "office_ids": chosen})
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


def _trusting(office_id: int) -> set[int]:
    """The offices that trust ``office_id`` (their offers to "trusted offices" reach it)."""
    return set(db.session.scalars(select(NetworkTrust.office_id).where(NetworkTrust.trusted_office_id == office_id)))


def visible_to(offer: ContactOffer, office_id: int, trusting: set[int] | None = None) -> bool:
    """Active, another office's, and made to every office, to this office, or to the offices its maker
    trusts while it trusts this one."""
    if offer.status != "active" or offer.office_id == office_id:
        return False
    if offer.audience == "all":
        return True
    if offer.audience == "trusted":
        return offer.office_id in (trusting if trusting is not None else _trusting(office_id))
    return office_id in (offer.office_ids or [])


def directory(office_id: int) -> list[ContactOffer]:
    """Offers other offices make to this one (active only), newest first."""
    rows = db.session.scalars(select(ContactOffer).where(ContactOffer.office_id != office_id,
                                                         ContactOffer.status == "active")
                              .order_by(ContactOffer.created_at.desc(), ContactOffer.id.desc()))
    trusting = _trusting(office_id)
    return [row for row in rows if visible_to(row, office_id, trusting)]


def offer_for(office_id: int, offer_id: int) -> ContactOffer:
    """An offer this office may see in the directory; anything else is a 404."""
    offer = db.session.get(ContactOffer, offer_id) if parse_id(offer_id) is not None else None
    if offer is None or not visible_to(offer, office_id):
        raise NotFound(_("Không tìm thấy."))
    return offer


def adopted_offer_ids(office_id: int) -> set[int]:
    """Offers this office has already copied into its contacts."""
    return set(db.session.scalars(select(ContactLink.offer_id).where(ContactLink.office_id == office_id,
                                                                     ContactLink.offer_id.is_not(None))))


def shared_offer(office_id: int, *, journalist_id: int | None = None, outlet_id: int | None = None) -> bool:
    """Whether this office has an active offer of that journalist (or of that outlet on its own)."""
    query = select(ContactOffer.id).where(ContactOffer.office_id == office_id, ContactOffer.status == "active")
    if journalist_id is not None:
        query = query.where(ContactOffer.journalist_id == journalist_id)
    else:
        query = query.where(ContactOffer.outlet_id == outlet_id, ContactOffer.journalist_id.is_(None))
    return db.session.scalar(query.limit(1)) is not None

# What the package (``network.operations``) offers from this module.
__all__ = ["adopted_offer_ids", "directory", "offer_contacts", "offer_for", "offers_of", "shared_offer",
    "visible_to", "withdraw_offer"]
