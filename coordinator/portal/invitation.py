"""A journalist's own pages, reached by the signed links in their mail (no password): the invitation and
its answer, online self check-in, the question form; and staff at the door opening a check-in QR code's URL.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coordinator.attendance import operations as ops
from coordinator.attendance.forms import QuestionForm
from coordinator.core import clock, uow
from coordinator.core.errors import DomainError, ValidationError
from coordinator.core.permissions import can
from coordinator.core.qr import qr_png
from coordinator.extensions import db, limiter
from coordinator.invitations import messages
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import effective_rsvp, set_rsvp
from coordinator.invitations.tokens import invitation_link, journalist_from_portal_token, speak_to
from coordinator.offices.models import Office
from coordinator.portal.refused import refuse_link
from coordinator.schedule.models import Briefing, Series
from coordinator.web.forms import apply_errors

bp = Blueprint("journalist", __name__)


def _invitation_or_410(token: str) -> Invitation:
    """The live invitation of a link; a bad, revoked or expired one answers 410 with a page offering a
    fresh portal link."""
    invitation, problem = invitation_link(token)
    if problem:
        refuse_link(problem, invitation.journalist if invitation is not None else None)
    speak_to(invitation.journalist)
    return invitation


def _briefing_for(invitation: Invitation) -> Briefing | None:
    """The briefing the page is about: the ad hoc one, or the series' next (or a chosen) occurrence."""
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


ANSWERS = ("accepted", "tentative", "declined")


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
def rsvp_link(token: str, answer: str):
    """The answer buttons in the mail open a page with one button: only its POST records the answer, so a
    link scanner that opens every link (GET or HEAD) answers nothing on the journalist's behalf."""
    invitation = _invitation_or_410(token)
    if answer not in ANSWERS:
        abort(404)
    briefing = _briefing_for(invitation)
    series = db.session.get(Series, invitation.series_id) if invitation.series_id else None
    labels = {"accepted": _("Tham dự"), "tentative": _("Có thể"), "declined": _("Không tham dự")}
    return render_template(
        "portal/confirm_link.html", office=db.session.get(Office, invitation.office_id),
        heading=_("Trả lời lời mời"),
        subject=series.title if series else (briefing.effective_title if briefing else ""),
        lead=_("Bấm nút dưới đây để gửi câu trả lời “%(answer)s”.", answer=labels[answer]),
        action=url_for("journalist.rsvp_link_confirm", token=token, answer=answer),
        button=_("Xác nhận: %(answer)s", answer=labels[answer]),
        back=url_for("journalist.invitation_page", token=token), back_label=_("Xem lời mời"))


@bp.post("/i/<token>/rsvp/<answer>")
@limiter.limit("60 per minute")
def rsvp_link_confirm(token: str, answer: str):
    """The button of the page above records the answer for the whole invitation (no login)."""
    invitation = _invitation_or_410(token)
    if answer not in ANSWERS:
        abort(404)
    if invitation.rsvp != answer:
        set_rsvp(invitation, answer, source="link", actor_label=invitation.journalist.email)
    flash(_("Đã ghi nhận câu trả lời của bạn. Cảm ơn!"), "success")
    return redirect(url_for("journalist.invitation_page", token=token))


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
    return redirect(url_for("journalist.invitation_page", token=token))


@bp.get("/i/<token>/qr.png")
def qr_code(token: str):
    invitation = _invitation_or_410(token)
    return Response(qr_png(messages.checkin_url(invitation)), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.get("/c/<token>")
def checkin_qr_target(token: str):
    """What the check-in QR code holds. Staff scan it with the check-in page; anyone else who
    opens it lands on the invitation."""
    invitation = _invitation_or_410(token)
    if current_user.is_authenticated:  # staff at the door, with the phone's own camera app
        response = _staff_opened_checkin(invitation, user=current_user, token=token)
        if response is not None:
            return response
    return redirect(url_for("journalist.invitation_page", token=token))


# --- staff opening a QR code's URL (/c/<token>) with the phone's own camera app ----------------------

def _staff_opened_checkin(invitation: Invitation, *, user, token: str):
    """A logged-in staff member of the office who opens ``/c/<token>`` checks the journalist in (the
    invitation page stays what everyone else sees)."""
    if not can(user, "edit") or invitation.office_id != user.office_id:
        return None
    briefing = ops.briefing_now(invitation, ops.DOOR_BEFORE, ops.DOOR_AFTER)
    if briefing is None:
        upcoming = ops.next_briefing(invitation)
        return render_template("attendance/scanned.html", error=_(
            "Không có buổi họp báo nào của lời mời này đang trong giờ điểm danh."), journalist=invitation.journalist,
            briefing=upcoming, attendance=None), 422
    try:
        row, created = ops.check_in_by_token(briefing, token, user_id=user.id)
    except DomainError as exc:
        uow.abandon()
        return render_template("attendance/scanned.html", error=exc.message, journalist=invitation.journalist,
                               briefing=briefing, attendance=None), exc.status
    return render_template("attendance/scanned.html", error=None, journalist=invitation.journalist,
                           briefing=briefing, attendance=row, created=created)


# --- the journalist's own links ----------------------------------------------------------------------

@bp.route("/i/<token>/checkin", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def self_checkin(token: str):
    """Online attendance: the journalist's own link, valid from 15 minutes before the start to the end."""
    invitation = _invitation_or_410(token)
    office = db.session.get(Office, invitation.office_id)
    now = clock.now()
    briefing = ops.briefing_now(invitation, ops.SELF_BEFORE, timedelta(0), now) or ops.next_briefing(invitation, now)
    attendance = ops.existing_attendance(briefing.id, invitation.journalist_id) if briefing else None
    error = None
    status = 200
    if request.method == "POST":
        try:
            attendance, created, briefing = ops.self_check_in(invitation, now=now)
            flash(_("Cảm ơn! Bạn đã được ghi nhận tham dự trực tuyến.") if created
                  else _("Bạn đã điểm danh trước đó."), "success")
            return redirect(url_for("journalist.self_checkin", token=token))
        except DomainError as exc:
            uow.abandon()
            error, status = exc.message, exc.status
    open_now = briefing is not None and ops._in_window(briefing, ops.SELF_BEFORE, timedelta(0), now)
    return render_template("attendance/self_checkin.html", invitation=invitation, office=office, briefing=briefing,
                           attendance=attendance, error=error, open_now=open_now, token=token), status


def _briefing_for_questions(invitation: Invitation) -> Briefing | None:
    chosen = request.values.get("b", type=int)
    if chosen:
        briefing = db.session.get(Briefing, chosen)
        if briefing is not None and ops.invitation_covers(invitation, briefing):
            return briefing
    return ops.next_briefing(invitation)


@bp.route("/i/<token>/questions", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def public_questions(token: str):
    """The briefing's question form for an invited journalist (their invitation link is the key)."""
    invitation = _invitation_or_410(token)
    office = db.session.get(Office, invitation.office_id)
    briefing = _briefing_for_questions(invitation)
    form = QuestionForm()
    status = 200
    if briefing is not None and form.validate_on_submit():
        try:
            ops.ask(briefing, invitation.journalist, form.text.data, source="form")
            flash(_("Đã gửi câu hỏi. Cảm ơn!"), "success")
            return redirect(url_for("journalist.public_questions", token=token, b=briefing.id))
        except DomainError as exc:
            apply_errors(form, exc)
            status = 422
    elif form.errors:
        status = 422
    mine = ops.asked_by(invitation.journalist, briefing) if briefing is not None else []
    return render_template("attendance/public_questions.html", invitation=invitation, office=office,
                           briefing=briefing, form=form, mine=mine, token=token), status


@bp.post("/portal/<token>/questions")
@limiter.limit("20 per minute")
def portal_question(token: str):
    journalist, _problem = journalist_from_portal_token(token)
    if journalist is None:
        flash(_("Đường dẫn không hợp lệ. Nhập email để nhận đường dẫn mới."), "error")
        return redirect(url_for("portal.new_link"))
    speak_to(journalist)
    briefing = db.session.get(Briefing, request.form.get("briefing_id", type=int) or 0)
    invitation = ops.invitation_of(briefing, journalist.id) if briefing is not None else None
    if briefing is None or briefing.office_id != journalist.office_id or invitation is None \
            or invitation.cancelled_at is not None:
        flash(_("Vui lòng chọn một buổi họp báo bạn được mời."), "error")
        return redirect(url_for("portal.home", token=token))
    try:
        ops.ask(briefing, journalist, request.form.get("text"), source="portal")
        # Shown at the top of the question box (where the page lands), not at the top of a long page.
        flash(_("Đã gửi câu hỏi cho buổi họp báo “%(title)s”.", title=briefing.effective_title),
              "field-question-sent")
    except ValidationError as exc:
        uow.abandon()  # Shown next to the question box on the portal (not at the top), with what was typed kept.
        for message in exc.fields.values() or [exc.message]:
            flash(message, "field-question")
        session["portal_question_draft"] = (request.form.get("text") or "")[:2000]
    # The form stays on the briefing the question was for.
    return redirect(url_for("portal.home", token=token, b=briefing.id, _anchor="questions"))


