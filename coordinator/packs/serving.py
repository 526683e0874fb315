"""Sending a stored file: the sniffed Content-Type, always as an attachment (RFC 6266) with the
Vietnamese name per RFC 5987 and an ASCII fallback, ``nosniff``, never rendered inline."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

from flask import Response, current_app, request

from coordinator.packs.models import PackFile
from coordinator.packs.sanitize import ascii_name
from coordinator.packs.storage import storage


def content_disposition(name: str) -> str:
    fallback = ascii_name(name).replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_pack_file(row: PackFile, *, private: bool = True) -> Response:
    handle = storage().open(row.storage_name)

    def stream():
        with handle:
            while chunk := handle.read(64 * 1024):
                yield chunk

    response = Response(stream(), mimetype=row.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(row.size)
    response.headers["Content-Disposition"] = content_disposition(row.display_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    response.headers["ETag"] = f'"{row.sha256}"'
    return response


def ip_hash() -> str:
    address = request.headers.get("X-Forwarded-For", request.remote_addr or "").split(",")[0].strip()
    return hashlib.sha256(f"{current_app.config['SECRET_KEY']}:{address}".encode()).hexdigest()
