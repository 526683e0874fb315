"""Background contact imports: large files run here, with progress kept in the RQ job's meta."""
from __future__ import annotations

import logging
import traceback

from flask import current_app
from flask_babel import force_locale
from rq import get_current_job

from coordinator.contacts import importer
from coordinator.contacts.models import ContactImport
from coordinator.core import clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.users.models import User

log = logging.getLogger(__name__)


def run_import(import_id: int) -> str:
    """Run one stored import (dry run or real) in one transaction. Idempotent: a finished import is
    left alone; a failed attempt rolled back everything, so a retry starts clean."""
    record = db.session.get(ContactImport, import_id)
    if record is None:
        return "missing"
    if record.status == "done":
        return "done"
    record.status, record.started_at, record.error = "running", clock.now(), None
    db.session.commit()

    job = get_current_job()

    def progress(done: int, total: int) -> None:
        if job is not None:
            job.meta.update({"processed": done, "total": total})
            job.save_meta()

    try:
        # The report's reasons are read by whoever uploaded the file: write them in their language.
        with force_locale(_reader_locale(record)):
            parsed = importer.parse_file(record.filename, record.content or b"")
            report = importer.run_import(record.office_id, parsed, dry_run=record.dry_run,
                                         filename=record.filename, progress=progress, import_id=record.id)
    except ValidationError as exc:  # the file itself is bad: a final answer, no retry
        db.session.rollback()
        _finish(import_id, status="failed", error=exc.message)
        return "failed"
    except Exception as exc:
        db.session.rollback()
        summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        log.warning("contact import %s failed: %s", import_id, summary)
        _finish(import_id, status="failed", error=summary)
        raise
    if record.dry_run:
        db.session.rollback()  # a dry run changes nothing
        _finish(import_id, status="done", report=report, total=len(parsed.rows))
    else:
        # The report is saved in the same transaction as the import: both or neither.
        record.status, record.report, record.finished_at = "done", report, clock.now()
        record.content = None  # imported: the file is no longer needed
        record.total_rows = record.processed_rows = len(parsed.rows)
        db.session.commit()
    return "done"


def _reader_locale(record: ContactImport) -> str:
    """The uploader's language, else the office's, else the default."""
    languages = current_app.config["LANGUAGES"]
    user = db.session.get(User, record.user_id) if record.user_id else None
    office = db.session.get(Office, record.office_id)
    for locale in (user.locale if user else None, office.locale if office else None):
        if locale in languages:
            return locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _finish(import_id: int, *, status: str, report: dict | None = None, error: str | None = None,
            total: int | None = None) -> None:
    record = db.session.get(ContactImport, import_id)
    record.status, record.finished_at, record.error = status, clock.now(), error
    if report is not None:
        record.report = report
    if total is not None:
        record.total_rows = record.processed_rows = total
    db.session.commit()
