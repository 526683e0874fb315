"""Journalists' pages (signed links, no password) and the staff page of a briefing's invitations."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coordinator.core import audit
from coordinator.core.tenancy import get_or_404
from coordinator.extensions import db, limiter
from coordinator.invitations import messages
from coordinator.invitations.models import RSVP_STATES, Invitation
from coordinator.invitations.operations import (
    effective_rsvp,
    invitations_of,
    rsvps_for_briefing,
    set_rsvp,
    target_of,
)
from coordinator.invitations.tokens import invitation_from_token, speak_to
from coordinator.mail.models import Delivery, FanOut
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing, Series
from coordinator.users.permissions import can, require

bp = Blueprint("invitations", __name__)

ANSWERS = ("accepted", "tentative", "declined")


def _invitation_or_410(token: str) -> Invitation:
    invitation = invitation_from_token(token)
    if invitation is None:
        abort(410)
    speak_to(invitation.journalist)
    return invitation


def _briefing_for(invitation: Invitation) -> Briefing | None:
    """The briefing the page is about: the ad hoc one, or the series' next (or a chosen) occurrence."""
    from coordinator.core import clock

    if invitation.briefing_id is not None:
        return db.session.get(Briefing, invitation.briefing_id)
    chosen = request.args.get("b", type=int)
    if chosen:
        briefing = db.session.get(Briefing, chosen)
        if briefing is not None and briefing.series_id == invitation.series_id:
            return briefing
    return db.session.scalar(db.select(Briefing).where(Briefing.series_id == invitation.series_id,
                                                       Briefing.end >= clock.now(),
                                                       Briefing.status != "cancelled").order_by(Briefing.start))


@bp.get("/i/<token>")
def invitation_page(token: str):
    invitation = _invitation_or_410(token)
    briefing = _briefing_for(invitation)
    series = db.session.get(Series, invitation.series_id) if invitation.series_id else None
    office = db.session.get(Office, invitation.office_id)
    return render_template("invitations/invitation.html", invitation=invitation, briefing=briefing, series=series,
                           office=office, token=token, links=messages.links(invitation),
                           rsvp=effective_rsvp(invitation), answers=ANSWERS)


@bp.get("/i/<token>/rsvp/<answer>")
@limiter.limit("60 per minute")
def rsvp_link(token: str, answer: str):
    """One click from the mail records the answer for the whole invitation (no login)."""
    invitation = _invitation_or_410(token)
    if answer not in ANSWERS:
        abort(404)
    if invitation.rsvp != answer:
        set_rsvp(invitation, answer, source="link", actor_label=invitation.journalist.email)
    flash(_("Đã ghi nhận câu trả lời của bạn. Cảm ơn!"), "success")
    return redirect(url_for("invitations.invitation_page", token=token))


@bp.post("/i/<token>/rsvp")
@limiter.limit("60 per minute")
def rsvp_form(token: str):
    invitation = _invitation_or_410(token)
    answer = request.form.get("answer", "")
    if answer not in ANSWERS:
        flash(_("Vui lòng chọn một câu trả lời."), "error")
    else:
        set_rsvp(invitation, answer, source="link", actor_label=invitation.journalist.email,
                 note=request.form.get("note"))
        flash(_("Đã ghi nhận câu trả lời của bạn. Cảm ơn!"), "success")
    return redirect(url_for("invitations.invitation_page", token=token))


@bp.get("/i/<token>/qr.png")
def qr_code(token: str):
    invitation = _invitation_or_410(token)
    return Response(messages.qr_png(messages.checkin_url(invitation)), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.get("/c/<token>")
def checkin_qr_target(token: str):
    """What the check-in QR code holds. Staff scan it with the check-in page; anyone else who
    opens it lands on the invitation."""
    _invitation_or_410(token)
    return redirect(url_for("invitations.invitation_page", token=token))


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
    fan_outs = list(db.session.scalars(db.select(FanOut).where(
        FanOut.office_id == briefing.office_id,
        db.or_(FanOut.briefing_id == briefing.id,
               FanOut.series_id == briefing.series_id if briefing.series_id else db.false()))
        .order_by(FanOut.started_at.desc()).limit(10)))
    counts = {state: sum(1 for inv in invitations if not inv.cancelled_at and answers.get(inv.journalist_id) == state)
              for state in RSVP_STATES}
    return render_template("invitations/staff_list.html", briefing=briefing, invitations=invitations,
                           answers=answers, deliveries=deliveries, fan_outs=fan_outs, counts=counts,
                           can_record=can(current_user, "edit"), answer_choices=RSVP_STATES)


@bp.get("/schedule/briefings/<int:briefing_id>/progress.json")
@require("read")
def fan_out_progress(briefing_id: int):
    briefing = get_or_404(Briefing, briefing_id)
    rows = db.session.scalars(db.select(FanOut).where(
        FanOut.office_id == briefing.office_id,
        db.or_(FanOut.briefing_id == briefing.id,
               FanOut.series_id == briefing.series_id if briefing.series_id else db.false()))
        .order_by(FanOut.started_at.desc()).limit(10))
    return jsonify([{"id": f.id, "purpose": f.purpose, "label": f.label, "total": f.total, "sent": f.sent,
                     "failed": f.failed, "suppressed": f.suppressed, "pending": f.pending,
                     "done": f.finished_at is not None, "resumes": f.resumes or 0} for f in rows])


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
