"""Background contact imports: large files run here, with progress kept in the RQ job's meta."""
from __future__ import annotations

import logging
import traceback

from flask import current_app
from flask_babel import force_locale
from rq import get_current_job
from sqlalchemy import update

from coordinator.contacts import importer
from coordinator.contacts.models import ContactImport
from coordinator.core import clock, uow
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.users.models import User

log = logging.getLogger(__name__)


def run_import(import_id: int) -> str:
    """Run one stored import (dry run or real) in one unit of work. Idempotent: a finished import is left
    alone; a failed attempt rolled back everything, so a retry starts clean. Its state ("running",
    "failed") is written on its own connection, so the upload page sees it whatever the unit does."""
    record = db.session.get(ContactImport, import_id)
    if record is None:
        return "missing"
    if record.status == "done":
        return "done"
    _set_state(import_id, status="running", started_at=clock.now(), error=None)

    job = get_current_job()

    def progress(done: int, total: int) -> None:
        if job is not None:
            job.meta.update({"processed": done, "total": total})
            job.save_meta()

    try:
        # The report's reasons are read by whoever uploaded the file: write them in their language.
        with force_locale(_reader_locale(record)):
            parsed = importer.parse_file(record.filename, record.content or b"")
            if record.dry_run:
                with uow.dry_run():  # a dry run changes nothing
                    report = _import(record, parsed, progress)
            else:
                report = _import(record, parsed, progress)
    except ValidationError as exc:  # the file itself is bad: a final answer, no retry
        uow.abandon()
        _set_state(import_id, status="failed", finished_at=clock.now(), error=exc.message)
        return "failed"
    except Exception as exc:
        uow.abandon()
        summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        log.warning("contact import %s failed: %s", import_id, summary)
        _set_state(import_id, status="failed", finished_at=clock.now(), error=summary)
        raise
    # The report is saved in the same unit of work as the import: both or neither.
    record = db.session.get(ContactImport, import_id, populate_existing=True)
    record.status, record.report, record.finished_at = "done", report, clock.now()
    record.total_rows = record.processed_rows = len(parsed.rows)
    if not record.dry_run:
        record.content = None  # imported: the file is no longer needed
    return "done"


def _import(record: ContactImport, parsed, progress) -> dict:
    return importer.run_import(record.office_id, parsed, dry_run=record.dry_run, filename=record.filename,
                               progress=progress, import_id=record.id)


def _reader_locale(record: ContactImport) -> str:
    """The uploader's language, else the office's, else the default."""
    languages = current_app.config["LANGUAGES"]
    user = db.session.get(User, record.user_id) if record.user_id else None
    office = db.session.get(Office, record.office_id)
    for locale in (user.locale if user else None, office.locale if office else None):
        if locale in languages:
            return locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _set_state(import_id: int, **values) -> None:
    with uow.independent() as connection:
        connection.execute(update(ContactImport).where(ContactImport.id == import_id).values(**values))
