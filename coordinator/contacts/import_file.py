"""Reading a file of journalists (CSV or XLSX, the way press offices keep their lists) into rows.

``parse_file`` checks the file as a whole (size, that its content is what its name says, encoding, header)
and raises ``ValidationError({"file": ...})`` or ``FileTooLarge``; ``coordinator.contacts.importer`` then
checks and applies each data row.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coordinator.contacts.text import fold
from coordinator.core.errors import DomainError, ValidationError

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # an .xlsx that inflates beyond this is refused (zip bomb)
MAX_ROWS = 100_000

FIELDS = ("full_name", "outlet", "email", "phone", "beats", "language", "notes", "outlet_kind", "outlet_level",
          "consent")
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
    "consent": ("Đồng ý", "Cơ sở pháp lý", "Sự đồng ý", "Consent", "Legal basis", "Basis"),
}
# The template's headers (and the export's), in order, in the reader's language: the English ones are
# among the aliases above too, so a file downloaded in either language imports again.
TEMPLATE_HEADERS = (_l("Họ và tên"), _l("Cơ quan báo chí"), _l("Email"), _l("Điện thoại"), _l("Lĩnh vực"),
                    _l("Ngôn ngữ"), _l("Ghi chú"), _l("Loại hình"), _l("Cấp"))


def header_key(value: Any) -> str:
    """A header cell compared with the aliases: folded, without notes in brackets or punctuation."""
    text = fold(str(value or ""))
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)  # "Email (bắt buộc)"
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_HEADER_LOOKUP = {header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


class FileTooLarge(DomainError):
    """Over ``MAX_BYTES``: answered 413, not 422."""

    status = 413
    code = "payload_too_large"


def file_error(message: str) -> ValidationError:
    """A refusal of the file as a whole, shown next to the upload field."""
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
    """A cell as text (whole numbers without ``.0``, dates as ISO), or None when empty."""
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


def _raw_rows(file_format: str, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Yield (sheet row number, list of cell values)."""
    return _csv_rows(data) if file_format == "csv" else _xlsx_rows(data)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(_("Tệp CSV không phải mã UTF-8. Trong Excel hãy chọn Lưu thành → “CSV UTF-8 "
                           "(Comma delimited)”.")) from None
    sample = text[:8192]
    try:  # Excel writes ";" where the decimal separator is a comma, as in Vietnamese settings
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


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
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
    """The file's format, header and non-empty data rows; ``ValidationError`` / ``FileTooLarge`` for a bad file."""
    file_format = sniff_format(filename, data)
    rows = _raw_rows(file_format, data)
    header_row, columns = _find_header(rows)
    parsed = ParsedFile(file_format=file_format, header_row=header_row, columns=columns)
    for number, cells in rows:  # the same iterator: on from the row after the header
        values = {name: _cell(cells[index]) if index < len(cells) else None for name, index in columns.items()}
        if all(value is None for value in values.values()):
            continue
        parsed.rows.append((number, values))
        if len(parsed.rows) > MAX_ROWS:
            raise file_error(_("Tệp có quá nhiều dòng (tối đa %(n)d).", n=MAX_ROWS))
    if not parsed.rows:
        raise file_error(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    """The first row (among the first 10) naming two known columns, and where each field's column is;
    the required columns must be among them."""
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
    return header_row, columns


def read_upload(storage: Any) -> tuple[str, bytes]:
    """The uploaded file's name and bytes; 413 over 10 MB (read no further than that)."""
    if storage is None or not getattr(storage, "filename", ""):
        raise file_error(_("Hãy chọn một tệp CSV hoặc XLSX."))
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileTooLarge(_("Tệp quá lớn: tối đa 10 MB."))
    return PurePath(storage.filename).name[:255], data
