"""``/api/v1/briefings/ID/invitations``: who is invited, their answer, their mail, their presence."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, json_body, page_args, require
from coordinator.core import signals
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.invitations.models import RSVP_STATES, Invitation
from coordinator.invitations.operations import invitations_of, rsvps_for_briefing, set_rsvp, target_of
from coordinator.mail.models import Delivery
from coordinator.schedule.models import Briefing

INVITATION = openapi.schema("Invitation", {
    "type": "object",
    "required": ["journalist_id", "rsvp", "delivery_state", "attended"],
    "properties": {
        "id": {"type": "integer"},
        "journalist_id": {"type": "integer"},
        "full_name": {"type": "string"},
        "rsvp": {"enum": list(RSVP_STATES)},
        "delivery_state": {"type": ["string", "null"],
                           "description": "queued, sending, sent, failed, suppressed; then the provider's "
                                          "latest word (delivered, open, bounce...) when known"},
        "attended": {"type": "boolean"},
        "checkin_code": {"type": "string"},
    },
})
openapi.operation("/briefings/{briefing_id}/invitations", "get", summary="Invitations of a briefing",
                  tag="invitations", parameters=openapi.PAGE_PARAMS,
                  responses={"200": openapi.json_response(openapi.page_of(INVITATION))})
openapi.operation("/briefings/{briefing_id}/invitations/{invitation_id}/rsvp", "post",
                  summary="Record an answer on the journalist's behalf (a phone call)", tag="invitations",
                  request_body=openapi.json_request({"type": "object", "required": ["rsvp"], "properties": {
                      "rsvp": {"enum": list(RSVP_STATES)}, "scope": {"enum": ["this", "all"]},
                      "note": {"type": "string"}}}),
                  responses={"200": openapi.json_response(INVITATION)})


def _delivery_state(delivery: Delivery | None) -> str | None:
    if delivery is None:
        return None
    return delivery.provider_state or delivery.state


def _serialize(invitation: Invitation, rsvp: str, delivery: Delivery | None, attended: bool) -> dict:
    return {"id": invitation.id, "journalist_id": invitation.journalist_id,
            "full_name": invitation.journalist.full_name, "rsvp": rsvp,
            "delivery_state": _delivery_state(delivery), "attended": attended,
            "checkin_code": invitation.checkin_code}


@bp.get("/briefings/<int:briefing_id>/invitations")
def list_invitations(briefing_id: int):
    briefing = get_scoped(Briefing, briefing_id)
    page, per_page = page_args()
    invitations = invitations_of(target_of(briefing))
    total = len(invitations)
    rows = invitations[(page - 1) * per_page: page * per_page]
    answers = rsvps_for_briefing(briefing)
    deliveries = {d.id: d for d in db.session.scalars(db.select(Delivery).where(
        Delivery.id.in_([inv.last_delivery_id for inv in rows if inv.last_delivery_id])))}
    present = signals.attended_journalists(briefing)
    items = [_serialize(inv, answers.get(inv.journalist_id, inv.rsvp), deliveries.get(inv.last_delivery_id),
                        inv.journalist_id in present) for inv in rows]
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page})


@bp.post("/briefings/<int:briefing_id>/invitations/<int:invitation_id>/rsvp")
def record_rsvp_api(briefing_id: int, invitation_id: int):
    require("edit")
    briefing = get_scoped(Briefing, briefing_id)
    invitation = get_scoped(Invitation, invitation_id)
    if (invitation.series_id or invitation.briefing_id) != target_of(briefing).id:
        raise ValidationError({"invitation_id": _("Lời mời không thuộc buổi họp báo này.")})
    data = json_body()
    scope = data.get("scope", "all")
    if scope not in ("this", "all"):
        raise ValidationError({"scope": _("scope phải là 'this' hoặc 'all'.")})
    set_rsvp(invitation, str(data.get("rsvp", "")), source="staff",
             briefing=briefing if scope == "this" else None, note=data.get("note"))
    answers = rsvps_for_briefing(briefing)
    delivery = db.session.get(Delivery, invitation.last_delivery_id) if invitation.last_delivery_id else None
    return jsonify(_serialize(invitation, answers.get(invitation.journalist_id, invitation.rsvp), delivery,
                              invitation.journalist_id in signals.attended_journalists(briefing)))
