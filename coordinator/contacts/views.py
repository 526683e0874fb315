"""Staff pages of the contact network (``/contacts``): journalists, outlets, beats, lists, import."""
from __future__ import annotations

import math

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from coordinator.contacts import exporter, importer
from coordinator.contacts import operations as ops
from coordinator.contacts.api import list_members
from coordinator.contacts.forms import (
    AddMemberForm,
    BeatForm,
    ImportForm,
    JournalistForm,
    ListForm,
    MergeForm,
    OutletForm,
    StatusForm,
)
from coordinator.contacts.models import (
    STATUSES,
    Beat,
    ContactImport,
    DistributionList,
    DistributionListMember,
    Journalist,
    Outlet,
    journalist_beat,
)
from coordinator.contacts.search import JournalistFilters, count, journalist_query, outlet_query
from coordinator.core import uow
from coordinator.core.errors import Conflict, DomainError, ValidationError
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.web import navigation
from coordinator.web.forms import apply_errors, flash_error
from coordinator.web.navigation import NavItem

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
navigation.add(NavItem("contacts.journalists", _l("Danh bạ báo chí"), "read", "contacts."))

PER_PAGE = 50


@bp.context_processor
def _helpers() -> dict:
    return {"can_edit": can(current_user, "edit"), "kind_labels": ops.KIND_LABELS, "level_labels": ops.LEVEL_LABELS,
            "status_labels": ops.STATUS_LABELS, "language_labels": ops.LANGUAGE_LABELS,
            "display_phone": ops.display_phone}


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _outlet_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(outlet_query(current_office_id()))]


# --- journalists -------------------------------------------------------------------------------

@bp.get("/")
@require("read")
def journalists():
    try:
        filters = JournalistFilters.from_args(request.args)
    except ValidationError:
        filters = JournalistFilters(q=request.args.get("q", ""))
    query = journalist_query(current_office_id(), filters)
    total = count(query)
    page = min(_page(), max(1, math.ceil(total / PER_PAGE)))
    rows = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())
    beats = list(db.session.scalars(select(Beat).where(Beat.office_id == current_office_id()).order_by(Beat.slug)))
    return render_template("contacts/journalists.html", rows=rows, total=total, page=page,
                           pages=max(1, math.ceil(total / PER_PAGE)), filters=filters, args=filters.as_args(),
                           outlets=_outlet_choices(), beats=beats, statuses=STATUSES)


def _journalist_form_data(form: JournalistForm, *, creating: bool) -> dict:
    data = {"full_name": form.full_name.data, "email": form.email.data, "outlet_id": form.outlet_id.data,
            "phone": form.phone.data, "beats": form.beats.data or "", "language": form.language.data,
            "notes": form.notes.data}
    if form.outlet_since.data:
        data["outlet_since"] = form.outlet_since.data.isoformat()
    return data


@bp.route("/journalists/new", methods=["GET", "POST"])
@require("edit")
def new_journalist():
    form = JournalistForm()
    form.outlet_id.choices = _outlet_choices()
    if form.validate_on_submit():
        try:
            journalist = ops.create_journalist(current_office_id(), _journalist_form_data(form, creating=True))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã thêm nhà báo %(name)s.", name=journalist.full_name), "success")
            return redirect(url_for("contacts.journalist", journalist_id=journalist.id))
    status = 422 if form.errors or any(f.errors for f in form) else 200
    return render_template("contacts/journalist_form.html", form=form, journalist=None), status


@bp.get("/journalists/<int:journalist_id>")
@require("read")
def journalist(journalist_id: int):
    person = get_or_404(Journalist, journalist_id)
    lists = list(db.session.scalars(
        select(DistributionList).join(DistributionListMember, DistributionListMember.list_id == DistributionList.id)
        .where(DistributionListMember.journalist_id == person.id).order_by(DistributionList.name)))
    status_form = StatusForm(status=person.status, reason=person.status_reason)
    merged_into = db.session.get(Journalist, person.merged_into_id) if person.merged_into_id else None
    return render_template("contacts/journalist.html", person=person, lists=lists, status_form=status_form,
                           merged_into=merged_into,
                           history=sorted(person.history, key=lambda h: h.valid_from, reverse=True))


@bp.route("/journalists/<int:journalist_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_journalist(journalist_id: int):
    person = get_or_404(Journalist, journalist_id)
    form = JournalistForm(obj=person) if request.method == "GET" else JournalistForm()
    if request.method == "GET":
        form.beats.data = "; ".join(b.name for b in person.beats)
        form.phone.data = ops.display_phone(person.phone)
    form.outlet_id.choices = _outlet_choices()
    if form.validate_on_submit():
        try:
            ops.update_journalist(person, _journalist_form_data(form, creating=False))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("contacts.journalist", journalist_id=person.id))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("contacts/journalist_form.html", form=form, journalist=person), status


@bp.post("/journalists/<int:journalist_id>/status")
@require("edit")
def journalist_status(journalist_id: int):
    person = get_or_404(Journalist, journalist_id)
    form = StatusForm()
    if form.validate_on_submit():
        ops.set_status(person, form.status.data, form.reason.data)
        flash(_("Đã đổi trạng thái thành “%(status)s”.", status=ops.STATUS_LABELS[person.status]), "success")
    else:
        flash(_("Trạng thái không hợp lệ."), "error")
    return redirect(url_for("contacts.journalist", journalist_id=person.id))


@bp.get("/journalists/<int:journalist_id>/vcard")
@require("read")
def journalist_vcard(journalist_id: int):
    person = get_or_404(Journalist, journalist_id)
    return Response(exporter.vcard(person), mimetype="text/vcard",
                    headers={"Content-Disposition": f'attachment; filename="{exporter.vcard_filename(person)}"'})


def _find_journalist(value: str) -> Journalist | None:
    value = (value or "").strip()
    if value.lstrip("#").isdigit():
        person = db.session.get(Journalist, int(value.lstrip("#")))
    else:
        person = db.session.scalar(select(Journalist).where(Journalist.office_id == current_office_id(),
                                                            Journalist.email == value.lower()))
    if person is None or person.office_id != current_office_id():
        return None
    return person


@bp.route("/merge", methods=["GET", "POST"])
@require("edit")
def merge():
    if request.method == "POST":
        form = MergeForm()
        submitted = form.validate_on_submit()
    else:
        form = MergeForm(formdata=request.args or None, meta={"csrf": False})
        submitted = bool(request.args) and form.validate()
    keep = drop = None
    status = 200
    if submitted:
        keep, drop = _find_journalist(form.keep.data), _find_journalist(form.drop.data)
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
    if any(f.errors for f in form):
        status = 422
    return render_template("contacts/merge.html", form=form, keep=keep, drop=drop), status


@bp.get("/export")
@require("read")
def export():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400)
    try:
        filters = JournalistFilters.from_args(request.args)
    except ValidationError:
        abort(400)
    rows = db.session.scalars(journalist_query(current_office_id(), filters)).unique()
    if fmt == "csv":
        return Response(exporter.export_csv(rows), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="nha-bao.csv"'})
    return Response(exporter.export_xlsx(rows), mimetype=exporter.XLSX_MIMETYPE,
                    headers={"Content-Disposition": 'attachment; filename="nha-bao.xlsx"'})


# --- outlets -------------------------------------------------------------------------------------

@bp.get("/outlets")
@require("read")
def outlets():
    q = request.args.get("q", "")
    query = outlet_query(current_office_id(), q)
    counts = dict(db.session.execute(
        select(Journalist.outlet_id, func.count())
        .where(Journalist.office_id == current_office_id(), Journalist.status == "active")
        .group_by(Journalist.outlet_id)).all())
    return render_template("contacts/outlets.html", rows=list(db.session.scalars(query)), q=q, counts=counts)


def _outlet_data(form: OutletForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "level": form.level.data,
            "website": form.website.data, "domains": form.domains.data or ""}


@bp.route("/outlets/new", methods=["GET", "POST"])
@require("edit")
def new_outlet():
    form = OutletForm()
    if form.validate_on_submit():
        try:
            outlet = ops.create_outlet(current_office_id(), _outlet_data(form))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã thêm cơ quan báo chí %(name)s.", name=outlet.name), "success")
            return redirect(url_for("contacts.outlets"))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("contacts/outlet_form.html", form=form, outlet=None), status


@bp.route("/outlets/<int:outlet_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_outlet(outlet_id: int):
    outlet = get_or_404(Outlet, outlet_id)
    form = OutletForm(obj=outlet) if request.method == "GET" else OutletForm()
    if request.method == "GET":
        form.domains.data = ", ".join(outlet.domains or [])
    if form.validate_on_submit():
        try:
            ops.update_outlet(outlet, _outlet_data(form))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("contacts.outlets"))
    status = 422 if any(f.errors for f in form) else 200
    people = list(db.session.scalars(select(Journalist).where(Journalist.outlet_id == outlet.id)
                                     .order_by(Journalist.full_name_folded)))
    return render_template("contacts/outlet_form.html", form=form, outlet=outlet, people=people), status


@bp.post("/outlets/<int:outlet_id>/delete")
@require("edit")
def delete_outlet(outlet_id: int):
    outlet = get_or_404(Outlet, outlet_id)
    try:
        ops.delete_outlet(outlet)
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("contacts.edit_outlet", outlet_id=outlet_id))
    flash(_("Đã xoá cơ quan báo chí."), "success")
    return redirect(url_for("contacts.outlets"))


# --- beats ---------------------------------------------------------------------------------------

@bp.route("/beats", methods=["GET", "POST"])
@require("read")
def beats():
    form = BeatForm()
    status = 200
    if request.method == "POST":
        if not can(current_user, "edit"):
            abort(403)
        if form.validate_on_submit():
            try:
                beat = ops.create_beat(current_office_id(), form.name.data)
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                flash(_("Đã thêm lĩnh vực %(name)s.", name=beat.name), "success")
                return redirect(url_for("contacts.beats"))
        status = 422
    rows = list(db.session.scalars(select(Beat).where(Beat.office_id == current_office_id()).order_by(Beat.slug)))
    counts = dict(db.session.execute(select(journalist_beat.c.beat_id, func.count())
                                     .where(journalist_beat.c.beat_id.in_([b.id for b in rows]))
                                     .group_by(journalist_beat.c.beat_id)).all()) if rows else {}
    return render_template("contacts/beats.html", form=form, rows=rows, counts=counts), status


@bp.post("/beats/<int:beat_id>/rename")
@require("edit")
def rename_beat(beat_id: int):
    beat = get_or_404(Beat, beat_id)
    try:
        ops.rename_beat(beat, request.form.get("name", ""))
        flash(_("Đã đổi tên lĩnh vực."), "success")
    except DomainError as exc:
        flash_error(exc)
    return redirect(url_for("contacts.beats"))


@bp.post("/beats/<int:beat_id>/delete")
@require("edit")
def delete_beat(beat_id: int):
    ops.delete_beat(get_or_404(Beat, beat_id))
    flash(_("Đã xoá lĩnh vực."), "success")
    return redirect(url_for("contacts.beats"))


# --- distribution lists ------------------------------------------------------------------------

@bp.get("/lists")
@require("read")
def lists():
    rows = list(db.session.scalars(select(DistributionList).where(DistributionList.office_id == current_office_id())
                                   .order_by(DistributionList.name)))
    summary = {}
    for dl in rows:
        members = list_members(dl)
        summary[dl.id] = (sum(1 for m in members if m["included"]), sum(1 for m in members if not m["included"]))
    return render_template("contacts/lists.html", rows=rows, summary=summary)


def _list_form() -> ListForm:
    form = ListForm()
    office_id = current_office_id()
    form.rule_beats.choices = [SelectChoice(b.id, b.name) for b in db.session.scalars(
        select(Beat).where(Beat.office_id == office_id).order_by(Beat.slug))]
    form.rule_outlets.choices = _outlet_choices()
    return form


def _list_data(form: ListForm) -> dict:
    rule = {"beat_ids": form.rule_beats.data or [], "outlet_kinds": form.rule_kinds.data or [],
            "levels": form.rule_levels.data or [], "outlet_ids": form.rule_outlets.data or []}
    return {"name": form.name.data, "description": form.description.data,
            "rule": {k: v for k, v in rule.items() if v}}


@bp.route("/lists/new", methods=["GET", "POST"])
@require("edit")
def new_list():
    form = _list_form()
    if form.validate_on_submit():
        try:
            dl = ops.create_list(current_office_id(), _list_data(form))
        except DomainError as exc:
            apply_errors(form, exc, {"rule": "rule_beats"})
        else:
            flash(_("Đã tạo danh sách %(name)s.", name=dl.name), "success")
            return redirect(url_for("contacts.list_detail", list_id=dl.id))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("contacts/list_form.html", form=form, dl=None), status


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_list(list_id: int):
    dl = get_or_404(DistributionList, list_id)
    form = _list_form()
    if request.method == "GET":
        rule = dl.rule or {}
        form.name.data, form.description.data = dl.name, dl.description
        form.rule_beats.data = rule.get("beat_ids", [])
        form.rule_kinds.data = rule.get("outlet_kinds", [])
        form.rule_levels.data = rule.get("levels", [])
        form.rule_outlets.data = rule.get("outlet_ids", [])
    elif form.validate_on_submit():
        try:
            ops.update_list(dl, _list_data(form))
        except DomainError as exc:
            apply_errors(form, exc, {"rule": "rule_beats"})
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("contacts.list_detail", list_id=dl.id))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("contacts/list_form.html", form=form, dl=dl), status


@bp.route("/lists/<int:list_id>", methods=["GET", "POST"])
@require("read")
def list_detail(list_id: int):
    dl = get_or_404(DistributionList, list_id)
    form = AddMemberForm()
    status = 200
    if request.method == "POST":
        if not can(current_user, "edit"):
            abort(403)
        if form.validate_on_submit():
            person = _find_journalist(form.who.data)
            if person is None:
                form.who.errors.append(_("Không tìm thấy nhà báo này."))
            else:
                ops.add_members(dl, [person])
                flash(_("Đã thêm %(name)s vào danh sách.", name=person.full_name), "success")
                return redirect(url_for("contacts.list_detail", list_id=dl.id))
        status = 422
    members = list_members(dl)
    rule = dl.rule or {}
    rule_text = {
        "beats": [b.name for b in db.session.scalars(select(Beat).where(Beat.id.in_(rule.get("beat_ids") or [])))],
        "kinds": [str(ops.KIND_LABELS[k]) for k in rule.get("outlet_kinds") or []],
        "levels": [str(ops.LEVEL_LABELS[k]) for k in rule.get("levels") or []],
        "outlets": [o.name for o in db.session.scalars(
            select(Outlet).where(Outlet.id.in_(rule.get("outlet_ids") or [])))],
    }
    return render_template("contacts/list.html", dl=dl, form=form, rule_text=rule_text,
                           included=[m for m in members if m["included"]],
                           excluded=[m for m in members if not m["included"]]), status


@bp.post("/lists/<int:list_id>/members/<int:journalist_id>/remove")
@require("edit")
def remove_list_member(list_id: int, journalist_id: int):
    dl = get_or_404(DistributionList, list_id)
    if ops.remove_member(dl, journalist_id):
        flash(_("Đã bỏ khỏi danh sách."), "success")
    return redirect(url_for("contacts.list_detail", list_id=dl.id))


@bp.post("/lists/<int:list_id>/delete")
@require("edit")
def delete_list(list_id: int):
    ops.delete_list(get_or_404(DistributionList, list_id))
    flash(_("Đã xoá danh sách."), "success")
    return redirect(url_for("contacts.lists"))


# --- import ------------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@require("edit")
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            filename, data = importer.read_upload(form.file.data)
            parsed = importer.parse_file(filename, data)
        except importer.FileTooLarge as exc:
            form.file.errors.append(exc.message)
            return render_template("contacts/import.html", form=form), 413
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if len(parsed.rows) > importer.BACKGROUND_ROWS:
                record = importer.create_record(current_office_id(), current_user.id, filename, parsed, data,
                                                dry_run=True)
                importer.enqueue_after_commit(record)
            else:
                with uow.dry_run():
                    report = importer.run_import(current_office_id(), parsed, dry_run=True, filename=filename)
                record = importer.create_record(current_office_id(), current_user.id, filename, parsed, data,
                                                dry_run=True, report=report)
            return redirect(url_for("contacts.import_report", import_id=record.id))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("contacts/import.html", form=form), status


@bp.get("/import/<int:import_id>")
@require("edit")
def import_report(import_id: int):
    record = get_or_404(ContactImport, import_id)
    progress = importer.progress_of(record)
    return render_template("contacts/import_report.html", record=record, progress=progress,
                           report=record.report if record.status == "done" else None)


@bp.get("/import/<int:import_id>/status.json")
@require("edit")
def import_status(import_id: int):
    record = get_or_404(ContactImport, import_id)
    progress = importer.progress_of(record)
    return jsonify(progress)


@bp.post("/import/<int:import_id>/confirm")
@require("edit")
def import_confirm(import_id: int):
    preview = get_or_404(ContactImport, import_id)
    if not preview.dry_run or preview.status != "done" or not preview.content:
        flash(_("Bản xem trước này không còn dùng được; hãy tải tệp lên lại."), "error")
        return redirect(url_for("contacts.import_upload"))
    try:
        parsed = importer.parse_file(preview.filename, preview.content)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("contacts.import_upload"))
    content = preview.content
    preview.content = None  # one confirmation per preview
    if len(parsed.rows) > importer.BACKGROUND_ROWS:
        record = importer.create_record(current_office_id(), current_user.id, preview.filename, parsed, content,
                                        dry_run=False)
        importer.enqueue_after_commit(record)
    else:
        report = importer.run_import(current_office_id(), parsed, dry_run=False, filename=preview.filename)
        record = importer.create_record(current_office_id(), current_user.id, preview.filename, parsed, None,
                                        dry_run=False, report=report)
        flash(_("Đã nhập: %(created)d thêm mới, %(updated)d cập nhật, %(rejected)d bị từ chối.",
                **report["summary"]), "success")
    return redirect(url_for("contacts.import_report", import_id=record.id))


@bp.get("/import/template.xlsx")
@require("read")
def import_template():
    return Response(exporter.template_xlsx(), mimetype=exporter.XLSX_MIMETYPE,
                    headers={"Content-Disposition": 'attachment; filename="mau-danh-ba-bao-chi.xlsx"'})
