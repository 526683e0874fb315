"""The staff page of a briefing's invitations (the journalists' own pages are in ``coordinator.portal``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coordinator.core import audit
from coordinator.core.ids import parse_id
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.invitations import progress
from coordinator.invitations.audience_summary import AudienceSummary, summarise
from coordinator.invitations.models import RSVP_STATES, Invitation
from coordinator.invitations.operations import (
    invitations_of,
    rsvps_for_briefing,
    set_rsvp,
    target_of,
)
from coordinator.mail.models import Delivery
from coordinator.schedule.models import Briefing

bp = Blueprint("invitations", __name__)


@bp.app_context_processor
def _mailing_helpers() -> dict:
    """``briefing_mailing(briefing)`` for the schedule's pages, which show a briefing's mail going out."""
    def audience_summary(audience: dict | None) -> AudienceSummary:
        return summarise(current_office_id(), audience)

    return {"briefing_mailing": progress.progress_of, "audience_summary": audience_summary}


@bp.get("/schedule/audience/summary")
@require("read")
def audience_summary_card():
    """Who the audience ticked on a briefing or series form reaches, refreshed as the boxes change."""
    audience = {"list_ids": [i for i in map(parse_id, request.args.getlist("list_ids")) if i is not None],
                "outlet_ids": [i for i in map(parse_id, request.args.getlist("outlet_ids")) if i is not None],
                "beats": [b for b in request.args.getlist("beats") if b][:200]}
    audience = {key: values[:500] for key, values in audience.items()}
    return render_template("invitations/_audience_summary.html", summary=summarise(current_office_id(), audience))

# --- staff --------------------------------------------------------------------------------------------

@bp.get("/schedule/briefings/<int:briefing_id>/invitations")
@require("read")
def briefing_invitations(briefing_id: int):
    briefing = get_or_404(Briefing, briefing_id)
    target = target_of(briefing)
    invitations = invitations_of(target, include_cancelled=True)
    answers = rsvps_for_briefing(briefing)
    deliveries = {d.id: d for d in db.session.scalars(db.select(Delivery).where(
        Delivery.id.in_([inv.last_delivery_id for inv in invitations if inv.last_delivery_id])))}
    counts = {state: sum(1 for inv in invitations if not inv.cancelled_at and answers.get(inv.journalist_id) == state)
              for state in RSVP_STATES}
    return render_template("invitations/staff_list.html", briefing=briefing, invitations=invitations,
                           answers=answers, deliveries=deliveries, counts=counts,
                           progress=progress.progress_of(briefing),
                           can_record=can(current_user, "edit"), answer_choices=RSVP_STATES)


@bp.get("/schedule/briefings/<int:briefing_id>/progress.json")
@require("read")
def fan_out_progress(briefing_id: int):
    briefing = get_or_404(Briefing, briefing_id)
    state = progress.progress_of(briefing)
    return jsonify([{"id": f.id, "purpose": f.purpose, "label": f.label, "total": f.total, "sent": f.sent,
                     "failed": f.failed, "suppressed": f.suppressed, "pending": f.pending,
                     "done": f.finished_at is not None, "resumes": f.resumes or 0} for f in state.fan_outs])


@bp.get("/schedule/briefings/<int:briefing_id>/progress")
@require("read")
def fan_out_progress_card(briefing_id: int):
    """The mailing card alone, for pages that refresh it while the briefing's mail goes out."""
    briefing = get_or_404(Briefing, briefing_id)
    return render_template("invitations/_progress.html", briefing=briefing, progress=progress.progress_of(briefing))


@bp.post("/schedule/briefings/<int:briefing_id>/invitations/<int:invitation_id>/rsvp")
@require("edit")
def record_rsvp(briefing_id: int, invitation_id: int):
    """Staff record an answer given by phone, on the journalist's behalf (audit-logged)."""
    briefing = get_or_404(Briefing, briefing_id)
    invitation = get_or_404(Invitation, invitation_id)
    target = target_of(briefing)
    if (invitation.series_id or invitation.briefing_id) != target.id:
        abort(404)
    answer = request.form.get("answer", "")
    scope = request.form.get("scope", "all")
    if answer not in RSVP_STATES:
        flash(_("Câu trả lời không hợp lệ."), "error")
    else:
        set_rsvp(invitation, answer, source="staff", briefing=briefing if scope == "this" else None,
                 note=request.form.get("note"))
        audit.record("invitation.rsvp_by_staff", invitation,
                     data={"answer": answer, "briefing_id": briefing.id, "scope": scope})
        flash(_("Đã ghi nhận câu trả lời của %(name)s.", name=invitation.journalist.full_name), "success")
    return redirect(url_for("invitations.briefing_invitations", briefing_id=briefing.id))
