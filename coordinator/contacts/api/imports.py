"""``/api/v1/journalists/import``: an import file, run now or (when large) in the background."""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, url_for

from coordinator.api import bp
from coordinator.api.common import get_scoped, office_id, require
from coordinator.contacts import importer
from coordinator.contacts.models import ContactImport


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@bp.post("/journalists/import")
def import_journalists() -> Any:
    require("edit")
    dry_run = _flag(request.args.get("dry_run") or request.form.get("dry_run"))
    filename, data = importer.read_upload(request.files.get("file"))
    parsed = importer.parse_file(filename, data)
    if importer.runs_in_background(parsed):
        record = importer.queue(office_id(), g.api_user.id, filename, parsed, data, dry_run=dry_run)
        return jsonify({"job_id": record.id, "status_url": url_for("api.import_status", import_id=record.id)}), 202
    return importer.public_report(importer.run_now(office_id(), parsed, dry_run=dry_run, filename=filename))


@bp.get("/journalists/imports/<int:import_id>")
def import_status(import_id: int) -> Any:
    record = get_scoped(ContactImport, import_id)
    if record.status == "done" and record.report:
        return importer.public_report(record.report)
    body = {"job_id": record.id, **importer.progress_of(record)}
    return jsonify(body), (200 if record.status == "failed" else 202)
