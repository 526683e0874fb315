"""The words shown for attendance, question and coverage values (lazy: translated when rendered)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TONE_LABELS = {"positive": _l("Tích cực"), "neutral": _l("Trung lập"), "negative": _l("Tiêu cực")}
KIND_LABELS = {"article": _l("Bài viết"), "broadcast": _l("Phát sóng")}
MODE_LABELS = {"in_person": _l("Trực tiếp"), "online": _l("Trực tuyến")}
METHOD_LABELS = {"qr": _l("Quét mã QR"), "code": _l("Nhập mã"), "self": _l("Tự điểm danh"),
                 "staff": _l("Cán bộ đánh dấu"), "walk_in": _l("Đến không có giấy mời")}
QUESTION_STATUS_LABELS = {
    "pending": _l("Chờ trả lời"), "answered_at_briefing": _l("Đã trả lời tại buổi họp"),
    "answered_in_writing": _l("Đã trả lời bằng văn bản"), "declined": _l("Từ chối trả lời"),
}

# What the package (``attendance.operations``) offers from this module.
__all__ = ["KIND_LABELS", "METHOD_LABELS", "MODE_LABELS", "QUESTION_STATUS_LABELS", "TONE_LABELS"]
