"""QR codes as PNG, fast: qrcode computes the matrix, zlib writes the image.

The pure-Python PNG writer qrcode uses spends most of a fan-out's time packing pixels; a QR
code is a grey-scale bitmap, which the PNG format stores in a few lines of code.
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=4)
def _pixels(box_size: int) -> tuple[bytes, bytes]:
    return b"\x00" * box_size, b"\xff" * box_size


def qr_png(data: str, *, box_size: int = 6, border: int = 2) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border, True = dark
    rows = []
    dark_px, light_px = _pixels(box_size)
    for cells in matrix:
        line = b"".join(dark_px if dark else light_px for dark in cells)
        rows.extend([b"\x00" + line] * box_size)  # filter type 0 per row
    size = len(matrix) * box_size
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit grey-scale
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 1))
            + _chunk(b"IEND", b""))
