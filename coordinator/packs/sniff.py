"""What a file really is, from its bytes (never its name or the browser's word), and Office zips
checked against decompression bombs before anyone opens them.

PDF ``%PDF-``, PNG signature, JPEG ``FF D8 FF``, MP4 ``ftyp`` box at offset 4, and ZIP-based Office
files told apart by ``[Content_Types].xml`` naming the right main part (which must exist).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "mp4": "video/mp4",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
EXTENSIONS: dict[str, str] = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "mp4": "mp4",
                              "docx": "docx", "xlsx": "xlsx", "pptx": "pptx"}
OFFICE_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4A ", b"dash",
              b"mmp4", b"MSNV", b"f4v "}

# Decompression limits for Office zips.
MAX_ENTRIES = 2000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # total uncompressed / compressed size
MAX_ENTRY_RATIO = 200
MAX_CONTENT_TYPES_BYTES = 512 * 1024

_OVERRIDE = re.compile(rb"<Override\b([^>]*)/?>", re.IGNORECASE)
_ATTR = re.compile(rb'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*\'([^\']*)\'')


class SniffError(ValueError):
    """Why a file is refused, in the reader's language (shown to the user as is)."""


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str


def _office_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SniffError(_("Tệp ZIP/Office bị hỏng, không đọc được.")) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise SniffError(_("Tệp Office có quá nhiều phần (%(n)s > %(max)s).", n=len(entries), max=MAX_ENTRIES))
        total = sum(info.file_size for info in entries)
        compressed = sum(info.compress_size for info in entries) or 1
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise SniffError(_("Tệp Office giải nén ra quá lớn (nghi là bom giải nén)."))
        if total > 10 * 1024 * 1024 and total / max(len(data), compressed, 1) > MAX_RATIO:
            raise SniffError(_("Tỉ lệ nén của tệp Office bất thường (nghi là bom giải nén)."))
        for info in entries:
            if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > MAX_ENTRY_RATIO:
                raise SniffError(_("Tỉ lệ nén của tệp Office bất thường (nghi là bom giải nén)."))
        names = {info.filename: info for info in entries}
        info = names.get("[Content_Types].xml")
        if info is None:
            raise SniffError(_("Tệp ZIP không phải tài liệu Office (thiếu [Content_Types].xml)."))
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            raise SniffError(_("Tệp Office không hợp lệ ([Content_Types].xml quá lớn)."))
        # Read at most what the header promised (a lying header cannot make us inflate more).
        with archive.open(info) as handle:
            content_types = handle.read(MAX_CONTENT_TYPES_BYTES + 1)
        if len(content_types) > MAX_CONTENT_TYPES_BYTES or b"<!DOCTYPE" in content_types.upper():
            raise SniffError(_("Tệp Office không hợp lệ ([Content_Types].xml)."))
        found = None
        for match in _OVERRIDE.finditer(content_types):
            attrs = {}
            for attr in _ATTR.finditer(match.group(1)):
                key = (attr.group(1) or attr.group(3)).decode("ascii", "replace")
                attrs[key] = (attr.group(2) if attr.group(1) else attr.group(4)).decode("utf-8", "replace")
            for kind, main in OFFICE_MAIN.items():
                if attrs.get("ContentType") == main:
                    part = attrs.get("PartName", "").lstrip("/")
                    if part not in names:
                        raise SniffError(_("Tệp Office không hợp lệ (thiếu phần nội dung chính)."))
                    if found is not None and found != kind:
                        raise SniffError(_("Tệp Office không hợp lệ (nhiều loại nội dung chính)."))
                    found = kind
        if found is None:
            raise SniffError(_("Tệp ZIP không phải tài liệu Word, Excel hay PowerPoint được hỗ trợ "
                               "(tệp có macro không được nhận)."))
        return found


def sniff(data: bytes) -> Sniffed:
    """The kind of ``data`` by its content; ``SniffError`` if it is none we accept."""
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in MP4_BRANDS:
        kind = "mp4"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
    else:
        raise SniffError(_("Loại tệp không được hỗ trợ (chỉ nhận PDF, DOCX, XLSX, PPTX, JPG, PNG, MP4)."))
    return Sniffed(kind, KINDS[kind])


def check(data: bytes, filename_ext: str) -> Sniffed:
    """Sniff and require the extension to agree with the content."""
    expected = EXTENSIONS.get(filename_ext.lower())
    if expected is None:
        raise SniffError(_("Phần mở rộng không được hỗ trợ (chỉ nhận .pdf, .docx, .xlsx, .pptx, .jpg, .png, "
                                 ".mp4)."))
    found = sniff(data)
    if found.kind != expected:
        raise SniffError(_("Nội dung tệp (%(kind)s) không khớp với phần mở rộng .%(ext)s.", kind=found.kind.upper(),
                           ext=filename_ext.lower()))
    return found
