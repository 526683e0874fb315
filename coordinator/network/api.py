"""``/api/v1``: the network of offices: trust, connection points (host and point side), shared contacts,
the network report. Another office's object answers 404; the host sees numbers only."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coordinator.api import bp, openapi
from coordinator.api.common import act_on, get_scoped, iso, json_body, office_id, page_args, require
from coordinator.contacts.models import OUTLET_LEVELS, Journalist, Outlet
from coordinator.core import clock
from coordinator.core.errors import NotFound, ValidationError
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.network import operations as ops
from coordinator.network import report as reports
from coordinator.network.models import OFFER_AUDIENCES, POINT_STATUSES, ConnectionPoint, ContactOffer, NetworkTrust
from coordinator.schedule.models import Briefing

TAG = "network"

OFFICE = openapi.schema("NetworkOffice", {
    "type": "object", "required": ["id", "slug", "name"],
    "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
                   "trusted": {"type": "boolean", "description": "this office may invite the caller's office"}}})
TRUST = openapi.schema("NetworkTrust", {
    "type": "object", "required": ["id", "office_id", "office"],
    "properties": {"id": {"type": "integer"}, "office_id": {"type": "integer"}, "office": {"type": "string"},
                   "created_at": {"type": "string", "format": "date-time"}}})
POINT = openapi.schema("ConnectionPoint", {
    "type": "object",
    "required": ["id", "office_id", "office", "status", "invited", "accepted", "attended", "coverage"],
    "properties": {"id": {"type": "integer"}, "host_briefing_id": {"type": "integer"},
                   "office_id": {"type": "integer"}, "office": {"type": "string"},
                   "status": {"enum": list(POINT_STATUSES)}, "invited": {"type": "integer"},
                   "accepted": {"type": "integer"}, "attended": {"type": "integer"}, "coverage": {"type": "integer"}}})
RECEIVED = openapi.schema("ReceivedConnectionPoint", {
    "type": "object", "required": ["id", "host_office", "title", "start", "end", "status"],
    "properties": {"id": {"type": "integer"}, "host_office": {"type": "string"}, "title": {"type": "string"},
                   "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
                   "online_url": {"type": ["string", "null"]}, "status": {"enum": list(POINT_STATUSES)},
                   "local_briefing_id": {"type": ["integer", "null"]}}})
OFFER = openapi.schema("ContactOffer", {
    "type": "object", "required": ["id", "outlet", "level", "status"],
    "properties": {"id": {"type": "integer"}, "office": {"type": "string"}, "outlet": {"type": "string"},
                   "outlet_id": {"type": ["integer", "null"]}, "journalist_id": {"type": ["integer", "null"]},
                   "full_name": {"type": ["string", "null"]}, "level": {"enum": list(OUTLET_LEVELS)},
                   "beats": {"type": "array", "items": {"type": "string"}}, "status": {"enum": ["active", "withdrawn"]},
                   "audience": {"enum": list(OFFER_AUDIENCES)},
                   "office_ids": {"type": "array", "items": {"type": "integer"}},
                   "adopted": {"type": "boolean"}}})
LINK = openapi.schema("ContactLink", {
    "type": "object", "required": ["id", "offer_id", "outlet_id"],
    "properties": {"id": {"type": "integer"}, "offer_id": {"type": "integer"},
                   "outlet_id": {"type": ["integer", "null"]},
                   "journalist_id": {"type": ["integer", "null"]}, "origin_office": {"type": "string"}}})
REPORT_ITEM = openapi.schema("NetworkReportItem", {
    "type": "object", "required": ["office_id", "office", "host", "level", "invited", "attended", "coverage"],
    "properties": {"office_id": {"type": "integer"}, "office": {"type": "string"}, "host": {"type": "boolean"},
                   "level": {"enum": list(OUTLET_LEVELS)}, "invited": {"type": "integer"},
                   "attended": {"type": "integer"}, "coverage": {"type": "integer"}}})
ID_BODY = {"type": "object", "required": ["office_id"], "properties": {"office_id": openapi.ID}}

openapi.operation("/network/offices", "get", tag=TAG, summary="The other offices of the network",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(OFFICE))})
openapi.operation("/network/trust", "get", tag=TAG, summary="Offices that may invite this office as a point",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(TRUST))})
openapi.operation("/network/trust", "post", tag=TAG, summary="Let an office invite this one as a point (admins)",
                  request_body=openapi.json_request(ID_BODY),
                  responses={"201": openapi.json_response(TRUST, "Created")})
openapi.operation("/network/trust/{trust_id}", "delete", tag=TAG, summary="Withdraw that permission (admins)",
                  responses={"204": {"description": "Removed"}})
openapi.operation("/briefings/{briefing_id}/points", "get", tag=TAG,
                  summary="The briefing's connection points: per point invited, accepted, attended, coverage "
                          "(numbers only)",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(POINT))})
openapi.operation("/briefings/{briefing_id}/points", "post", tag=TAG,
                  summary="Invite an office as a connection point (refused unless it trusts this office)",
                  request_body=openapi.json_request({"type": "object", "required": ["office_id"], "properties": {
                      "office_id": openapi.ID, "note": openapi.text(2000, min_stripped=0)}}),
                  responses={"201": openapi.json_response(POINT, "Created")})
openapi.operation("/network/points/{point_id}/withdraw", "post", tag=TAG,
                  summary="Host: withdraw a point (its local briefing is cancelled the normal way)",
                  responses={"200": openapi.json_response(POINT)})
openapi.operation("/network/invitations", "get", tag=TAG, summary="Invitations to be a connection point",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(RECEIVED))})
openapi.operation("/network/invitations/{point_id}/accept", "post", tag=TAG,
                  summary="Point: accept; a local briefing is created with this audience and invited the normal way",
                  request_body=openapi.json_request({"type": "object", "required": ["audience"], "properties": {
                      "audience": {"type": "object"}, "venue": openapi.text(500, min_stripped=0)}}),
                  responses={"200": openapi.json_response(RECEIVED)})
openapi.operation("/network/invitations/{point_id}/decline", "post", tag=TAG, summary="Point: decline",
                  request_body=openapi.json_request({"type": "object", "properties": {
                      "reason": openapi.text(500, min_stripped=0)}}),
                  responses={"200": openapi.json_response(RECEIVED)})
openapi.operation("/network/offers", "get", tag=TAG, summary="Contacts this office shares with the network",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(OFFER))})
openapi.operation("/network/offers", "post", tag=TAG,
                  summary="Share journalists and/or outlets (admins). audience: chosen (office_ids), trusted "
                          "(the offices this office trusts; the default without office_ids) or all (every office)",
                  request_body=openapi.json_request({"type": "object", "properties": {
                      "journalist_ids": {"type": "array", "items": openapi.ID},
                      "outlet_ids": {"type": "array", "items": openapi.ID},
                      "office_ids": {"type": "array", "items": openapi.ID},
                      "audience": {"enum": list(OFFER_AUDIENCES)},
                      "note": openapi.text(1000, min_stripped=0)}}),
                  responses={"201": openapi.json_response({"type": "object", "required": ["items"], "properties": {
                      "items": {"type": "array", "items": OFFER}}}, "Created")})
openapi.operation("/network/offers/{offer_id}/withdraw", "post", tag=TAG,
                  summary="Stop sharing (copies already made stay)", responses={"200": openapi.json_response(OFFER)})
openapi.operation("/network/directory", "get", tag=TAG, summary="Contacts other offices share with this one",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(OFFER))})
openapi.operation("/network/directory/{offer_id}/adopt", "post", tag=TAG,
                  summary="Add a shared contact to this office's contacts (a same-email contact is linked)",
                  responses={"201": openapi.json_response(LINK, "Created")})
openapi.operation("/reports/network", "get", tag="reports",
                  summary="Attendance and coverage per connection point and outlet level, for one multi-point "
                          "briefing or the host's multi-point briefings in a period",
                  parameters=[{"name": "briefing_id", "in": "query", "schema": {"type": "integer"}},
                              {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                              {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                              *openapi.PAGE_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of(REPORT_ITEM))})


def _page(items: list) -> tuple:
    page, per_page = page_args()
    start = (page - 1) * per_page
    return jsonify({"items": items[start:start + per_page], "total": len(items), "page": page, "per_page": per_page})


def _user():
    return g.api_user


def point_json(row: dict, host_briefing_id: int) -> dict:
    return {"id": row["point_id"], "host_briefing_id": host_briefing_id, "office_id": row["office_id"],
            "office": row["office"], "status": row["status"], "invited": row["invited"], "accepted": row["accepted"],
            "attended": row["attended"], "coverage": row["coverage"]}


def received_json(point: ConnectionPoint) -> dict:
    host = point.host_briefing
    return {"id": point.id, "host_office": point.host_office.name, "title": host.effective_title,
            "start": iso(host.start), "end": iso(host.end), "online_url": host.effective_online_url,
            "status": point.status, "local_briefing_id": point.local_briefing_id}


def offer_json(offer: ContactOffer, adopted: set[int] | None = None) -> dict:
    outlet = db.session.get(Outlet, offer.outlet_id)
    journalist = db.session.get(Journalist, offer.journalist_id) if offer.journalist_id else None
    return {"id": offer.id, "office": offer.office.name, "outlet": outlet.name, "outlet_id": outlet.id,
            "journalist_id": journalist.id if journalist else None,
            "full_name": journalist.full_name if journalist else None, "level": outlet.level,
            "beats": [b.name for b in journalist.beats] if journalist else [], "status": offer.status,
            "audience": offer.audience, "office_ids": list(offer.office_ids or []),
            "adopted": offer.id in (adopted or set())}


def trust_json(row: NetworkTrust) -> dict:
    return {"id": row.id, "office_id": row.trusted_office_id, "office": row.trusted_office.name,
            "created_at": iso(row.created_at)}


def _point_json(point: ConnectionPoint) -> dict:
    """A host's point with its numbers (from the briefing's point summary)."""
    row = next(r for r in reports.point_summary(point.host_briefing) if r["point_id"] == point.id)
    return point_json(row, point.host_briefing_id)


def _optional_text(data: dict, key: str, message: str) -> str | None:
    """``data[key]`` as given (``None`` when absent); anything but text is refused with ``message``."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationError({key: message})
    return value


def _received(point_id: int) -> ConnectionPoint:
    """A point this office was invited to be; anything else is a 404."""
    point = db.session.get(ConnectionPoint, point_id) if parse_id(point_id) is not None else None
    if point is None or point.point_office_id != office_id():
        raise NotFound(_("Không tìm thấy."))
    return point


# --- offices and trust ---------------------------------------------------------------------------------

@bp.get("/network/offices")
def network_offices() -> ResponseReturnValue:
    trusted = {t.trusted_office_id for t in ops.trusts_of(office_id())}
    return _page([{"id": o.id, "slug": o.slug, "name": o.name, "trusted": o.id in trusted}
                  for o in ops.network_offices(office_id())])


@bp.get("/network/trust")
def list_trust() -> ResponseReturnValue:
    return _page([trust_json(t) for t in ops.trusts_of(office_id())])


@bp.post("/network/trust")
def create_trust() -> ResponseReturnValue:
    require("manage_office")
    row = ops.add_trust(g.office, json_body().get("office_id"), _user())
    return jsonify(trust_json(row)), 201


@bp.delete("/network/trust/<int:trust_id>")
def delete_trust(trust_id: int) -> ResponseReturnValue:
    return act_on(NetworkTrust, trust_id, lambda row: ops.remove_trust(row, _user()), action="manage_office")


# --- host side -------------------------------------------------------------------------------------------

@bp.get("/briefings/<int:briefing_id>/points")
def list_points(briefing_id: int) -> ResponseReturnValue:
    briefing = get_scoped(Briefing, briefing_id)
    return _page([point_json(r, briefing.id) for r in reports.point_summary(briefing)[1:]])


@bp.post("/briefings/<int:briefing_id>/points")
def create_point(briefing_id: int) -> ResponseReturnValue:
    briefing = get_scoped(Briefing, briefing_id)
    require("edit")
    data = json_body()
    note = _optional_text(data, "note", _("Lời nhắn phải là văn bản."))
    point = ops.invite_point(briefing, data.get("office_id"), _user(), note)
    return jsonify(_point_json(point)), 201


@bp.post("/network/points/<int:point_id>/withdraw")
def withdraw_point(point_id: int) -> ResponseReturnValue:
    return act_on(ConnectionPoint, point_id, lambda point: ops.withdraw_point(point, _user()), _point_json)


# --- point side ------------------------------------------------------------------------------------------

@bp.get("/network/invitations")
def list_received() -> ResponseReturnValue:
    return _page([received_json(p) for p in ops.received_points(office_id())])


@bp.post("/network/invitations/<int:point_id>/accept")
def accept_point(point_id: int) -> ResponseReturnValue:
    point = _received(point_id)
    require("edit")
    data = json_body()
    audience = data.get("audience")
    if not isinstance(audience, dict) or not any(audience.get(k) for k in ("list_ids", "beats", "outlet_ids",
                                                                            "journalist_ids")):
        raise ValidationError({"audience": _("Hãy chọn ít nhất một danh sách hoặc một cơ quan báo chí để mời.")})
    venue = _optional_text(data, "venue", _("Địa điểm phải là văn bản."))
    ops.accept_point(point, _user(), audience, venue)
    return jsonify(received_json(point))


@bp.post("/network/invitations/<int:point_id>/decline")
def decline_point(point_id: int) -> ResponseReturnValue:
    point = _received(point_id)
    require("edit")
    data = json_body() if request.get_data() else {}
    reason = _optional_text(data, "reason", _("Lý do phải là văn bản."))
    ops.decline_point(point, _user(), reason)
    return jsonify(received_json(point))


# --- shared contacts -------------------------------------------------------------------------------------

def _id_list(data: dict, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise ValidationError({key: _("%(name)s phải là danh sách số nguyên.", name=key)})
    return value


@bp.get("/network/offers")
def list_offers() -> ResponseReturnValue:
    return _page([offer_json(o) for o in ops.offers_of(office_id())])


@bp.post("/network/offers")
def create_offers() -> ResponseReturnValue:
    require("manage_office")
    data = json_body()
    note = _optional_text(data, "note", _("Ghi chú phải là văn bản."))
    created = ops.offer_contacts(g.office, _user(), journalist_ids=_id_list(data, "journalist_ids"),
                                 outlet_ids=_id_list(data, "outlet_ids"), office_ids=_id_list(data, "office_ids"),
                                 audience=data.get("audience"), note=note)
    return jsonify({"items": [offer_json(o) for o in created]}), 201


@bp.post("/network/offers/<int:offer_id>/withdraw")
def withdraw_offer(offer_id: int) -> ResponseReturnValue:
    return act_on(ContactOffer, offer_id, lambda offer: ops.withdraw_offer(offer, _user()), offer_json,
                  action="manage_office")


@bp.get("/network/directory")
def list_directory() -> ResponseReturnValue:
    adopted = ops.adopted_offer_ids(office_id())
    return _page([offer_json(o, adopted) for o in ops.directory(office_id())])


@bp.post("/network/directory/<int:offer_id>/adopt")
def adopt_offer(offer_id: int) -> ResponseReturnValue:
    offer = ops.offer_for(office_id(), offer_id)
    require("edit")
    link = ops.adopt_offer(g.office, offer, _user())
    return jsonify({"id": link.id, "offer_id": link.offer_id, "outlet_id": link.local_outlet_id,
                    "journalist_id": link.local_journalist_id, "origin_office": link.origin_office.name}), 201


# --- report ----------------------------------------------------------------------------------------------

def _date_arg(name: str, default: date, errors: dict) -> date:
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Ngày không hợp lệ (YYYY-MM-DD).")
        return default


@bp.get("/reports/network")
def network_report() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    raw = request.args.get("briefing_id")
    if raw:
        briefing_id = parse_id(raw)
        if briefing_id is None:
            raise ValidationError({"briefing_id": _("briefing_id phải là số nguyên.")})
        briefings = [get_scoped(Briefing, briefing_id)]
    else:
        today = clock.today(g.office.timezone)
        day_from = _date_arg("from", date(today.year, 1, 1), errors)
        day_to = _date_arg("to", today, errors)
        if not errors and day_to < day_from:
            errors["to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        if not errors and (day_from.year < 1900 or day_to.year > 9000):
            errors["from"] = _("Ngày không hợp lệ (YYYY-MM-DD).")
        if errors:
            raise ValidationError(errors)
        briefings = reports.host_briefings(office_id(), day_from, day_to, g.office.timezone)
    data = reports.network_report(office_id(), briefings)
    return _page(data["items"])
