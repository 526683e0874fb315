"""The staff page "Yêu cầu về dữ liệu cá nhân": journalists' erasure requests (carry out or refuse with a
reason), and the office's basis, purpose and retention period."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coordinator.core.errors import DomainError
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.privacy import operations as ops
from coordinator.privacy.forms import RefuseForm, SettingsForm
from coordinator.privacy.models import DataRequest
from coordinator.web import navigation
from coordinator.web.forms import apply_errors
from coordinator.web.navigation import NavItem

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

navigation.add_admin_page(NavItem("privacy.requests", _l("Yêu cầu về dữ liệu cá nhân"), "edit", "privacy."))


def _page(settings: SettingsForm | None = None, status: int = 200) -> ResponseReturnValue:
    office = db.session.get(Office, current_office_id())
    if settings is None:
        settings = SettingsForm(public_task=office.contacts_public_task, purpose=office.contacts_purpose or "",
                                retention_years=str(office.retention_years or ""))
    return render_template("privacy/requests.html", office=office, requests=ops.requests_of(office.id),
                           settings=settings, refuse_form=RefuseForm(),
                           can_manage=can(current_user, "manage_office")), status


@bp.get("/requests")
@require("edit")
def requests() -> ResponseReturnValue:
    return _page()


@bp.post("/requests/<int:request_id>/carry-out")
@require("edit")
def carry_out(request_id: int) -> ResponseReturnValue:
    row = get_or_404(DataRequest, request_id)
    try:
        ops.carry_out(row, current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Đã xoá dữ liệu cá nhân của nhà báo; số liệu tham dự được giữ ẩn danh."), "success")
    return redirect(url_for("privacy.requests"))


@bp.post("/requests/<int:request_id>/refuse")
@require("edit")
def refuse(request_id: int) -> ResponseReturnValue:
    row = get_or_404(DataRequest, request_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        flash(_("Lý do tối đa 2000 ký tự."), "error")
        return redirect(url_for("privacy.requests"))
    try:
        ops.refuse(row, current_user, form.reason.data)
    except DomainError as exc:
        flash(" ".join((exc.fields or {"_": exc.message}).values()), "error")
    else:
        flash(_("Đã từ chối yêu cầu và ghi lại lý do."), "success")
    return redirect(url_for("privacy.requests"))


@bp.post("/settings")
@require("manage_office")
def settings() -> ResponseReturnValue:
    form = SettingsForm()
    if form.validate_on_submit():
        office = db.session.get(Office, current_office_id())
        try:
            ops.update_settings(office, {"public_task": form.public_task.data, "purpose": form.purpose.data,
                                         "retention_years": form.retention_years.data})
        except DomainError as exc:
            apply_errors(form, exc)
            return _page(form, 422)
        flash(_("Đã lưu cài đặt dữ liệu cá nhân."), "success")
        return redirect(url_for("privacy.requests"))
    return _page(form, 422)
