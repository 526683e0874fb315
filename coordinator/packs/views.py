"""Staff pages of packs: list by status, create/edit with upload, detail with the approval panel,
version history, distribution progress and the download log; the office's pack settings."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from coordinator.contacts.models import Beat, DistributionList
from coordinator.core import clock, uow
from coordinator.core.errors import DomainError, Forbidden
from coordinator.core.i18n import format_local
from coordinator.core.ids import parse_id
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.mail import progress as mailing
from coordinator.mail.models import FanOut
from coordinator.packs import approvers as approver_rules
from coordinator.packs import operations as ops
from coordinator.packs.forms import PackForm, RejectForm, SettingsForm
from coordinator.packs.models import STATUSES, Pack, PackDownload, PackFile, PackRecipient
from coordinator.packs.serving import send_pack_file
from coordinator.schedule.models import Briefing
from coordinator.web import navigation
from coordinator.web.forms import apply_errors, flash_error
from coordinator.web.navigation import NavItem

bp = Blueprint("packs", __name__, url_prefix="/packs")

navigation.add(NavItem("packs.index", _l("Tài liệu báo chí"), "read", "packs."))
navigation.add_admin_page(NavItem("packs.settings", _l("Cài đặt tài liệu"), "manage_office", "packs.settings"))

navigation.add_panel("packs/_dashboard_awaiting.html",
                     lambda user: {"packs": approver_rules.awaiting(user)} if can(user, "approve") else None)

STATUS_TONES = {"draft": "neutral", "submitted": "warn", "approved": "info", "released": "ok"}


@bp.app_context_processor
def _pack_helpers() -> dict:
    def briefing_packs(briefing_id: int) -> list[Pack]:
        if not getattr(current_user, "is_authenticated", False):
            return []
        return list(db.session.scalars(select(Pack).where(Pack.office_id == current_user.office_id,
                                                          Pack.briefing_id == briefing_id)
                                       .order_by(Pack.root_id, Pack.version)))

    return {"pack_status_name": ops.status_name, "pack_status_tone": lambda s: STATUS_TONES.get(s, "neutral"),
            "briefing_packs": briefing_packs}


def _office():
    return current_user.office


def _uploads() -> list[ops.Upload]:
    return [ops.Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f and f.filename]


def _choices(form: PackForm) -> None:
    office_id = current_office_id()
    form.list_ids.choices = [SelectChoice(dl.id, dl.name) for dl in db.session.scalars(
        select(DistributionList).where(DistributionList.office_id == office_id).order_by(DistributionList.name))]
    form.beats.choices = [SelectChoice(b.slug, b.name) for b in db.session.scalars(
        select(Beat).where(Beat.office_id == office_id).order_by(Beat.name))]
    recent = db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.start >= clock.now() - timedelta(days=60))
        .order_by(Briefing.start).limit(200))
    tz = ZoneInfo(_office().timezone)
    form.briefing_id.choices = [SelectChoice("", _("— Thông cáo độc lập (không gắn buổi họp) —"))] + [
        SelectChoice(str(b.id), f"{b.start.astimezone(tz):%d/%m/%Y %H:%M} · {b.effective_title}") for b in recent]


def _local(value, tz: ZoneInfo):
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def _form_data(form: PackForm) -> dict:
    tz = _office().timezone
    return {"title": form.title.data, "summary": form.summary.data or "", "body": form.body.data or "",
            "language": form.language.data,
            "release_at": form.release_at.data.isoformat() if form.release_at.data else None,
            "embargo_mode": form.embargo_mode.data or "fixed",
            "embargo_until": form.embargo_until.data.isoformat()
            if form.embargo_until.data and form.embargo_mode.data != "briefing" else None,
            "embargo_offset_minutes": form.embargo_offset_minutes.data
            if form.embargo_mode.data == "briefing" else None,
            "send_under_embargo": bool(form.send_under_embargo.data),
            "audience": {"list_ids": list(form.list_ids.data or []), "beats": list(form.beats.data or [])},
            "_tz": tz}


@bp.get("")
@require("read")
def index() -> ResponseReturnValue:
    status = request.args.get("status", "")
    query = select(Pack).where(Pack.office_id == current_office_id())
    if status in STATUSES:
        query = query.where(Pack.status == status)
    packs = list(db.session.scalars(query.order_by(Pack.updated_at.desc(), Pack.id.desc()).limit(300)))
    counts = dict(db.session.execute(select(Pack.status, func.count()).where(Pack.office_id == current_office_id())
                                     .group_by(Pack.status)).all())
    return render_template("packs/index.html", packs=packs, status=status, statuses=STATUSES, counts=counts,
                           can_edit=can(current_user, "edit"))


@bp.route("/new", methods=["GET", "POST"])
@require("edit")
def new() -> ResponseReturnValue:
    form = PackForm()
    _choices(form)
    loose, status = [], 200
    if request.method == "GET":
        form.language.data = _office().locale or "vi"
        briefing_id = parse_id(request.args.get("briefing_id", ""))
        if briefing_id is not None:
            briefing = get_or_404(Briefing, briefing_id)
            if str(briefing.id) not in {choice.value for choice in form.briefing_id.choices}:
                form.briefing_id.choices.append(SelectChoice(str(briefing.id), briefing.effective_title))
            form.briefing_id.data = str(briefing.id)
            form.title.data = _("Tài liệu: %(title)s", title=briefing.effective_title)
    elif form.validate():
        briefing = get_or_404(Briefing, int(form.briefing_id.data)) if form.briefing_id.data else None
        data = _form_data(form)
        data.pop("_tz")
        try:
            pack = ops.create_pack(_office(), current_user, data, _uploads(), briefing=briefing)
            flash(_("Đã tạo tài liệu (bản nháp)."), "success")
            return redirect(url_for("packs.detail", pack_id=pack.id))
        except DomainError as exc:
            loose = apply_errors(form, exc, {"audience": "list_ids"}, flash_loose=False)
            status = exc.status if exc.status in (403, 409, 413, 422) else 422
    else:
        status = 422
    return render_template("packs/form.html", form=form, pack=None, loose_errors=loose), status


@bp.route("/<int:pack_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit(pack_id: int) -> ResponseReturnValue:
    pack = get_or_404(Pack, pack_id)
    form = PackForm(obj=None)
    _choices(form)
    if pack.briefing_id and str(pack.briefing_id) not in {choice.value for choice in form.briefing_id.choices}:
        form.briefing_id.choices.append(SelectChoice(str(pack.briefing_id),
                                                     _("Buổi họp báo #%(id)s", id=pack.briefing_id)))
    loose, status = [], 200
    tz = ZoneInfo(_office().timezone)
    if request.method == "GET":
        form.title.data, form.summary.data, form.body.data = pack.title, pack.summary, pack.body
        form.language.data = pack.language
        form.briefing_id.data = str(pack.briefing_id or "")
        form.release_at.data = _local(pack.release_at, tz)
        form.embargo_mode.data = "briefing" if pack.embargo_follows_briefing else "fixed"
        form.embargo_until.data = None if pack.embargo_follows_briefing else _local(pack.embargo_until, tz)
        form.embargo_offset_minutes.data = pack.embargo_offset_minutes or 0
        form.send_under_embargo.data = pack.send_under_embargo
        form.list_ids.data = (pack.audience or {}).get("list_ids", [])
        form.beats.data = (pack.audience or {}).get("beats", [])
    elif form.validate():
        data = _form_data(form)
        data.pop("_tz")
        remove = [file_id for v in request.form.getlist("remove_file_ids") if (file_id := parse_id(v)) is not None]
        try:
            result = ops.update_pack(pack, current_user, data, _uploads(), remove)
            if result.id != pack.id:
                flash(_("Tài liệu đã duyệt không sửa trực tiếp được: đã tạo phiên bản %(v)s (bản nháp, cần duyệt "
                        "lại; khi phát hành sẽ gửi dưới dạng đính chính).", v=result.version), "info")
            else:
                flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("packs.detail", pack_id=result.id))
        except DomainError as exc:
            uow.abandon()
            pack = get_or_404(Pack, pack_id)
            loose = apply_errors(form, exc, {"audience": "list_ids"}, flash_loose=False)
            status = exc.status if exc.status in (403, 409, 413, 422) else 422
    else:
        status = 422
    return render_template("packs/form.html", form=form, pack=pack, loose_errors=loose), status


@bp.get("/<int:pack_id>")
@require("read")
def detail(pack_id: int) -> ResponseReturnValue:
    pack = get_or_404(Pack, pack_id)
    return _detail(pack)


def _fan_outs(pack: Pack) -> list[FanOut]:
    lineage = ops.versions(pack)
    keys = [f"pack:{p.id}" for p in lineage] + [f"correction:{p.id}" for p in lineage]
    keys.append(f"pack-follow-up:{pack.lineage_id}")
    return list(db.session.scalars(select(FanOut).where(FanOut.office_id == pack.office_id, FanOut.key.in_(keys))
                                   .order_by(FanOut.started_at.desc())))


def _progress(pack: Pack) -> mailing.Progress:
    """The pack's mailings: waiting for its release time, being planned, going out, done."""
    lineage_ids = {p.id for p in ops.versions(pack)}
    waiting = mailing.event_waiting(pack.office_id, ("pack.release_due", "pack.follow_up_due", "fanout.run"),
                            lambda payload: payload.get("pack_id") in lineage_ids
                            or payload.get("root_id") == pack.lineage_id)
    send_at = ops.release_time(pack) if pack.status == "approved" else None
    return mailing.progress(_fan_outs(pack), event_waiting=waiting, send_at=send_at)


def _recipients(pack: Pack) -> int:
    """Journalists who received the pack, any version."""
    return db.session.scalar(select(func.count(func.distinct(PackRecipient.journalist_id))).where(
        PackRecipient.root_id == pack.lineage_id)) or 0


def _detail(pack: Pack, status: int = 200):
    downloads = list(db.session.scalars(select(PackDownload).where(PackDownload.pack_id.in_(
        [p.id for p in ops.versions(pack)])).order_by(PackDownload.created_at.desc()).limit(200)))
    recipients = _recipients(pack)
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    approvers = ops.current_approvers(pack) if pack.status == "submitted" else []
    return render_template(
        "packs/detail.html", pack=pack, versions=ops.versions(pack), latest=ops.latest_version(pack),
        progress=_progress(pack), downloads=downloads, recipients=recipients, briefing=briefing,
        approvals_needed=ops.approvals_needed(pack), approvers=approvers, reject_form=RejectForm(),
        can_edit=can(current_user, "edit"), can_approve=can(current_user, "approve"),
        may_approve=approver_rules.may_approve(pack, current_user),
        why_not_approve=approver_rules.why_not(pack, current_user) if pack.status == "submitted" else None,
        still_may_approve=approver_rules.still_may_approve(pack), stuck=approver_rules.stuck(pack),
        too_few=approver_rules.too_few(pack.office_id) and pack.status in ("draft", "submitted"),
        embargo=ops.embargo_active(pack), embargo_text=ops.embargo_words(pack, _office().timezone),
        release_time=ops.release_time(pack) if pack.status == "approved" and pack.embargo_held_at is None else None,
    ), status


def _action(pack_id: int, change: Callable[[Pack], object], success: str | Callable[[Pack], str]):
    """A button on the detail page: ``change`` the pack and say so (``success``, or what it says of the changed
    pack), or show the page again with the refusal and its status."""
    pack = get_or_404(Pack, pack_id)
    try:
        change(pack)
        flash(success(pack) if callable(success) else success, "success")
    except Forbidden as exc:
        uow.abandon()
        if not can(current_user, "approve") and not can(current_user, "edit"):
            abort(403)
        flash(exc.message, "error")
        return _detail(get_or_404(Pack, pack_id), 403)
    except DomainError as exc:
        flash_error(exc)
        return _detail(get_or_404(Pack, pack_id), exc.status)
    return redirect(url_for("packs.detail", pack_id=pack.id))


@bp.post("/<int:pack_id>/submit")
@require("edit")
def submit(pack_id: int) -> ResponseReturnValue:
    return _action(pack_id, lambda pack: ops.submit(pack, current_user), _("Đã gửi duyệt."))


def _approved(pack: Pack) -> str:
    if pack.status == "approved":
        return _("Đã duyệt. Tài liệu sẽ được phát hành lúc %(when)s.",
                 when=format_local(pack.release_due_at, _office().timezone))
    return _("Đã ghi nhận ý kiến duyệt; cần thêm một người duyệt khác.")


@bp.post("/<int:pack_id>/approve")
@require("approve")
def approve(pack_id: int) -> ResponseReturnValue:
    return _action(pack_id, lambda pack: ops.approve(pack, current_user), _approved)


@bp.post("/<int:pack_id>/reject")
@require("approve")
def reject(pack_id: int) -> ResponseReturnValue:
    form = RejectForm()
    return _action(pack_id, lambda pack: ops.reject(pack, current_user, form.reason.data), _("Đã trả lại tài liệu."))


@bp.post("/<int:pack_id>/release")
@require("approve")
def release(pack_id: int) -> ResponseReturnValue:
    return _action(pack_id, lambda pack: ops.release_now(pack, current_user), _("Đang phát hành và gửi tài liệu."))


@bp.get("/<int:pack_id>/files/<int:file_id>")
@require("read")
def file(pack_id: int, file_id: int) -> ResponseReturnValue:
    pack = get_or_404(Pack, pack_id)
    row = db.session.get(PackFile, file_id)
    if row is None or row.pack_id != pack.id:
        abort(404)
    return send_pack_file(row)


@bp.get("/<int:pack_id>/progress.json")
@require("read")
def progress(pack_id: int) -> ResponseReturnValue:
    pack = get_or_404(Pack, pack_id)
    return jsonify([{"id": f.id, "purpose": f.purpose, "label": f.label, "total": f.total, "sent": f.sent,
                     "failed": f.failed, "suppressed": f.suppressed, "pending": f.pending,
                     "done": f.finished_at is not None} for f in _fan_outs(pack)])


@bp.get("/<int:pack_id>/progress")
@require("read")
def progress_card(pack_id: int) -> ResponseReturnValue:
    """The mailing card alone, refreshed by the pack's page while the pack goes out."""
    pack = get_or_404(Pack, pack_id)
    return render_template("packs/_progress.html", pack=pack, progress=_progress(pack), recipients=_recipients(pack))


@bp.route("/settings", methods=["GET", "POST"])
@require("manage_office")
def settings() -> ResponseReturnValue:
    row = ops.settings_for(current_office_id())
    form = SettingsForm()
    status = 200
    if request.method == "GET":
        form.max_file_mb.data = row.max_file_bytes // (1024 * 1024)
        form.two_approvers.data = row.two_approvers
        form.follow_up_hours.data = row.follow_up_hours
    elif form.validate():
        try:
            ops.update_settings(current_office_id(), max_file_mb=form.max_file_mb.data,
                                two_approvers=form.two_approvers.data, follow_up_hours=form.follow_up_hours.data)
            flash(_("Đã lưu cài đặt tài liệu."), "success")
            return redirect(url_for("packs.settings"))
        except DomainError as exc:
            apply_errors(form, exc)
            status = 422
    else:
        status = 422
    office_id = current_office_id()
    shortfall = (approver_rules.shortfall_message(office_id)
                 if ops.settings_for(office_id).two_approvers and approver_rules.too_few(office_id, 2) else None)
    return render_template("packs/settings.html", form=form, shortfall=shortfall,
                           approvers=approver_rules.office_approvers(office_id)), status
