"""Importing journalists from CSV or XLSX: checking each row and applying it, and stored (background) imports.

``parse_file`` (``coordinator.contacts.import_file``, re-exported here) checks the file as a whole.
``run_import`` then reports on every data row — created, updated or rejected with the reason —
inside the caller's transaction: the caller commits (real run) or rolls back (dry run), so a
real run is all or nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from coordinator.contacts import operations as ops
from coordinator.contacts.import_file import (  # noqa: F401 (re-exported: the file side of an import)
    FIELDS,
    HEADER_ALIASES,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    REQUIRED,
    TEMPLATE_HEADERS,
    FileTooLarge,
    ParsedFile,
    file_error,
    header_key,
    parse_file,
    read_upload,
    sniff_format,
)
from coordinator.contacts.models import (
    Beat,
    ConsentRecord,
    ContactImport,
    Journalist,
    JournalistOutletHistory,
    Outlet,
    journalist_beat,
)
from coordinator.contacts.text import clean, fold
from coordinator.core import audit, clock, uow
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from coordinator.offices.models import Office

BACKGROUND_ROWS = 2000  # more data rows than this run as a background job
INSERT_BATCH = 500


# --- checking rows ---------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    full_name: str = ""
    email: str = ""
    outlet_name: str = ""
    phone: str | None = None
    beats: list[str] | None = None
    language: str | None = None
    notes: str | None = None
    kind: str | None = None
    level: str | None = None
    consent: str | None = None  # the basis the row names (None: the office's default)
    withdrawn: bool = False
    errors: list[str] = field(default_factory=list)


_REQUIRED_LABELS = {"full_name": _l("Họ và tên"), "outlet": _l("Cơ quan báo chí"), "email": _l("Email")}
# Column → (parser, attribute of _Row).
_CHECKS: tuple[tuple[str, Callable[[Any], Any], str], ...] = (
    ("email", ops.normalize_email, "email"), ("phone", ops.normalize_phone, "phone"),
    ("beats", ops.parse_beat_names, "beats"), ("language", ops.parse_language, "language"),
    ("outlet_kind", ops.parse_kind, "kind"), ("outlet_level", ops.parse_level, "level"))
# Columns whose values repeat from row to row (a few beats, languages, kinds): parsed once per distinct value.
_REPEATING = frozenset({"beats", "language", "outlet_kind", "outlet_level"})


def _check_row(number: int, values: dict[str, Any], memo: dict[tuple[str, Any], Any] | None = None) -> _Row:
    """One data row's values parsed, with every reason to reject it in ``errors``."""
    row = _Row(number)
    for name in REQUIRED:
        if not values.get(name):
            row.errors.append(_("Thiếu %(column)s.", column=str(_REQUIRED_LABELS[name])))
    row.full_name = clean(values.get("full_name"))
    if len(row.full_name) > 255:
        row.errors.append(_("Họ và tên tối đa 255 ký tự."))
    row.outlet_name = clean(values.get("outlet"))
    if len(row.outlet_name) > 255:
        row.errors.append(_("Tên cơ quan báo chí tối đa 255 ký tự."))
    for name, parser, attribute in _CHECKS:
        value = values.get(name)
        if value is None or (name == "email" and not value):
            continue
        outcome = _parse(name, parser, value, memo)
        if isinstance(outcome, ValidationError):
            row.errors.extend(outcome.fields.values())
        else:
            setattr(row, attribute, list(outcome) if name == "beats" else outcome)
    notes = values.get("notes")
    row.notes = notes.strip() if isinstance(notes, str) and notes.strip() else None
    try:
        row.consent, row.withdrawn = ops.parse_consent_cell(values.get("consent"))
    except ValidationError as exc:
        row.errors.extend(exc.fields.values())
    return row


def _parse(name: str, parser: Callable[[Any], Any], value: Any, memo: dict | None) -> Any:
    """The parsed value, or the ValidationError it raised; remembered for repeating columns."""
    key = (name, value) if memo is not None and name in _REPEATING and isinstance(value, str) else None
    if key is not None and key in memo:
        return memo[key]
    try:
        outcome = parser(value)
    except ValidationError as exc:
        outcome = exc
    if key is not None:
        memo[key] = tuple(outcome) if isinstance(outcome, list) else outcome
    return outcome


def _check_rows(rows: list[tuple[int, dict[str, Any]]]) -> list[_Row]:
    """Every row checked; a valid row repeating an earlier row's email is rejected."""
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    memo: dict[tuple[str, Any], Any] = {}
    for number, values in rows:
        row = _check_row(number, values, memo)
        if row.email and not row.errors:
            if row.email in seen:
                row.errors.append(_("Trùng email %(email)s với dòng %(row)d trong tệp.", email=row.email,
                                    row=seen[row.email]))
            else:
                seen[row.email] = number
        checked.append(row)
    return checked


# --- applying them ---------------------------------------------------------------------------------

@dataclass
class _Lookups:
    """The office's outlets and beats, read once per import; outlets the file names anew are made here."""

    office_id: int
    outlets: dict[str, Outlet]  # by folded name
    beat_cache: dict[str, Beat]  # by slug
    beats_of: dict[tuple[str, ...], list[Beat]] = field(default_factory=dict)
    folded_names: dict[str, str] = field(default_factory=dict)  # outlet names repeat from row to row
    new_outlets: list[Outlet] = field(default_factory=list)

    @classmethod
    def load(cls, office_id: int) -> _Lookups:
        outlets = {o.name_folded: o for o in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id))}
        beats = {b.slug: b for b in db.session.scalars(select(Beat).where(Beat.office_id == office_id))}
        return cls(office_id, outlets, beats)

    def outlet(self, row: _Row) -> Outlet:
        """The row's outlet by name; a new one (kind guessed from the name unless given) if unknown."""
        folded = self.folded_names.get(row.outlet_name)
        if folded is None:
            folded = self.folded_names[row.outlet_name] = fold(row.outlet_name)
        outlet = self.outlets.get(folded)
        if outlet is None:
            outlet = Outlet(office_id=self.office_id, name=row.outlet_name, name_folded=folded,
                            kind=row.kind or ops.guess_kind(row.outlet_name), level=row.level or "provincial",
                            domains=[])
            db.session.add(outlet)
            self.outlets[outlet.name_folded] = outlet
            self.new_outlets.append(outlet)
        return outlet

    def beats(self, names: list[str] | None) -> list[Beat]:
        key = tuple(names or ())
        beats = self.beats_of.get(key)
        if beats is None:
            beats = self.beats_of[key] = ops.get_or_create_beats(self.office_id, key, self.beat_cache)
        return beats


def run_import(office_id: int, parsed: ParsedFile, *, dry_run: bool, filename: str = "",
               progress: Callable[[int, int], None] | None = None, import_id: int | None = None) -> dict:
    """Report ``{"dry_run", "summary", "rows"}``; writes in the caller's transaction (not committed).

    New journalists are written in bulk (one multi-row INSERT per few hundred, with their outlet history
    and beats likewise) rather than as ORM objects one by one: the unit of work cost more than all the
    rest of an import of 10,000 rows. Journalists already in the book are updated as objects."""
    total = len(parsed.rows)
    checked = _check_rows(parsed.rows)
    with db.session.no_autoflush:
        existing = _existing_by_email(office_id, [r.email for r in checked if not r.errors])
        lookups = _Lookups.load(office_id)
        today = ops.office_today(office_id)
        results: list[list[Any]] = []  # [row, journalist or its id or None, status]
        created: list[tuple[int, _Row, Outlet, list[Beat]]] = []  # (index in results, row, outlet, beats)
        for index, row in enumerate(checked, start=1):
            if progress is not None and index % 250 == 0:
                progress(index, total)
            if row.errors:
                results.append([row, None, "rejected"])
                continue
            outlet = lookups.outlet(row)
            journalist = existing.get(row.email)
            if journalist is None:
                created.append((len(results), row, outlet, lookups.beats(row.beats)))
                results.append([row, None, "created"])
            else:
                _update_existing(journalist, row, outlet, today, lookups.beat_cache)
                results.append([row, journalist, "updated"])
    db.session.flush()  # new outlets and beats get their ids; updates are written
    new_ids = _insert_journalists(office_id, created, today)
    for position, journalist_id in zip((c[0] for c in created), new_ids, strict=True):
        results[position][1] = journalist_id
    _record_consents(office_id, results, new_ids, filename)
    if progress is not None:
        progress(total, total)
    summary, rows_out, labels = _summarise(results, dry_run)
    if not dry_run:
        audit.record("journalists.imported", ("contact_import", import_id), office_id=office_id,
                     data={"filename": filename, **summary,
                           "outlets_created": [o.id for o in lookups.new_outlets]})
    return {"dry_run": dry_run, "summary": summary, "rows": rows_out, "labels": labels,
            "outlets_created": [o.name for o in lookups.new_outlets]}


def _summarise(results: list[list[Any]], dry_run: bool) -> tuple[dict[str, int], list[dict], dict[str, list]]:
    """Counts by outcome, a line per row (a dry run's new journalists have no id), and each row's
    name and email for the report page."""
    rows_out = []
    summary = {"created": 0, "updated": 0, "rejected": 0}
    labels = {}
    for row, journalist, status in results:
        summary[status] += 1
        item: dict[str, Any] = {"row": row.number, "status": status}
        if status == "rejected":
            item["reason"] = " ".join(row.errors)
        elif not (dry_run and status == "created"):
            item["journalist_id"] = journalist if isinstance(journalist, int) else journalist.id
        rows_out.append(item)
        labels[str(row.number)] = [row.full_name, row.email]
    return summary, rows_out, labels


def _insert_journalists(office_id: int, created: list[tuple[int, _Row, Outlet, list[Beat]]],
                        today: date) -> list[int]:
    """Insert the new journalists, their first outlet period and their beats; their ids, in order."""
    if not created:
        return []
    journalists, history, beat_links = Journalist.__table__, JournalistOutletHistory.__table__, journalist_beat
    now = clock.now()
    ids: list[int] = []
    for start in range(0, len(created), INSERT_BATCH):
        batch = created[start:start + INSERT_BATCH]
        values = [{"office_id": office_id, "full_name": row.full_name, "full_name_folded": fold(row.full_name),
                   "email": row.email, "phone": row.phone, "outlet_id": outlet.id, "language": row.language or "vi",
                   "notes": row.notes, "status": "active", "created_at": now, "updated_at": now}
                  for _, row, outlet, _ in batch]
        new_ids = list(db.session.scalars(
            insert(journalists).returning(journalists.c.id, sort_by_parameter_order=True), values))
        db.session.execute(insert(history), [
            {"journalist_id": journalist_id, "outlet_id": outlet.id, "valid_from": today, "valid_to": None}
            for journalist_id, (_, _, outlet, _) in zip(new_ids, batch, strict=True)])
        links = [{"journalist_id": journalist_id, "beat_id": beat.id}
                 for journalist_id, (_, _, _, beats) in zip(new_ids, batch, strict=True) for beat in beats]
        if links:
            db.session.execute(insert(beat_links), links)
        ids.extend(new_ids)
    return ids


def _record_consents(office_id: int, results: list[list[Any]], new_ids: list[int], filename: str) -> None:
    """Each new journalist's first consent record (the row's basis, else the office's public task), in bulk;
    a row for a journalist already in the book that names a basis or a withdrawal changes their record."""
    office = db.session.get(Office, office_id)
    now = clock.now()
    rows = []
    for row, journalist, status in results:
        detail = _("dòng %(row)s của tệp %(file)s", row=row.number, file=filename or "?")
        if status == "created":
            rows.append({"office_id": office_id, "journalist_id": journalist, "basis": row.consent or "public_task",
                         "purpose": office.contacts_purpose or "", "network_sharing": False, "source": "import",
                         "source_detail": detail, "recorded_at": now, "withdrawn_at": now if row.withdrawn else None})
        elif status == "updated" and row.withdrawn:
            ops.withdraw_consent(journalist, source="import")
        elif status == "updated" and row.consent:
            current = ops.current_consent(journalist)
            if current is None or current.basis != row.consent or current.withdrawn_at is not None:
                ops.record_consent(journalist, {"basis": row.consent, "purpose": office.contacts_purpose or "",
                                                "network_sharing": bool(current and current.network_sharing
                                                                        and current.withdrawn_at is None)},
                                   source="import", detail=detail)
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(ConsentRecord.__table__), rows[start:start + INSERT_BATCH])
    blocked = [r["journalist_id"] for r in rows
               if not ops.basis_covers(_Basis(r["basis"], r["withdrawn_at"]), office)]  # type: ignore[arg-type]
    if blocked:
        db.session.execute(insert(Suppression.__table__), [
            {"office_id": office_id, "email": email, "reason": ops.NO_CONSENT, "created_at": now}
            for email in db.session.scalars(select(Journalist.email).where(Journalist.id.in_(blocked)))])


@dataclass
class _Basis:
    """Enough of a consent record for ``basis_covers`` (a bulk-inserted row has no object)."""

    basis: str
    withdrawn_at: Any


def public_report(report: dict) -> dict:
    """The report as the API promises it: ``{"dry_run", "summary", "rows"}``."""
    return {"dry_run": report["dry_run"], "summary": report["summary"], "rows": report["rows"]}


def _existing_by_email(office_id: int, emails: list[str]) -> dict[str, Journalist]:
    found: dict[str, Journalist] = {}
    unique = sorted(set(emails))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for journalist in db.session.scalars(select(Journalist).where(Journalist.office_id == office_id,
                                                                      Journalist.email.in_(chunk))).unique():
            found[journalist.email] = journalist
    return found


def _update_existing(journalist: Journalist, row: _Row, outlet: Outlet, today: date,
                     beat_cache: dict[str, Beat]) -> None:
    """A row for an address already in the book: what the row gives replaces what was there (empty cells
    keep it); another outlet is a move from today. Not audited one by one: the import is."""
    if row.full_name and row.full_name != journalist.full_name:
        journalist.full_name = row.full_name
        journalist.full_name_folded = fold(row.full_name)
    if row.phone:
        journalist.phone = row.phone
    if row.language:
        journalist.language = row.language
    if row.notes:
        journalist.notes = row.notes
    if row.beats:
        journalist.beats = ops.get_or_create_beats(journalist.office_id, row.beats, beat_cache)
    if outlet is not journalist.outlet:
        if outlet.id is None:
            db.session.flush()
        ops.move_to_outlet(journalist, outlet, today, record=False)


# --- running it now or in the background (the API, and the page's dry run → confirm) -----------------

def runs_in_background(parsed: ParsedFile) -> bool:
    return len(parsed.rows) > BACKGROUND_ROWS


def run_now(office_id: int, parsed: ParsedFile, *, dry_run: bool, filename: str) -> dict:
    """Run a small import in this request; a dry run's changes are thrown away (``uow.dry_run``)."""
    if dry_run:
        with uow.dry_run():
            return run_import(office_id, parsed, dry_run=True, filename=filename)
    return run_import(office_id, parsed, dry_run=False, filename=filename)


def queue(office_id: int, user_id: int | None, filename: str, parsed: ParsedFile, data: bytes, *,
          dry_run: bool) -> ContactImport:
    """Store a large import and hand it to a worker once this request has committed."""
    record = create_record(office_id, user_id, filename, parsed, data, dry_run=dry_run)
    enqueue_after_commit(record)
    return record


def create_record(office_id: int, user_id: int | None, filename: str, parsed: ParsedFile, data: bytes | None, *,
                  dry_run: bool, report: dict | None = None) -> ContactImport:
    """A stored import: ``done`` with its report, or ``queued`` (with the file) for a worker."""
    record = ContactImport(office_id=office_id, user_id=user_id, filename=filename,
                           file_format=parsed.file_format, content=data, dry_run=dry_run,
                           total_rows=len(parsed.rows), status="done" if report is not None else "queued",
                           report=report, processed_rows=len(parsed.rows) if report is not None else 0)
    db.session.add(record)
    db.session.flush()
    return record


def job_id_for(record: ContactImport) -> str:
    return _job_id(record.id)


def _job_id(record_id: int) -> str:
    return f"contacts-import-{record_id}"


def enqueue(record: ContactImport) -> None:
    """Hand the stored import to a worker (queue ``bulk``); the record must be committed already."""
    _enqueue_by_id(record.id)


def enqueue_after_commit(record: ContactImport) -> None:
    """Hand the import to a worker once the request that stored it has committed."""
    record_id = record.id
    uow.after_commit(lambda: _enqueue_by_id(record_id))


def _enqueue_by_id(record_id: int) -> None:
    from coordinator.core import tasks

    tasks.enqueue("contacts.import", record_id, job_id=_job_id(record_id))


def progress_of(record: ContactImport) -> dict[str, Any]:
    """``{"status", "processed", "total", "percent"}``; while running, from the job's meta in Redis.
    A queued import whose job Redis lost is enqueued again."""
    processed, total = record.processed_rows, record.total_rows
    if record.status in ("queued", "running"):
        try:
            processed, total = _job_progress(record, processed, total)
        except Exception:  # Redis down: the database still says what is known
            pass
    percent = 100 if record.status == "done" else (int(processed * 100 / total) if total else 0)
    return {"status": record.status, "processed": processed, "total": total, "percent": min(percent, 100),
            "error": record.error}


def _job_progress(record: ContactImport, processed: int, total: int) -> tuple[int, int]:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from coordinator.core import tasks

    try:
        job = Job.fetch(job_id_for(record), connection=tasks.redis_connection())
    except NoSuchJobError:
        job = None
    if job is None and record.status == "queued":
        enqueue(record)
    elif job is not None:
        processed = int(job.meta.get("processed", processed) or 0)
        total = int(job.meta.get("total", total) or total)
    return processed, total
