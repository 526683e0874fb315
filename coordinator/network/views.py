"""Pages of the network: invitations to be a connection point, the host's points (numbers only), who may
invite this office, contacts shared with the network and the directory of offers, the network report."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields import SelectChoice

from coordinator.contacts.models import DistributionList, Journalist, Outlet
from coordinator.core import clock
from coordinator.core.dates import parse_typed_day
from coordinator.core.errors import DomainError
from coordinator.core.ids import parse_id
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.network import operations as ops
from coordinator.network import report as reports
from coordinator.network.forms import AcceptForm, DeclineForm, InvitePointForm, OfferForm, TrustForm
from coordinator.network.models import ConnectionPoint, ContactOffer, NetworkTrust
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing
from coordinator.web import navigation
from coordinator.web.forms import apply_errors, flash_error
from coordinator.web.navigation import NavItem

bp = Blueprint("network", __name__, url_prefix="/network")

navigation.add(NavItem("network.index", _l("Mạng lưới"), "read", "network."))


@bp.app_context_processor
def _helpers() -> dict:
    return {"network_points": _points_for_detail, "network_point_of_local": ops.point_of_local,
            "point_status_name": ops.point_status_name,
            "point_status_tone": lambda s: ops.POINT_STATUS_TONES.get(s, "muted"),
            "network_origin": ops.network_origin, "network_outlet_origin": ops.outlet_origin,
            "network_shared": _shared, "level_name": reports.level_name,
            "network_can": lambda action: can(current_user, action)}


@bp.app_template_filter("network_journalist")
def _journalist_filter(journalist_id: int) -> Journalist | None:
    return db.session.get(Journalist, journalist_id)


@bp.app_template_filter("network_outlet")
def _outlet_filter(outlet_id: int) -> Outlet | None:
    return db.session.get(Outlet, outlet_id)


def _points_for_detail(briefing: Briefing) -> list[dict]:
    return reports.point_summary(briefing)[1:]


def _shared(*, journalist_id: int | None = None, outlet_id: int | None = None) -> bool:
    return ops.shared_offer(current_office_id(), journalist_id=journalist_id, outlet_id=outlet_id)


def _office() -> Office:
    return current_user.office


def _submitted(form: FlaskForm, action: str,
               change: Callable[[], ResponseReturnValue | None]) -> tuple[ResponseReturnValue | None, int]:
    """A page whose form posts to itself: on POST the role is checked (403), then the form, then ``change``
    runs. Its response (a redirect) is returned; otherwise the page is shown again with 422 and the errors
    (a refused change is abandoned and its messages put on the form)."""
    if request.method != "POST":
        return None, 200
    if not can(current_user, action):
        abort(403)
    if form.validate():
        try:
            response = change()
        except DomainError as exc:
            apply_errors(form, exc)  # a refusal with no field of its own is shown at the top
        else:
            if response is not None:
                return response, 200
    return None, 422


def _attempt(change: Callable[[], object], success: str) -> None:
    """A change from a button: said to be done, or refused (abandoned, the reason at the top of the next page)."""
    try:
        change()
    except DomainError as exc:
        flash_error(exc)
    else:
        flash(success, "success")


def _outlet_choices(office_id: int) -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(
        select(Outlet).where(Outlet.office_id == office_id).order_by(Outlet.name))]


def _office_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(0, blank)] if blank else []
    return choices + [SelectChoice(o.id, o.name) for o in ops.network_offices(current_office_id())]


def _host_point(point_id: int) -> ConnectionPoint:
    point = db.session.get(ConnectionPoint, point_id)
    if point is None or point.office_id != current_office_id():
        abort(404)
    return point


def _received_point(point_id: int) -> ConnectionPoint:
    point = db.session.get(ConnectionPoint, point_id)
    if point is None or point.point_office_id != current_office_id():
        abort(404)
    return point


# --- hub ------------------------------------------------------------------------------------------------

@bp.get("")
@require("read")
def index() -> ResponseReturnValue:
    office_id = current_office_id()
    hosted = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id,
        Briefing.id.in_(select(ConnectionPoint.host_briefing_id).where(ConnectionPoint.office_id == office_id)))
        .order_by(Briefing.start.desc()).limit(20)))
    return render_template("network/index.html", received=ops.received_points(office_id), hosted=hosted)


# --- trust -----------------------------------------------------------------------------------------------

@bp.route("/trust", methods=["GET", "POST"])
@require("read")
def trust() -> ResponseReturnValue:
    form = TrustForm()
    trusted = ops.trusts_of(current_office_id())
    taken = {row.trusted_office_id for row in trusted}
    form.office_id.choices = [c for c in _office_choices(_("— Chọn văn phòng —")) if c.value not in taken]

    def change() -> ResponseReturnValue:
        row = ops.add_trust(_office(), form.office_id.data or None, current_user)
        flash(_("%(name)s đã được phép mời văn phòng làm điểm cầu.", name=row.trusted_office.name), "success")
        return redirect(url_for("network.trust"))

    done, status = _submitted(form, "manage_office", change)
    if done is not None:
        return done
    return render_template("network/trust.html", form=form, trusted=trusted), status


@bp.post("/trust/<int:trust_id>/delete")
@require("manage_office")
def trust_remove(trust_id: int) -> ResponseReturnValue:
    row = get_or_404(NetworkTrust, trust_id)
    name = row.trusted_office.name
    ops.remove_trust(row, current_user)
    flash(_("%(name)s không còn được mời văn phòng làm điểm cầu.", name=name), "success")
    return redirect(url_for("network.trust"))


# --- host side -------------------------------------------------------------------------------------------

@bp.route("/briefings/<int:briefing_id>/points", methods=["GET", "POST"])
@require("read")
def points(briefing_id: int) -> ResponseReturnValue:
    briefing = get_or_404(Briefing, briefing_id)
    form = InvitePointForm()
    form.office_id.choices = _office_choices(_("— Chọn văn phòng —"))

    def change() -> ResponseReturnValue:
        point = ops.invite_point(briefing, form.office_id.data or None, current_user, form.note.data)
        flash(_("Đã mời %(name)s làm điểm cầu.", name=point.point_office.name), "success")
        return redirect(url_for("network.points", briefing_id=briefing.id))

    done, status = _submitted(form, "edit", change)
    if done is not None:
        return done
    return render_template("network/points.html", briefing=briefing, form=form,
                           rows=reports.point_summary(briefing), local_of=ops.point_of_local(briefing.id)), status


@bp.post("/points/<int:point_id>/withdraw")
@require("edit")
def point_withdraw(point_id: int) -> ResponseReturnValue:
    point = _host_point(point_id)
    _attempt(lambda: ops.withdraw_point(point, current_user),
             _("Đã rút lời mời %(name)s.", name=point.point_office.name))
    return redirect(url_for("network.points", briefing_id=point.host_briefing_id))


# --- point side ------------------------------------------------------------------------------------------

def _accept_choices(form: AcceptForm) -> None:
    office_id = current_office_id()
    form.list_ids.choices = [SelectChoice(row.id, row.name) for row in db.session.scalars(
        select(DistributionList).where(DistributionList.office_id == office_id).order_by(DistributionList.name))]
    form.outlet_ids.choices = _outlet_choices(office_id)


@bp.route("/invitations/<int:point_id>", methods=["GET", "POST"])
@require("read")
def invitation(point_id: int) -> ResponseReturnValue:
    point = _received_point(point_id)
    form = AcceptForm()
    _accept_choices(form)

    def change() -> ResponseReturnValue | None:
        audience = {"list_ids": form.list_ids.data or [], "outlet_ids": form.outlet_ids.data or []}
        if not audience["list_ids"] and not audience["outlet_ids"]:
            form.list_ids.errors = [_("Hãy chọn ít nhất một danh sách hoặc một cơ quan báo chí để mời.")]
            return None
        local = ops.accept_point(point, current_user, audience, form.venue.data)
        flash(_("Đã nhận lời làm điểm cầu; buổi họp báo đã có trong lịch của văn phòng."), "success")
        return redirect(url_for("schedule.briefing_detail", briefing_id=local.id))

    done, status = _submitted(form, "edit", change)
    if done is not None:
        return done
    return render_template("network/invitation.html", point=point, form=form, decline=DeclineForm()), status


@bp.post("/invitations/<int:point_id>/decline")
@require("edit")
def invitation_decline(point_id: int) -> ResponseReturnValue:
    point = _received_point(point_id)
    form = DeclineForm()
    _attempt(lambda: ops.decline_point(point, current_user, form.reason.data), _("Đã từ chối làm điểm cầu."))
    return redirect(url_for("network.index"))


# --- shared contacts -------------------------------------------------------------------------------------

@bp.route("/offers", methods=["GET", "POST"])
@require("read")
def offers() -> ResponseReturnValue:
    office_id = current_office_id()
    form = OfferForm()
    form.journalist_ids.choices = [SelectChoice(j.id, f"{j.full_name} · {j.outlet.name}") for j in db.session.scalars(
        select(Journalist).where(Journalist.office_id == office_id, Journalist.status != "archived")
        .order_by(Journalist.full_name_folded))]
    form.outlet_ids.choices = _outlet_choices(office_id)
    form.office_ids.choices = _office_choices()

    def change() -> ResponseReturnValue:
        created = ops.offer_contacts(_office(), current_user, journalist_ids=form.journalist_ids.data,
                                     outlet_ids=form.outlet_ids.data,
                                     office_ids=form.office_ids.data if form.audience.data == "chosen" else [],
                                     audience=form.audience.data, note=form.note.data)
        flash(_("Đã chia sẻ %(n)s mục với mạng lưới.", n=len(created)), "success")
        return redirect(url_for("network.offers"))

    done, status = _submitted(form, "manage_office", change)
    if done is not None:
        return done
    names = {o.id: o.name for o in ops.network_offices(office_id)}
    return render_template("network/offers.html", form=form, offers=ops.offers_of(office_id), office_names=names,
                           adoptions=_adoption_counts(office_id)), status


def _adoption_counts(office_id: int) -> dict[int, int]:
    from sqlalchemy import func

    from coordinator.network.models import ContactLink

    rows = db.session.execute(select(ContactLink.offer_id, func.count()).join(
        ContactOffer, ContactOffer.id == ContactLink.offer_id).where(ContactOffer.office_id == office_id)
        .group_by(ContactLink.offer_id))
    return dict(rows.all())


@bp.post("/offers/<int:offer_id>/withdraw")
@require("manage_office")
def offer_withdraw(offer_id: int) -> ResponseReturnValue:
    offer = get_or_404(ContactOffer, offer_id)
    _attempt(lambda: ops.withdraw_offer(offer, current_user),
             _("Đã thôi chia sẻ; các văn phòng đã thêm vẫn giữ liên hệ của họ."))
    return redirect(url_for("network.offers"))


@bp.get("/directory")
@require("read")
def directory() -> ResponseReturnValue:
    office_id = current_office_id()
    return render_template("network/directory.html", offers=ops.directory(office_id),
                           adopted=ops.adopted_offer_ids(office_id))


@bp.post("/directory/<int:offer_id>/adopt")
@require("edit")
def adopt(offer_id: int) -> ResponseReturnValue:
    try:
        offer = ops.offer_for(current_office_id(), offer_id)
    except DomainError:
        abort(404)
    try:
        link = ops.adopt_offer(_office(), offer, current_user)
        flash(_("Đã thêm vào danh bạ của văn phòng."), "success")
        if link.local_journalist_id:
            return redirect(url_for("contacts.journalist", journalist_id=link.local_journalist_id))
    except DomainError as exc:
        flash_error(exc)
    return redirect(url_for("network.directory"))


# --- report ----------------------------------------------------------------------------------------------

def _period() -> tuple[date, date, dict[str, str]]:
    errors: dict[str, str] = {}
    today = clock.today(_office().timezone)
    day_from, day_to = today - timedelta(days=90), today + timedelta(days=30)
    for key in ("from", "to"):
        raw = request.args.get(key)
        if raw:
            try:
                value = parse_typed_day(raw)
            except ValueError:
                errors[key] = _("Ngày không hợp lệ: nhập ngày/tháng/năm, ví dụ 08/12/2026.")
                continue
            if key == "from":
                day_from = value
            else:
                day_to = value
    if day_to < day_from:
        errors["to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    return day_from, day_to, errors


@bp.get("/report")
@require("read")
def report() -> ResponseReturnValue:
    office = _office()
    briefing = None
    raw_id = request.args.get("briefing_id", "")
    day_from, day_to, errors = _period()
    if raw_id:
        briefing_id = parse_id(raw_id)
        if briefing_id is None:
            abort(404)
        briefing = get_or_404(Briefing, briefing_id)
        briefings = [briefing]
    else:
        briefings = [] if errors else reports.host_briefings(office.id, day_from, day_to, office.timezone)
    data = reports.network_report(office.id, briefings)
    return render_template("network/report.html", data=data, briefing=briefing, day_from=day_from, day_to=day_to,
                           errors=errors, attended_chart=reports.chart(data, "attended"),
                           coverage_chart=reports.chart(data, "coverage")), 422 if errors else 200
