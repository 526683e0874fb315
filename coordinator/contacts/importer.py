"""Importing journalists from CSV or XLSX, the way press offices keep their lists.

``parse_file`` checks the file (size, that its content is what its name says, encoding, header)
and raises ``ValidationError({"file": ...})`` or ``FileTooLarge`` for a bad file as a whole.
``run_import`` then reports on every data row — created, updated or rejected with the reason —
inside the caller's transaction: the caller commits (real run) or rolls back (dry run), so a
real run is all or nothing.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from coordinator.contacts import operations as ops
from coordinator.contacts.models import Beat, Journalist, JournalistOutletHistory, Outlet, journalist_beat
from coordinator.contacts.text import clean, fold
from coordinator.core import audit, clock
from coordinator.core.errors import DomainError, ValidationError
from coordinator.extensions import db

MAX_BYTES = 10 * 1024 * 1024
BACKGROUND_ROWS = 2000  # more data rows than this run as a background job
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # an .xlsx that inflates beyond this is refused (zip bomb)
MAX_ROWS = 100_000

FIELDS = ("full_name", "outlet", "email", "phone", "beats", "language", "notes", "outlet_kind", "outlet_level")
REQUIRED = ("full_name", "outlet", "email")

# Column headers people use, Vietnamese and English; compared folded (case, diacritics, punctuation).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ và tên", "Họ tên", "Họ và tên nhà báo", "Tên nhà báo", "Tên", "Full name", "Fullname",
                  "Name", "Journalist"),
    "outlet": ("Cơ quan báo chí", "Cơ quan", "Đơn vị", "Báo", "Tòa soạn", "Toà soạn", "Outlet", "Press outlet",
               "Media outlet", "Organization", "Organisation", "Media"),
    "email": ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Mail"),
    "phone": ("Điện thoại", "Số điện thoại", "SĐT", "SDT", "ĐT", "Di động", "Phone", "Phone number",
              "Mobile", "Telephone", "Tel"),
    "beats": ("Lĩnh vực", "Lĩnh vực phụ trách", "Chuyên mục", "Mảng", "Beats", "Beat", "Topics"),
    "language": ("Ngôn ngữ", "Language"),
    "notes": ("Ghi chú", "Notes", "Note"),
    "outlet_kind": ("Loại hình", "Loại hình báo chí", "Loại cơ quan", "Outlet kind", "Kind", "Type"),
    "outlet_level": ("Cấp", "Cấp cơ quan", "Cấp báo chí", "Outlet level", "Level"),
}
# The template's headers (and the export's), in order, in the reader's language: the English ones are
# among the aliases above too, so a file downloaded in either language imports again.
TEMPLATE_HEADERS = (_l("Họ và tên"), _l("Cơ quan báo chí"), _l("Email"), _l("Điện thoại"), _l("Lĩnh vực"),
                    _l("Ngôn ngữ"), _l("Ghi chú"), _l("Loại hình"), _l("Cấp"))


def header_key(value: Any) -> str:
    text = fold(str(value or ""))
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)  # "Email (bắt buộc)"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_HEADER_LOOKUP = {header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


class FileTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


@dataclass
class ParsedFile:
    file_format: str
    header_row: int
    columns: dict[str, int]  # field -> column index
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (sheet row, field -> value)


# --- reading the file ------------------------------------------------------------------------------

def sniff_format(filename: str, data: bytes) -> str:
    """``"csv"`` or ``"xlsx"`` when the content agrees with the name; ValidationError otherwise."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(_("Tệp quá lớn: tối đa 10 MB."))
    if not data.strip():
        raise file_error(_("Tệp rỗng."))
    ext = PurePath(filename or "").suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if ext in (".xlsx", ".xlsm"):
        if not is_zip:
            raise file_error(_("Tệp có đuôi %(ext)s nhưng nội dung không phải bảng tính Excel (.xlsx).", ext=ext))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                inflated = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise file_error(_("Tệp .xlsx bị hỏng, không đọc được.")) from None
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise file_error(_("Tệp có đuôi .xlsx nhưng không phải bảng tính Excel (thiếu các thành phần OOXML)."))
        if inflated > MAX_UNCOMPRESSED:
            raise file_error(_("Bảng tính giải nén quá lớn."))
        return "xlsx"
    if ext in (".csv", ".txt"):
        if is_zip or is_ole:
            raise file_error(_("Tệp có đuôi %(ext)s nhưng nội dung là bảng tính Excel; hãy lưu dạng CSV "
                               "hoặc đổi đuôi thành .xlsx.", ext=ext))
        if b"\x00" in data[:4096]:
            raise file_error(_("Tệp CSV không đọc được: có ký tự nhị phân (có thể là UTF-16). Hãy lưu dạng "
                               "“CSV UTF-8”."))
        return "csv"
    if ext == ".xls":
        raise file_error(_("Định dạng Excel 97–2003 (.xls) không được hỗ trợ; hãy lưu thành .xlsx hoặc CSV UTF-8."))
    raise file_error(_("Chỉ nhận tệp .csv hoặc .xlsx."))


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    # Our own export neutralises formulas with a leading apostrophe: take it off again.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]
    return text.strip() or None


def _raw_rows(file_format: str, data: bytes):
    """Yield (sheet row number, list of cell values)."""
    if file_format == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise file_error(_("Tệp CSV không phải mã UTF-8. Trong Excel hãy chọn Lưu thành → “CSV UTF-8 "
                               "(Comma delimited)”.")) from None
        sample = text[:8192]
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise file_error(_("Tệp CSV không đọc được: %(error)s", error=str(exc))) from None
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise file_error(_("Không đọc được bảng tính: tệp bị hỏng hoặc không phải .xlsx.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise file_error(_("Bảng tính không có trang nào."))
        for number, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, list(row)
    except ValidationError:
        raise
    except Exception:
        raise file_error(_("Không đọc được bảng tính: tệp bị hỏng.")) from None
    finally:
        workbook.close()


def parse_file(filename: str, data: bytes) -> ParsedFile:
    file_format = sniff_format(filename, data)
    rows = _raw_rows(file_format, data)
    header_row, columns = 0, {}
    for number, cells in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(cells):
            key = _HEADER_LOOKUP.get(header_key(value))
            if key and key not in found:
                found[key] = index
        if len(found) >= 2:
            header_row, columns = number, found
            break
        if number >= 10:
            break
    if not columns:
        raise file_error(_("Không tìm thấy dòng tiêu đề (ví dụ: Họ và tên, Cơ quan báo chí, Email) trong 10 dòng "
                           "đầu. Hãy dùng tệp mẫu."))
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        labels = {"full_name": _("Họ và tên"), "outlet": _("Cơ quan báo chí"), "email": _("Email")}
        raise file_error(_("Thiếu cột bắt buộc: %(columns)s.", columns=", ".join(labels[m] for m in missing)))
    parsed = ParsedFile(file_format=file_format, header_row=header_row, columns=columns)
    for number, cells in rows:
        values = {name: _cell(cells[index]) if index < len(cells) else None for name, index in columns.items()}
        if all(value is None for value in values.values()):
            continue
        parsed.rows.append((number, values))
        if len(parsed.rows) > MAX_ROWS:
            raise file_error(_("Tệp có quá nhiều dòng (tối đa %(n)d).", n=MAX_ROWS))
    if not parsed.rows:
        raise file_error(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


# --- running it ----------------------------------------------------------------------------------

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
    errors: list[str] = field(default_factory=list)


_REQUIRED_LABELS = {"full_name": _l("Họ và tên"), "outlet": _l("Cơ quan báo chí"), "email": _l("Email")}
_CHECKS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("email", ops.normalize_email), ("phone", ops.normalize_phone), ("beats", ops.parse_beat_names),
    ("language", ops.parse_language), ("outlet_kind", ops.parse_kind), ("outlet_level", ops.parse_level))
# Columns whose values repeat from row to row (a few beats, languages, kinds): parsed once per distinct value.
_REPEATING = frozenset({"beats", "language", "outlet_kind", "outlet_level"})


def _check_row(number: int, values: dict[str, Any], memo: dict[tuple[str, Any], Any] | None = None) -> _Row:
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
    for name, parser in _CHECKS:
        value = values.get(name)
        if value is None or (name == "email" and not value):
            continue
        outcome = _parse(name, parser, value, memo)
        if isinstance(outcome, ValidationError):
            row.errors.extend(outcome.fields.values())
            continue
        parsed = list(outcome) if name == "beats" else outcome
        if name == "email":
            row.email = parsed
        elif name == "phone":
            row.phone = parsed
        elif name == "beats":
            row.beats = parsed
        elif name == "language":
            row.language = parsed
        elif name == "outlet_kind":
            row.kind = parsed
        else:
            row.level = parsed
    notes = values.get("notes")
    row.notes = notes.strip() if isinstance(notes, str) and notes.strip() else None
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


def run_import(office_id: int, parsed: ParsedFile, *, dry_run: bool, filename: str = "",
               progress: Callable[[int, int], None] | None = None, import_id: int | None = None) -> dict:
    """Report ``{"dry_run", "summary", "rows"}``; writes in the caller's transaction (not committed).

    New journalists are written in bulk (one multi-row INSERT per few hundred, with their outlet history
    and beats likewise) rather than as ORM objects one by one: the unit of work cost more than all the
    rest of an import of 10,000 rows. Journalists already in the book are updated as objects."""
    total = len(parsed.rows)
    checked: list[_Row] = []
    seen: dict[str, int] = {}
    memo: dict[tuple[str, Any], Any] = {}
    for number, values in parsed.rows:
        row = _check_row(number, values, memo)
        if row.email and not row.errors:
            if row.email in seen:
                row.errors.append(_("Trùng email %(email)s với dòng %(row)d trong tệp.", email=row.email,
                                    row=seen[row.email]))
            else:
                seen[row.email] = number
        checked.append(row)

    with db.session.no_autoflush:
        existing = _existing_by_email(office_id, [r.email for r in checked if not r.errors])
        outlets = {o.name_folded: o for o in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id))}
        beat_cache = {b.slug: b for b in db.session.scalars(select(Beat).where(Beat.office_id == office_id))}
        beats_of: dict[tuple[str, ...], list[Beat]] = {}
        folded_names: dict[str, str] = {}  # outlet names repeat from row to row
        new_outlets: list[Outlet] = []
        today = ops.office_today(office_id)
        results: list[list[Any]] = []  # [row, journalist or its id or None, status]
        created: list[tuple[int, _Row, Outlet, list[Beat]]] = []  # (index in results, row, outlet, beats)
        for index, row in enumerate(checked, start=1):
            if progress is not None and index % 250 == 0:
                progress(index, total)
            if row.errors:
                results.append([row, None, "rejected"])
                continue
            folded = folded_names.get(row.outlet_name)
            if folded is None:
                folded = folded_names[row.outlet_name] = fold(row.outlet_name)
            outlet = outlets.get(folded)
            if outlet is None:
                outlet = Outlet(office_id=office_id, name=row.outlet_name, name_folded=folded,
                                kind=row.kind or ops.guess_kind(row.outlet_name), level=row.level or "provincial",
                                domains=[])
                db.session.add(outlet)
                outlets[outlet.name_folded] = outlet
                new_outlets.append(outlet)
            journalist = existing.get(row.email)
            if journalist is None:
                names = tuple(row.beats or ())
                beats = beats_of.get(names)
                if beats is None:
                    beats = beats_of[names] = ops.get_or_create_beats(office_id, names, beat_cache)
                created.append((len(results), row, outlet, beats))
                results.append([row, None, "created"])
            else:
                _update_existing(journalist, row, outlet, today, beat_cache)
                results.append([row, journalist, "updated"])
    db.session.flush()  # new outlets and beats get their ids; updates are written
    for position, journalist_id in zip((c[0] for c in created), _insert_journalists(office_id, created, today),
                                       strict=True):
        results[position][1] = journalist_id
    if progress is not None:
        progress(total, total)

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
    if not dry_run:
        audit.record("journalists.imported", ("contact_import", import_id), office_id=office_id,
                     data={"filename": filename, **summary, "outlets_created": [o.id for o in new_outlets]})
    return {"dry_run": dry_run, "summary": summary, "rows": rows_out, "labels": labels,
            "outlets_created": [o.name for o in new_outlets]}


INSERT_BATCH = 500


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


# --- stored imports (background jobs, and the page's dry run → confirm) ------------------------------

def read_upload(storage: Any) -> tuple[str, bytes]:
    """The uploaded file's name and bytes; 413 over 10 MB (read no further than that)."""
    if storage is None or not getattr(storage, "filename", ""):
        raise file_error(_("Hãy chọn một tệp CSV hoặc XLSX."))
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileTooLarge(_("Tệp quá lớn: tối đa 10 MB."))
    return PurePath(storage.filename).name[:255], data


def create_record(office_id: int, user_id: int | None, filename: str, parsed: ParsedFile, data: bytes, *,
                  dry_run: bool, report: dict | None = None) -> Any:
    from coordinator.contacts.models import ContactImport

    record = ContactImport(office_id=office_id, user_id=user_id, filename=filename,
                           file_format=parsed.file_format, content=data, dry_run=dry_run,
                           total_rows=len(parsed.rows), status="done" if report is not None else "queued",
                           report=report, processed_rows=len(parsed.rows) if report is not None else 0)
    db.session.add(record)
    db.session.flush()
    return record


def job_id_for(record: Any) -> str:
    return _job_id(record.id)


def _job_id(record_id: int) -> str:
    return f"contacts-import-{record_id}"


def enqueue(record: Any) -> None:
    """Hand the stored import to a worker (queue ``bulk``); the record must be committed already."""
    _enqueue_by_id(record.id)


def enqueue_after_commit(record: Any) -> None:
    """Hand the import to a worker once the request that stored it has committed."""
    from coordinator.core import uow

    record_id = record.id
    uow.after_commit(lambda: _enqueue_by_id(record_id))


def _enqueue_by_id(record_id: int) -> None:
    from coordinator.core import tasks

    tasks.enqueue("contacts.import", record_id, job_id=_job_id(record_id))


def progress_of(record: Any) -> dict[str, Any]:
    """``{"status", "processed", "total", "percent"}``; while running, from the job's meta in Redis.
    A queued import whose job Redis lost is enqueued again."""
    processed, total = record.processed_rows, record.total_rows
    if record.status in ("queued", "running"):
        try:
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
        except Exception:  # Redis down: the database still says what is known
            pass
    percent = 100 if record.status == "done" else (int(processed * 100 / total) if total else 0)
    return {"status": record.status, "processed": processed, "total": total, "percent": min(percent, 100),
            "error": record.error}
