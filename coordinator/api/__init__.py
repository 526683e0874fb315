"""REST API ``/api/v1``: bearer tokens, JSON in and out, errors in one shape.

Every domain adds its endpoints to ``bp`` in its own ``api.py`` module, imported by the domain's
``init_app``; the app factory registers ``bp`` after every domain (this package imports no domain).
"""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from coordinator.core.errors import DomainError
from coordinator.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The office's administration: staff (these endpoints) and what needs an admin role (``common.require``).
ADMIN_ENDPOINTS = frozenset({"api.list_users", "api.get_user"})
ADMIN_ACTIONS = frozenset({"manage_staff", "manage_office", "manage_jobs"})


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> tuple[Response, int]:
    """The one shape of every API error: ``{"error": {"code", "message", "fields"}}``."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    from coordinator.users.operations import find_api_token

    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    row, problem = find_api_token(token.strip()) if scheme.lower() == "bearer" and token else (None, "invalid")
    if problem == "expired":
        return error_response(401, "unauthorized", _("Mã truy cập đã hết hạn; hãy tạo mã mới."))
    if row is None:
        return error_response(401, "unauthorized", _("Thiếu hoặc sai mã truy cập (Authorization: Bearer TOKEN)."))
    refused = scope_refusal(row.scope, request.method, request.endpoint)
    if refused:
        return error_response(403, "forbidden", refused)
    g.api_token = row
    g.api_user = row.user
    g.office = row.user.office
    from coordinator.api.common import INT_MAX

    # Ids in the path are database integers: a larger one names nothing (and must not reach the driver).
    if any(isinstance(value, int) and value > INT_MAX for value in (request.view_args or {}).values()):
        return error_response(404, "not_found", _("Không tìm thấy."))
    # No stored text can hold NUL (PostgreSQL refuses it): say so instead of failing in the driver.
    bad = sorted({key for key, value in request.args.items(multi=True) if "\x00" in key or "\x00" in value})
    if bad:
        return error_response(400, "bad_request", _("Văn bản không được chứa ký tự NUL."),
                              {key.replace("\x00", ""): _("Văn bản không được chứa ký tự NUL.") for key in bad})
    return None


def scope_refusal(scope: str, method: str, endpoint: str | None) -> str | None:
    """Why a token of ``scope`` may not make this call (None: it may). Reading (GET, HEAD) needs any scope,
    a change ``read_write``; the office's staff (and ``ADMIN_ACTIONS`` through ``common.require``) ``admin``."""
    if endpoint in ADMIN_ENDPOINTS and scope != "admin":
        return _("Mã truy cập này không có quyền quản trị.")
    if method not in READ_METHODS and scope not in ("read_write", "admin"):
        return _("Mã truy cập này chỉ được đọc dữ liệu.")
    return None


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> tuple[Response, int]:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[Response, int]:
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
             415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited"}
    code = codes.get(exc.code or 500, "error")
    messages = {400: _("Yêu cầu gửi lên không hợp lệ."), 404: _("Không tìm thấy."),
                405: _("Phương thức này không được hỗ trợ ở đây."),
                413: _("Nội dung gửi lên vượt quá giới hạn cho phép."),
                415: _("Kiểu nội dung không được hỗ trợ."), 429: _("Quá nhiều yêu cầu; vui lòng thử lại sau.")}
    custom = exc.description if exc.description != type(exc).description else None  # abort(413, "…")
    return error_response(exc.code or 500, code, custom or messages.get(exc.code or 500) or exc.description or code)


from coordinator.api import common, openapi  # noqa: E402,F401
