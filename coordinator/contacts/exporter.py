"""Exports (CSV with a BOM for Excel, XLSX), the import template, and vCards — and the downloads that carry
them, which the pages and the API both answer with."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from coordinator.contacts.import_file import TEMPLATE_HEADERS
from coordinator.contacts.models import Journalist
from coordinator.contacts.operations import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS, display_phone
from coordinator.contacts.search import JournalistFilters, journalist_query
from coordinator.extensions import db

EXPORT_HEADERS = (_l("Mã"), *TEMPLATE_HEADERS, _l("Trạng thái"), _l("Lý do trạng thái"))
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def journalist_row(journalist: Journalist) -> list[object]:
    """A journalist as the export's columns (``EXPORT_HEADERS``)."""
    outlet = journalist.outlet
    return [journalist.id, journalist.full_name, outlet.name, journalist.email, display_phone(journalist.phone),
            "; ".join(b.name for b in journalist.beats), journalist.language, journalist.notes or "",
            str(KIND_LABELS[outlet.kind]), str(LEVEL_LABELS[outlet.level]),
            str(STATUS_LABELS[journalist.status]), journalist.status_reason or ""]


def export_csv(journalists: Iterable[Journalist]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(header) for header in EXPORT_HEADERS])
    for journalist in journalists:
        writer.writerow([neutralise(value) for value in journalist_row(journalist)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(journalists: Iterable[Journalist]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Nhà báo"))
    sheet.append([str(header) for header in EXPORT_HEADERS])
    for journalist in journalists:
        sheet.append([neutralise(value) for value in journalist_row(journalist)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """The import template (headers and help in the current language), an example row, and the accepted
    values."""
    headers = [str(header) for header in TEMPLATE_HEADERS] + [_("Đồng ý")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nhà báo")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["Nguyễn Thị Hạnh", "Báo Quảng Ninh", "hanh.nguyen@baoquangninh.vn", "0912 345 678",
                  "Kinh tế; Du lịch", "vi", "Phóng viên thường trú Hạ Long", str(KIND_LABELS["newspaper"]),
                  str(LEVEL_LABELS["provincial"]), _("đồng ý")])
    widths = (28, 30, 32, 16, 26, 10, 30, 16, 14, 14)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    kinds = ",".join(str(label) for label in KIND_LABELS.values())
    levels = ",".join(str(label) for label in LEVEL_LABELS.values())
    for formula, column in ((f'"{kinds}"', "H"), (f'"{levels}"', "I"), ('"vi,en"', "F")):
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}5000")
    help_sheet = workbook.create_sheet(_("Hướng dẫn"))
    for line in (
        (_("Cột bắt buộc: %(columns)s.", columns=", ".join(headers[:3])),),
        (_("Điện thoại: số Việt Nam (0912 345 678) hoặc quốc tế (+44 20 7946 0000)."),),
        (_("Lĩnh vực: nhiều lĩnh vực cách nhau bằng dấu chấm phẩy (;)."),),
        (_("Ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh)."),),
        (_("Loại hình (khi tạo cơ quan mới): %(choices)s", choices=", ".join(str(v) for v in KIND_LABELS.values())),),
        (_("Cấp (khi tạo cơ quan mới): %(choices)s", choices=", ".join(str(v) for v in LEVEL_LABELS.values())),),
        (_("Email đã có trong danh bạ: hồ sơ được cập nhật. Email trùng trong tệp: dòng sau bị từ chối."),),
        (_("Đồng ý (cơ sở xử lý dữ liệu cá nhân): đồng ý, công vụ, hợp đồng hoặc không (đã rút); để trống: "
           "nhiệm vụ công của văn phòng."),),
    ):
        help_sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- vCard 3.0 -------------------------------------------------------------------------------------

def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "")
            .replace(",", "\\,").replace(";", "\\;"))


def _fold_line(line: str) -> str:
    """Lines of at most 75 octets, continuation lines start with a space, UTF-8 never split."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def vcard(journalist: Journalist) -> str:
    """A vCard 3.0 (Vietnamese names: family name first, given name last)."""
    parts = journalist.full_name.split()
    family = parts[0] if len(parts) > 1 else ""
    given = parts[-1] if parts else ""
    middle = " ".join(parts[1:-1]) if len(parts) > 2 else ""
    lines = [
        "BEGIN:VCARD", "VERSION:3.0",
        f"N:{_escape(family)};{_escape(given)};{_escape(middle)};;",
        f"FN:{_escape(journalist.full_name)}",
        f"ORG:{_escape(journalist.outlet.name)}",
        f"EMAIL;TYPE=INTERNET:{_escape(journalist.email)}",
    ]
    if journalist.phone:
        lines.append(f"TEL;TYPE=CELL:{journalist.phone}")
    if journalist.beats:
        lines.append("CATEGORIES:" + ",".join(_escape(b.name) for b in journalist.beats))
    if journalist.notes:
        lines.append(f"NOTE:{_escape(journalist.notes)}")
    if journalist.outlet.website:
        lines.append(f"URL:{journalist.outlet.website}")
    lines += [f"LANG:{journalist.language}", f"REV:{journalist.updated_at:%Y%m%dT%H%M%SZ}", "END:VCARD"]
    return "\r\n".join(_fold_line(line) for line in lines) + "\r\n"


def vcard_filename(journalist: Journalist) -> str:
    from coordinator.contacts.text import slugify

    return f"{slugify(journalist.full_name) or 'nha-bao'}-{journalist.id}.vcf"


# --- downloads -------------------------------------------------------------------------------------

def attachment(data: bytes | str, mimetype: str, filename: str) -> Response:
    """A file to save rather than show."""
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def journalists_download(office_id: int, filters: JournalistFilters, file_format: str) -> Response:
    """The office's journalists that ``filters`` select, as ``nha-bao.csv`` or ``nha-bao.xlsx``
    (``file_format`` one of ``EXPORT_FORMATS``, checked by the caller, which says no in its own way)."""
    rows = db.session.scalars(journalist_query(office_id, filters)).unique()
    if file_format == "csv":
        return attachment(export_csv(rows), "text/csv; charset=utf-8", "nha-bao.csv")
    return attachment(export_xlsx(rows), XLSX_MIMETYPE, "nha-bao.xlsx")


def vcard_download(journalist: Journalist) -> Response:
    return attachment(vcard(journalist), "text/vcard", vcard_filename(journalist))


def template_download() -> Response:
    return attachment(template_xlsx(), XLSX_MIMETYPE, "mau-danh-ba-bao-chi.xlsx")


__all__ = ["EXPORT_FORMATS", "XLSX_MIMETYPE", "attachment", "display_phone", "export_csv", "export_xlsx",
           "journalists_download", "neutralise", "template_download", "template_xlsx", "vcard", "vcard_download"]
