"""Error pages in the user's language; JSON errors for API paths."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from coordinator.core import uow
from coordinator.core.errors import DomainError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Yêu cầu gửi lên không hợp lệ. Vui lòng thử lại.")),
        403: (_("Không có quyền"), _("Vai trò của bạn không được phép mở trang này.")),
        404: (_("Không tìm thấy"), _("Trang hoặc mục bạn tìm không tồn tại.")),
        405: (_("Không hỗ trợ"), _("Thao tác này không được hỗ trợ ở đây.")),
        410: (_("Không còn hiệu lực"), _("Đường dẫn đã hết hạn hoặc đã bị thu hồi.")),
        413: (_("Tệp quá lớn"), _("Nội dung gửi lên vượt quá giới hạn cho phép.")),
        429: (_("Quá nhiều yêu cầu"), _("Bạn thao tác quá nhanh. Vui lòng đợi một phút rồi thử lại.")),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại.")),
    }


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        uow.abandon()
        code = exc.code or 500
        if request.path.startswith("/api/"):
            from coordinator.api import _http_error as api_error

            return api_error(exc)
        if request.path.startswith("/webhooks/"):  # machines: JSON, in the API's shape
            from coordinator.api import error_response

            names = {400: "bad_request", 413: "payload_too_large", 429: "rate_limited"}
            return error_response(code, names.get(code, "error"), exc.description or exc.name)
        if code == 400 and "CSRF" in (exc.description or ""):
            title, message = _("Phiên làm việc đã hết hạn"), _("Vui lòng tải lại trang và gửi lại biểu mẫu.")
        else:
            title, message = _messages().get(code, (exc.name, exc.description or ""))
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        """Bad input that reached the database layer's net (``coordinator.core.limits``) past a form that did
        not check it: nothing was saved; say which field and why."""
        uow.abandon()
        if request.path.startswith("/api/"):
            from coordinator.api import error_response

            return error_response(exc.status, exc.code, exc.message, exc.fields)
        title = _("Dữ liệu không hợp lệ") if exc.status == 422 else _messages().get(exc.status, (exc.code, ""))[0]
        message = "; ".join(exc.fields.values()) or exc.message
        return render_template("errors/error.html", code=exc.status, title=title,
                               message=_("Chưa lưu gì. %(reason)s", reason=message)), exc.status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        uow.abandon()
        app.logger.exception("unhandled error")
        if request.path.startswith("/api/"):
            from coordinator.api import error_response

            return error_response(500, "internal_error", _("Lỗi hệ thống; không có thay đổi nào được lưu."))
        title, message = _messages()[500]
        return render_template("errors/error.html", code=500, title=title, message=message), 500
