"""Outlets: the press agencies journalists work for, and the article domains that recognise their coverage."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.contacts.models import Journalist, JournalistOutletHistory, Outlet
from coordinator.contacts.operations.fields import (
    host_of,
    normalize_website,
    parse_domains,
    parse_kind,
    parse_level,
    parse_present,
    required_name,
)
from coordinator.contacts.operations.rules import drop_from_rules
from coordinator.contacts.text import fold
from coordinator.core import audit
from coordinator.core.errors import Conflict, ValidationError
from coordinator.extensions import db

OUTLET_FIELDS = ("name", "kind", "level", "website", "domains")


def _outlet_values(office_id: int, data: dict, outlet: Outlet | None) -> dict:
    """Validated values for the fields given (every required one when creating); every bad field named."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    creating = outlet is None
    if "name" in data or creating:
        name = required_name(data, "name", errors, max_len=255, missing=_("Tên cơ quan báo chí là bắt buộc."),
                             too_long=_("Tên tối đa 255 ký tự."))
        if name is not None:
            existing = find_outlet_by_name(office_id, name)
            if existing is not None and existing is not outlet:
                errors["name"] = _("Cơ quan báo chí “%(name)s” đã có.", name=existing.name)
            values["name"], values["name_folded"] = name, fold(name)
    for key, parser in (("kind", parse_kind), ("level", parse_level)):
        if key in data or creating:
            if data.get(key) in (None, ""):
                errors[key] = _("Trường này là bắt buộc.")
                continue
            try:
                values[key] = parser(data.get(key))
            except ValidationError as exc:
                errors[key] = exc.fields[key]
    parse_present(data, (("website", normalize_website), ("domains", parse_domains)), values, errors)
    if errors:
        raise ValidationError(errors)
    if values.get("website") and not values.get("domains"):
        # The site's own host recognises its articles unless other domains were given.
        current = [] if "domains" in values or outlet is None else list(outlet.domains or [])
        host = host_of(values["website"])
        if host and host not in current:
            values["domains"] = current + [host]
    return values


def create_outlet(office_id: int, data: dict) -> Outlet:
    values = _outlet_values(office_id, data, None)
    values.setdefault("domains", [])
    outlet = Outlet(office_id=office_id, **values)
    db.session.add(outlet)
    db.session.flush()
    audit.record("outlet.created", outlet, data={"name": outlet.name, "kind": outlet.kind, "level": outlet.level})
    return outlet


def update_outlet(outlet: Outlet, data: dict) -> Outlet:
    """Change the fields given; the audit names each change as ``[old, new]``."""
    values = _outlet_values(outlet.office_id, data, outlet)
    changes = {}
    for key, value in values.items():
        if getattr(outlet, key) != value:
            if key != "name_folded":
                changes[key] = [getattr(outlet, key), value]
            setattr(outlet, key, value)
    if changes:
        db.session.flush()
        audit.record("outlet.updated", outlet, data=changes)
    return outlet


def delete_outlet(outlet: Outlet) -> None:
    """Delete an outlet nobody works or worked for (``Conflict`` otherwise: the history must stay true)."""
    in_use = db.session.scalar(select(func.count(Journalist.id)).where(Journalist.outlet_id == outlet.id))
    in_history = db.session.scalar(select(func.count(JournalistOutletHistory.id))
                                   .where(JournalistOutletHistory.outlet_id == outlet.id))
    if in_use or in_history:
        raise Conflict(_("Không thể xoá “%(name)s”: còn %(n)d nhà báo gắn với cơ quan này (kể cả trong lịch sử "
                         "công tác). Hãy chuyển họ sang cơ quan khác trước.", name=outlet.name,
                         n=max(in_use or 0, in_history or 0)))
    drop_from_rules(outlet.office_id, "outlet_ids", outlet.id)
    audit.record("outlet.deleted", outlet, data={"name": outlet.name})
    db.session.delete(outlet)
    db.session.flush()


def find_outlet_by_name(office_id: int, name: str) -> Outlet | None:
    return db.session.scalar(select(Outlet).where(Outlet.office_id == office_id, Outlet.name_folded == fold(name)))


def outlet_for_url(office_id: int, url: str) -> Outlet | None:
    """The office's outlet whose domains match the URL's host (``www.`` and subdomains allowed);
    the most specific domain wins."""
    host = host_of(url or "")
    if not host:
        return None
    best: tuple[int, Outlet] | None = None
    for outlet in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id).order_by(Outlet.id)):
        for domain in outlet.domains or []:
            domain = str(domain).lower()
            if (host == domain or host.endswith("." + domain)) and (best is None or len(domain) > best[0]):
                best = (len(domain), outlet)
    return best[1] if best else None

# What the package (``contacts.operations``) offers from this module.
__all__ = ["OUTLET_FIELDS", "create_outlet", "delete_outlet", "find_outlet_by_name", "outlet_for_url",
    "update_outlet"]
