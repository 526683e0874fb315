"""Real files of every accepted kind (and bad ones), and packs built through the services."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs.demo import demo_pdf

CT_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           '<Default Extension="xml" ContentType="application/xml"/>')
RELS = ('<?xml version="1.0"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}


def content_types(part: str, content_type: str) -> str:
    return CT_HEAD + f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'


def pdf(title: str = "Bao cao") -> bytes:
    return demo_pdf(title)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def mp4() -> bytes:
    ftyp = b"ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"free"


def office_zip(kind: str = "docx", *, extra: dict[str, bytes] | None = None, main_present: bool = True) -> bytes:
    part, content_type = MAIN[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(part, content_type))
        archive.writestr("_rels/.rels", RELS)
        if main_present:
            archive.writestr(part, "<?xml version=\"1.0\"?><document>Nội dung</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return office_zip("docx")


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Số liệu"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A DOCX whose one extra part inflates 200 MB of zeros from a few hundred KB."""
    buffer = io.BytesIO()
    part, content_type = MAIN["docx"]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types(part, content_type))
        archive.writestr(part, "<document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as handle:
            block = b"\x00" * (1024 * 1024)
            for _ in range(210):
                handle.write(block)
    return buffer.getvalue()


def make_pack(office, user, *, files=None, briefing=None, **data):
    data.setdefault("title", "Thông cáo báo chí về tình hình mưa lũ")
    uploads = [ops.Upload(name, content) for name, content in (files if files is not None else
                                                                  [("Báo cáo nhanh.pdf", pdf())])]
    pack = ops.create_pack(office, user, data, uploads, briefing=briefing)
    db.session.commit()
    return pack


def approved_pack(office, author, approver, **kwargs):
    pack = make_pack(office, author, **kwargs)
    ops.submit(pack, author)
    db.session.commit()
    ops.approve(pack, approver)
    db.session.commit()
    return pack
