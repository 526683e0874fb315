"""QR codes as PNG, fast: qrcode computes the matrix, zlib writes the image.

The pure-Python PNG writer qrcode uses spends most of a fan-out's time packing pixels; a QR
code is a grey-scale bitmap, which the PNG format stores in a few lines of code.
"""
from __future__ import annotations

import struct
import zlib

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def qr_png(data: str, *, box_size: int = 6, border: int = 2) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border, True = dark
    rows = []
    for cells in matrix:
        line = b"".join(b"\x00" * box_size if dark else b"\xff" * box_size for dark in cells)
        rows.extend([b"\x00" + line] * box_size)  # filter type 0 per row
    size = len(matrix) * box_size
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit grey-scale
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + _chunk(b"IEND", b""))
