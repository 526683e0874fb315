"""Pages: the review queue ("Tin bài tự động") with confirm / reject / re-assign and bulk actions, the
matching settings, and the outlet's feeds (shown on the outlet page through ``_outlet_feeds.html``)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from coordinator.attendance.operations import TONE_LABELS
from coordinator.contacts.models import Outlet
from coordinator.core import uow
from coordinator.core.errors import DomainError
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.forms import FeedForm, SettingsForm
from coordinator.monitoring.models import PROPOSAL_STATUSES, FeedItem, MatchProposal, OutletFeed
from coordinator.schedule.models import Briefing

bp = Blueprint("monitoring", __name__)
PER_PAGE = 30


@bp.app_template_global()
def outlet_feeds(outlet_id: int) -> list[OutletFeed]:
    """For the outlet page's partial."""
    return ops.feeds_of(outlet_id)


@bp.app_template_global()
def outlet_feed_state(outlet_id: int) -> str:
    """``working``, ``failing`` or ``none`` (coverage must be logged by hand)."""
    return ops.outlet_feed_states(current_office_id()).get(outlet_id, "none")


@bp.app_template_global()
def feed_healthy_outlets() -> set[int]:
    """For the reports: outlets whose feed works, so "attended but did not cover" can be trusted."""
    return ops.healthy_outlet_ids(current_office_id())


@bp.app_context_processor
def _helpers() -> dict:
    return {"proposal_status_label": lambda s: ops.STATUS_LABELS.get(s, s),
            "phrase_kind_label": lambda s: ops.KIND_LABELS.get(s, s),
            "feed_state_label": lambda s: ops.STATE_LABELS.get(s, s),
            "new_feed_form": _feed_form_for}


def _feed_form_for(outlet_id: int) -> FeedForm:
    """The outlet page's "add a feed" form; after a refused submission, with the input and its errors."""
    form = FeedForm(prefix="feed", formdata=None)
    kept = session.get("feed_form")
    if kept and kept.get("outlet_id") == outlet_id:
        session.pop("feed_form", None)
        form.url.data = kept.get("url")
        form.interval_minutes.data = kept.get("interval_minutes")
        form.paused.data = kept.get("paused", False)
        for name, messages in (kept.get("errors") or {}).items():
            if hasattr(form, name):
                getattr(form, name).errors = list(messages)
    return form


def _briefing_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Briefing).where(Briefing.office_id == current_office_id(),
                                                     Briefing.status != "cancelled")
                              .order_by(Briefing.start.desc()).limit(200))
    return [(b.id, b) for b in rows]


def _back(default: str):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


@bp.get("/coverage/proposals")
@require("read")
def queue() -> ResponseReturnValue:
    office_id = current_office_id()
    status = request.args.get("status", "pending")
    status = status if status in PROPOSAL_STATUSES else "pending"
    outlet_id = request.args.get("outlet_id", type=int)
    briefing_id = request.args.get("briefing_id", type=int)
    query = (select(MatchProposal).join(FeedItem, FeedItem.id == MatchProposal.item_id)
             .where(MatchProposal.office_id == office_id, MatchProposal.status == status))
    if outlet_id:
        query = query.where(FeedItem.outlet_id == outlet_id)
    if briefing_id:
        query = query.where(MatchProposal.briefing_id == briefing_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, request.args.get("page", 1, type=int))
    rows = list(db.session.scalars(query.order_by(FeedItem.published_at.desc(), MatchProposal.score.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    settings = ops.settings_for(office_id)
    form = SettingsForm(obj=settings) if request.method == "GET" else SettingsForm()
    outlets = list(db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.office_id == office_id)
                                      .order_by(Outlet.name_folded)))
    return render_template("monitoring/queue.html", rows=rows, total=total, page=page,
                           pages=max(1, (total + PER_PAGE - 1) // PER_PAGE), status=status,
                           counts=ops.counts(office_id), outlets=outlets, briefings=_briefing_choices(),
                           filters={"status": status, "outlet_id": outlet_id, "briefing_id": briefing_id},
                           tones=TONE_LABELS, settings_form=form, can_edit=can(current_user, "edit"))


def _proposal(proposal_id: int) -> MatchProposal:
    return get_or_404(MatchProposal, proposal_id)


def _run(action, success: str):
    try:
        result = action()
        flash(success, "success")
        return result
    except DomainError as exc:
        uow.abandon()
        flash("; ".join(str(v) for v in getattr(exc, "fields", {}).values()) or str(exc), "error")
        return None


@bp.post("/coverage/proposals/<int:proposal_id>/confirm")
@require("edit")
def confirm(proposal_id: int) -> ResponseReturnValue:
    proposal = _proposal(proposal_id)
    _run(lambda: ops.confirm(proposal, tone=request.form.get("tone"), user_id=current_user.id),
         _("Đã xác nhận: tin bài được ghi vào danh sách đưa tin."))
    return _back(url_for("monitoring.queue"))


@bp.post("/coverage/proposals/<int:proposal_id>/reject")
@require("edit")
def reject(proposal_id: int) -> ResponseReturnValue:
    proposal = _proposal(proposal_id)
    _run(lambda: ops.reject(proposal, user_id=current_user.id), _("Đã loại đề xuất."))
    return _back(url_for("monitoring.queue"))


@bp.post("/coverage/proposals/<int:proposal_id>/reassign")
@require("edit")
def reassign(proposal_id: int) -> ResponseReturnValue:
    proposal = _proposal(proposal_id)
    _run(lambda: ops.reassign(proposal, request.form.get("briefing_id"), tone=request.form.get("tone"),
                              user_id=current_user.id), _("Đã chuyển sang buổi họp báo khác và xác nhận."))
    return _back(url_for("monitoring.queue"))


@bp.post("/coverage/proposals/bulk")
@require("edit")
def bulk() -> ResponseReturnValue:
    action = request.form.get("action")
    ids = request.form.getlist("ids")
    result = _run(lambda: ops.bulk(current_office_id(), ids, action, tone=request.form.get("tone"),
                                   user_id=current_user.id), _("Đã xử lý các đề xuất đã chọn."))
    if result and result["skipped"]:
        flash(_("%(n)s đề xuất đã bị loại trước đó nên không được xác nhận.", n=result["skipped"]), "info")
    return _back(url_for("monitoring.queue"))


@bp.post("/coverage/proposals/settings")
@require("edit")
def settings() -> ResponseReturnValue:
    form = SettingsForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("; ".join(str(e) for e in errors), "error")
        return redirect(url_for("monitoring.queue"))
    _run(lambda: ops.update_settings(current_office_id(), {"window_days": form.window_days.data,
                                                           "threshold": form.threshold.data}),
         _("Đã lưu cài đặt đối chiếu; các tin mới sẽ dùng cài đặt này."))
    return redirect(url_for("monitoring.queue"))


# --- feeds (managed from the outlet page) ------------------------------------------------------------

def _outlet_page(outlet_id: int):
    return redirect(url_for("contacts.edit_outlet", outlet_id=outlet_id) + "#feeds")


@bp.post("/contacts/outlets/<int:outlet_id>/feeds")
@require("edit")
def add_feed(outlet_id: int) -> ResponseReturnValue:
    outlet = get_or_404(Outlet, outlet_id)
    form = FeedForm(prefix="feed")
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            ops.add_feed(outlet, {"url": form.url.data, "interval_minutes": form.interval_minutes.data,
                                  "paused": bool(form.paused.data)})
            flash(_("Đã thêm nguồn tin; hệ thống sẽ tải trong ít phút."), "success")
            return _outlet_page(outlet.id)
        except DomainError as exc:
            uow.abandon()
            errors = {key: [str(message)] for key, message in exc.fields.items()}
    else:
        errors = {key: [str(m) for m in messages] for key, messages in form.errors.items()}
        if "url" not in errors:
            try:
                ops.feed_url(request.form.get("feed-url"))
            except DomainError as exc:
                errors["url"] = [str(exc.fields.get("url", exc))]
    session["feed_form"] = {"outlet_id": outlet.id, "url": (request.form.get("feed-url") or "")[:1000],
                            "interval_minutes": form.interval_minutes.data, "paused": bool(form.paused.data),
                            "errors": errors}
    flash(_("Chưa thêm được nguồn tin: hãy sửa các lỗi bên dưới."), "error")
    return _outlet_page(outlet.id)


FEED_ACTIONS = {
    "pause": (lambda feed: ops.update_feed(feed, {"paused": True}), _l("Đã tạm dừng nguồn tin.")),
    "resume": (lambda feed: ops.update_feed(feed, {"paused": False}), _l("Đã bật lại nguồn tin.")),
    "fetch": (ops.fetch_now, _l("Nguồn tin sẽ được tải trong lần quét tới.")),
    "delete": (ops.delete_feed, _l("Đã xoá nguồn tin.")),
}


def _feed_action(action: str):
    def view(feed_id: int):
        feed = get_or_404(OutletFeed, feed_id)
        outlet_id = feed.outlet_id
        change, message = FEED_ACTIONS[action]
        _run(lambda: change(feed), str(message))
        return _outlet_page(outlet_id)

    view.__name__ = f"feed_{action}"
    return require("edit")(view)


for _action in FEED_ACTIONS:
    bp.add_url_rule(f"/coverage/feeds/<int:feed_id>/{_action}", endpoint=f"feed_{_action}",
                    view_func=_feed_action(_action), methods=["POST"])
