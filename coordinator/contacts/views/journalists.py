"""Journalist pages: the searchable list, a journalist, the form, status, vCard, merging, export."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coordinator.contacts import exporter
from coordinator.contacts import operations as ops
from coordinator.contacts.forms import ConsentForm, JournalistForm, MergeForm, StatusForm
from coordinator.contacts.models import STATUSES, DistributionList, DistributionListMember, Journalist
from coordinator.contacts.search import JournalistFilters, count, journalist_query
from coordinator.contacts.views.common import (
    PER_PAGE,
    beat_rows,
    bp,
    find_journalist,
    form_status,
    outlet_choices,
    page_number,
    save,
)
from coordinator.core import audit
from coordinator.core.errors import DomainError, ValidationError
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.web.forms import apply_errors


@bp.get("/")
@require("read")
def journalists() -> Any:
    try:
        filters = JournalistFilters.from_args(request.args)
    except ValidationError:  # a hand-edited address: search by the words, ignore the rest
        filters = JournalistFilters(q=request.args.get("q", ""))
    query = journalist_query(current_office_id(), filters)
    total = count(query)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(page_number(), pages)
    rows = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())
    return render_template("contacts/journalists.html", rows=rows, total=total, page=page, pages=pages,
                           filters=filters, args=filters.as_args(), outlets=outlet_choices(), beats=beat_rows(),
                           statuses=STATUSES)


def _journalist_data(form: JournalistForm) -> dict:
    data = {"full_name": form.full_name.data, "email": form.email.data, "outlet_id": form.outlet_id.data,
            "phone": form.phone.data, "beats": form.beats.data or "", "language": form.language.data,
            "notes": form.notes.data}
    if form.outlet_since.data:
        data["outlet_since"] = form.outlet_since.data.isoformat()
    return data


def _consent_data(form: JournalistForm | ConsentForm) -> dict:
    return {"consent_basis": form.consent_basis.data, "consent_purpose": form.consent_purpose.data,
            "network_sharing": bool(form.network_sharing.data)}


@bp.route("/journalists/new", methods=["GET", "POST"])
@require("edit")
def new_journalist() -> Any:
    return _journalist_page(None)


@bp.route("/journalists/<int:journalist_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_journalist(journalist_id: int) -> Any:
    return _journalist_page(get_or_404(Journalist, journalist_id))


def _journalist_page(person: Journalist | None) -> Any:
    """The journalist form, adding (``person`` None) or changing one; to the journalist's page once saved."""
    form = JournalistForm(obj=person) if request.method == "GET" else JournalistForm()
    if person is not None and request.method == "GET":
        form.beats.data = "; ".join(b.name for b in person.beats)
        form.phone.data = ops.display_phone(person.phone)
    form.outlet_id.choices = outlet_choices()
    if person is None:
        saved = save(form, lambda: ops.create_journalist(
            current_office_id(), {**_journalist_data(form), **_consent_data(form)}, consent_source="form",
            consent_detail=current_user.email))
    else:
        saved = save(form, lambda: ops.update_journalist(person, _journalist_data(form)))
    if saved is not None:
        flash(_("Đã thêm nhà báo %(name)s.", name=saved.full_name) if person is None else _("Đã lưu thay đổi."),
              "success")
        return redirect(url_for("contacts.journalist", journalist_id=saved.id))
    return render_template("contacts/journalist_form.html", form=form, journalist=person), form_status(form)


@bp.get("/journalists/<int:journalist_id>")
@require("read")
def journalist(journalist_id: int) -> Any:
    person = get_or_404(Journalist, journalist_id)
    lists = list(db.session.scalars(
        select(DistributionList).join(DistributionListMember, DistributionListMember.list_id == DistributionList.id)
        .where(DistributionListMember.journalist_id == person.id).order_by(DistributionList.name)))
    status_form = StatusForm(status=person.status, reason=person.status_reason)
    merged_into = db.session.get(Journalist, person.merged_into_id) if person.merged_into_id else None
    audit.record("journalist.viewed", person)  # every staff look at personal data is on record
    consents = ops.consent_history(person)
    current = consents[0] if consents else None
    consent_form = ConsentForm(consent_basis=current.basis if current else "public_task",
                               consent_purpose=current.purpose if current else "",
                               network_sharing=bool(current and current.network_sharing and not current.withdrawn_at))
    return render_template("contacts/journalist.html", person=person, lists=lists, status_form=status_form,
                           merged_into=merged_into, consents=consents, consent=current,
                           may_mail=ops.may_mail(person), consent_form=consent_form,
                           basis_labels=ops.BASIS_LABELS, source_labels=ops.SOURCE_LABELS,
                           history=sorted(person.history, key=lambda h: h.valid_from, reverse=True))


@bp.post("/journalists/<int:journalist_id>/consent")
@require("edit")
def journalist_consent(journalist_id: int) -> Any:
    """Staff record a new basis (what the journalist said on the phone, a signed form...)."""
    person = get_or_404(Journalist, journalist_id)
    form = ConsentForm()
    if person.erased_at is not None:
        flash(_("Dữ liệu của nhà báo này đã bị xoá."), "error")
    elif not form.validate_on_submit():
        flash(_("Cơ sở xử lý không hợp lệ."), "error")
    else:
        try:
            values = ops.consent_values(_consent_data(form), db.session.get(Office, person.office_id))
        except ValidationError as exc:
            flash(" ".join(exc.fields.values()), "error")
        else:
            ops.record_consent(person, values, source="staff", detail=current_user.email, user_id=current_user.id)
            flash(_("Đã ghi nhận cơ sở xử lý dữ liệu mới."), "success")
    return redirect(url_for("contacts.journalist", journalist_id=person.id))


@bp.post("/journalists/<int:journalist_id>/consent/withdraw")
@require("edit")
def journalist_consent_withdraw(journalist_id: int) -> Any:
    """The journalist told staff they withdraw: no mail from now on."""
    return _act_on(journalist_id, lambda person: ops.withdraw_consent(person, source="staff"),
                   lambda person: _("Đã ghi nhận nhà báo rút lại sự đồng ý: không gửi thư nữa."))


def _act_on(journalist_id: int, change: Callable[[Journalist], object], said: Callable[[Journalist], str]) -> Any:
    """A one-button change on the journalist's page: make it, say so, back to the page."""
    person = get_or_404(Journalist, journalist_id)
    change(person)
    flash(said(person), "success")
    return redirect(url_for("contacts.journalist", journalist_id=person.id))


@bp.post("/journalists/<int:journalist_id>/status")
@require("edit")
def journalist_status(journalist_id: int) -> Any:
    person = get_or_404(Journalist, journalist_id)
    form = StatusForm()
    if form.validate_on_submit():
        ops.set_status(person, form.status.data, form.reason.data)
        flash(_("Đã đổi trạng thái thành “%(status)s”.", status=ops.STATUS_LABELS[person.status]), "success")
    else:
        flash(_("Trạng thái không hợp lệ."), "error")
    return redirect(url_for("contacts.journalist", journalist_id=person.id))


@bp.post("/journalists/<int:journalist_id>/revoke-links")
@require("edit")
def journalist_revoke_links(journalist_id: int) -> Any:
    """Staff end every link already mailed to this journalist (e.g. a mail forwarded to the wrong person)."""
    return _act_on(journalist_id, ops.revoke_links, lambda person: _(
        "Đã thu hồi mọi đường dẫn đã gửi cho %(name)s. Thư gửi từ nay mang đường dẫn mới.", name=person.full_name))


@bp.get("/journalists/<int:journalist_id>/vcard")
@require("read")
def journalist_vcard(journalist_id: int) -> Any:
    person = get_or_404(Journalist, journalist_id)
    audit.record("journalist.exported", person, data={"format": "vcard"})
    return exporter.vcard_download(person)


@bp.route("/merge", methods=["GET", "POST"])
@require("edit")
def merge() -> Any:
    """Two records of one person: GET (with ``?keep=&drop=``) shows both side by side, POST with
    ``confirm`` merges ``drop`` into ``keep``."""
    if request.method == "POST":
        form = MergeForm()
        submitted = form.validate_on_submit()
    else:
        form = MergeForm(formdata=request.args or None, meta={"csrf": False})
        submitted = bool(request.args) and form.validate()
    keep = drop = None
    if submitted:
        keep, drop = find_journalist(form.keep.data), find_journalist(form.drop.data)
        if keep is None:
            form.keep.errors.append(_("Không tìm thấy nhà báo này."))
        if drop is None:
            form.drop.errors.append(_("Không tìm thấy nhà báo này."))
        if keep is not None and drop is not None and request.method == "POST" and request.form.get("confirm"):
            try:
                ops.merge_journalists(keep, drop)
            except DomainError as exc:
                apply_errors(form, exc, {"drop_id": "drop", "keep_id": "keep"})
            else:
                flash(_("Đã gộp hồ sơ #%(drop)s vào #%(keep)s.", drop=drop.id, keep=keep.id), "success")
                return redirect(url_for("contacts.journalist", journalist_id=keep.id))
    return render_template("contacts/merge.html", form=form, keep=keep, drop=drop), form_status(form)


@bp.get("/export")
@require("read")
def export() -> Any:
    file_format = request.args.get("format", "csv")
    if file_format not in exporter.EXPORT_FORMATS:
        abort(400)
    try:
        filters = JournalistFilters.from_args(request.args)
    except ValidationError:
        abort(400)
    audit.record("journalists.exported", ("journalist", None), office_id=current_office_id(),
                 data={"format": file_format, "filters": filters.as_args()})
    return exporter.journalists_download(current_office_id(), filters, file_format)
