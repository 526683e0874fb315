"""The journalist portal: signed, expiring magic links by mail, no password.

Upcoming briefings with RSVP, calendar subscription links, preferences (language, beats
followed), unsubscribe, and "send me a new link".
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import Beat, Journalist
from coordinator.core import audit, events
from coordinator.core.urls import external_url
from coordinator.extensions import csrf, db, limiter
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import effective_rsvp, set_rsvp, upcoming_for_journalist
from coordinator.invitations.tokens import (
    invitation_token,
    journalist_from_portal_token,
    speak_to,
    unsubscribe_link,
    unsubscribe_token,
)
from coordinator.offices.models import Office
from coordinator.offices.operations import get_office_by_slug
from coordinator.portal.refused import refuse_link
from coordinator.schedule import ical

bp = Blueprint("portal", __name__)

ANSWERS = ("accepted", "tentative", "declined")


def _journalist(token: str) -> Journalist:
    journalist, problem = journalist_from_portal_token(token)
    if journalist is not None and journalist.erased_at is not None:
        journalist, problem = None, "invalid"  # erased: nothing left to show
    if journalist is None:
        if problem == "expired":
            flash(_("Đường dẫn đã hết hạn. Nhập email để nhận đường dẫn mới."), "info")
        else:
            flash(_("Đường dẫn không hợp lệ. Nhập email để nhận đường dẫn mới."), "error")
        abort(redirect(url_for("portal.new_link")))
    speak_to(journalist)
    return journalist


def feed_links(journalist: Journalist) -> dict[str, str]:
    """The personal calendar feed (a token kept for the journalist; shown again on every visit)."""
    from coordinator.schedule.operations import personal_feed_token

    token = personal_feed_token(journalist.office_id, journalist.id)
    https = external_url("personal_calendar.personal_feed", token=token)
    office = db.session.get(Office, journalist.office_id)
    return {"https": https, **ical.subscribe_links(https, office.name)}


@bp.get("/portal/<token>")
def home(token: str):
    journalist = _journalist(token)
    office = db.session.get(Office, journalist.office_id)
    upcoming = [(briefing, invitation, effective_rsvp(invitation, briefing), invitation_token(invitation))
                for briefing, invitation in upcoming_for_journalist(journalist)]
    beats = list(db.session.scalars(select(Beat).where(Beat.office_id == journalist.office_id).order_by(Beat.name)))
    feed = feed_links(journalist)
    from coordinator.attendance.operations import asked_by
    from coordinator.packs.portal import released_for
    from coordinator.policies.consult import open_policies

    return render_template("portal/home.html", journalist=journalist, office=office, upcoming=upcoming,
                           consultations=open_policies(office.id),
                           token=token, feed=feed, beats=beats, answers=ANSWERS, packs=released_for(journalist),
                           followed={beat.id for beat in journalist.beats},
                           questions=asked_by(journalist), chosen_briefing=request.args.get("b", type=int),
                           unsubscribe_token=unsubscribe_token)


@bp.post("/portal/<token>/rsvp/<int:invitation_id>")
def rsvp(token: str, invitation_id: int):
    journalist = _journalist(token)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.journalist_id != journalist.id:
        abort(404)
    answer = request.form.get("answer", "")
    if answer not in ANSWERS:
        flash(_("Vui lòng chọn một câu trả lời."), "error")
    else:
        set_rsvp(invitation, answer, source="portal", actor_label=journalist.email)
        flash(_("Đã ghi nhận câu trả lời của bạn. Cảm ơn!"), "success")
    return redirect(url_for("portal.home", token=token))


@bp.post("/portal/<token>/preferences")
def preferences(token: str):
    journalist = _journalist(token)
    language = request.form.get("language", journalist.language)
    if language not in ("vi", "en"):
        flash(_("Ngôn ngữ không hợp lệ."), "error")
        return redirect(url_for("portal.home", token=token))
    wanted = {int(value) for value in request.form.getlist("beats") if value.isdigit()}
    beats = list(db.session.scalars(select(Beat).where(Beat.office_id == journalist.office_id, Beat.id.in_(wanted))))
    journalist.language = language
    journalist.beats = beats
    audit.record("journalist.preferences", journalist, actor_label=journalist.email,
                 data={"language": language, "beats": [b.slug for b in beats]})
    flash(_("Đã lưu tuỳ chọn của bạn."), "success")
    return redirect(url_for("portal.home", token=token))


@bp.route("/portal", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def new_link():
    """"Send me a new link": the same answer whether or not the address is known (no enumeration)."""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        office_slug = request.form.get("office", "")
        if "@" not in email:
            return render_template("portal/new_link.html", email=email,
                                   error=_("Vui lòng nhập một địa chỉ email hợp lệ.")), 422
        query = select(Journalist).where(Journalist.email == email, Journalist.status != "archived")
        office = get_office_by_slug(office_slug) if office_slug else None
        if office is not None:
            query = query.where(Journalist.office_id == office.id)
        for journalist in db.session.scalars(query):
            # The mail goes out from a worker after this commit (never from inside the request).
            events.emit("portal.link_requested", office_id=journalist.office_id,
                        payload={"journalist_id": journalist.id})
        flash(_("Nếu địa chỉ này có trong danh bạ, một đường dẫn mới vừa được gửi tới hộp thư của bạn."), "info")
        return redirect(url_for("portal.new_link"))
    return render_template("portal/new_link.html", email="", error=None)


# --- unsubscribe (RFC 8058 one-click and a page) -------------------------------------------------------

@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET (and a scanner's HEAD) shows the page; its button, or a mail client's RFC 8058 one-click POST,
    unsubscribes. The one-click POST still works once the link has ended (not once revoked): a mail
    provider's unsubscribe button must keep working, and unsubscribing is the safe direction."""
    journalist, problem = unsubscribe_link(token)
    one_click = request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"
    if problem and not (problem == "expired" and one_click):
        refuse_link(problem, journalist)
    speak_to(journalist)
    confirmed = request.method == "POST" and request.form.get("confirm") == "1"
    if one_click or confirmed:
        if journalist.status == "active":
            from coordinator.contacts.operations import set_status

            set_status(journalist, "unsubscribed", "tự huỷ đăng ký")
        if one_click:
            return "", 200
        return render_template("portal/unsubscribed.html", journalist=journalist,
                               office=db.session.get(Office, journalist.office_id))
    return render_template("portal/unsubscribe.html", journalist=journalist, token=token,
                           office=db.session.get(Office, journalist.office_id))
