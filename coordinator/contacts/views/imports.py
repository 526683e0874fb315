"""Import pages: upload → dry run report → confirm; large files run in the background with progress."""
from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coordinator.contacts import exporter, importer
from coordinator.contacts.forms import ImportForm
from coordinator.contacts.models import ContactImport
from coordinator.contacts.views.common import bp, form_status
from coordinator.core.errors import DomainError, ValidationError
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.web.forms import apply_errors


@bp.route("/import", methods=["GET", "POST"])
@require("edit")
def import_upload() -> Any:
    """Upload a file: always a dry run first, whose report the next page shows before anything is saved."""
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
            if importer.runs_in_background(parsed):
                record = importer.queue(current_office_id(), current_user.id, filename, parsed, data, dry_run=True)
            else:
                report = importer.run_now(current_office_id(), parsed, dry_run=True, filename=filename)
                record = importer.create_record(current_office_id(), current_user.id, filename, parsed, data,
                                                dry_run=True, report=report)
            return redirect(url_for("contacts.import_report", import_id=record.id))
    return render_template("contacts/import.html", form=form), form_status(form)


@bp.get("/import/<int:import_id>")
@require("edit")
def import_report(import_id: int) -> Any:
    record = get_or_404(ContactImport, import_id)
    progress = importer.progress_of(record)
    return render_template("contacts/import_report.html", record=record, progress=progress,
                           report=record.report if record.status == "done" else None)


@bp.get("/import/<int:import_id>/status.json")
@require("edit")
def import_status(import_id: int) -> Any:
    return jsonify(importer.progress_of(get_or_404(ContactImport, import_id)))


@bp.post("/import/<int:import_id>/confirm")
@require("edit")
def import_confirm(import_id: int) -> Any:
    """Import for real the file a dry run reported on (once: the stored file is let go)."""
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
    office_id, user_id = current_office_id(), current_user.id
    if importer.runs_in_background(parsed):
        record = importer.queue(office_id, user_id, preview.filename, parsed, content, dry_run=False)
    else:
        report = importer.run_now(office_id, parsed, dry_run=False, filename=preview.filename)
        record = importer.create_record(office_id, user_id, preview.filename, parsed, None, dry_run=False,
                                        report=report)
        flash(_("Đã nhập: %(created)d thêm mới, %(updated)d cập nhật, %(rejected)d bị từ chối.",
                **report["summary"]), "success")
    return redirect(url_for("contacts.import_report", import_id=record.id))


@bp.get("/import/template.xlsx")
@require("read")
def import_template() -> Any:
    return exporter.template_download()
