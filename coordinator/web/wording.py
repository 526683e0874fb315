"""Internal codes said in words for the people who read the pages (issue 25.8).

The audit log, the background-job page and the schedule keep machine names (``pack.approved``,
``fanout.run``, ``urgent``, reminder offsets in minutes, ISO times in UTC); staff read them here as
"Phê duyệt gói tài liệu", "Gửi thư hàng loạt", "Khẩn", "1 ngày và 1 giờ trước", times in the office's zone.
A code this module does not know is still shown readably (its parts, underscores as spaces), never hidden.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from coordinator.core.i18n import SHORT_DATETIME_PATTERN, format_local

# What was done, by audit action.
ACTIONS: dict[str, Any] = {
    "api_token.created": _l("Tạo mã truy cập API"),
    "api_token.revoked": _l("Thu hồi mã truy cập API"),
    "attendance.checked_in": _l("Ghi nhận có mặt"),
    "attendance.removed": _l("Bỏ ghi nhận có mặt"),
    "beat.created": _l("Thêm lĩnh vực"),
    "beat.deleted": _l("Xoá lĩnh vực"),
    "beat.renamed": _l("Đổi tên lĩnh vực"),
    "briefing.cancelled": _l("Huỷ buổi họp báo"),
    "briefing.created": _l("Tạo buổi họp báo"),
    "briefing.restored": _l("Khôi phục buổi họp báo"),
    "briefing.updated": _l("Sửa buổi họp báo"),
    "closure.added": _l("Thêm ngày nghỉ của cơ quan"),
    "closure.removed": _l("Bỏ ngày nghỉ của cơ quan"),
    "coverage.created": _l("Thêm bài đưa tin"),
    "coverage.deleted": _l("Xoá bài đưa tin"),
    "coverage.updated": _l("Sửa bài đưa tin"),
    "data_request.created": _l("Nhà báo gửi yêu cầu về dữ liệu cá nhân"),
    "data_request.done": _l("Thực hiện yêu cầu xoá dữ liệu cá nhân"),
    "data_request.refused": _l("Từ chối yêu cầu về dữ liệu cá nhân"),
    "feed.created": _l("Thêm nguồn tin RSS"),
    "feed.deleted": _l("Xoá nguồn tin RSS"),
    "feed.updated": _l("Sửa nguồn tin RSS"),
    "feed_token.issued": _l("Cấp đường dẫn lịch riêng"),
    "feed_token.revoked": _l("Thu hồi đường dẫn lịch riêng"),
    "invitation.rsvp": _l("Nhà báo trả lời thư mời"),
    "invitation.rsvp_by_staff": _l("Cán bộ ghi trả lời thư mời"),
    "job.retried": _l("Chạy lại công việc nền"),
    "journalist.consent_recorded": _l("Ghi nhận cơ sở xử lý dữ liệu của nhà báo"),
    "journalist.consent_withdrawn": _l("Nhà báo rút lại sự đồng ý"),
    "journalist.corrected": _l("Nhà báo tự sửa thông tin"),
    "journalist.created": _l("Thêm nhà báo"),
    "journalist.erased": _l("Xoá dữ liệu cá nhân của nhà báo"),
    "journalist.exported": _l("Xuất thông tin nhà báo"),
    "journalist.links_revoked": _l("Thu hồi mọi đường dẫn đã gửi cho nhà báo"),
    "journalist.merged": _l("Gộp hồ sơ nhà báo"),
    "journalist.moved": _l("Chuyển cơ quan báo chí của nhà báo"),
    "journalist.preferences": _l("Nhà báo đổi tuỳ chọn nhận thư"),
    "journalist.status_changed": _l("Đổi trạng thái nhà báo"),
    "journalist.subject_access": _l("Nhà báo xem dữ liệu của mình"),
    "journalist.updated": _l("Sửa thông tin nhà báo"),
    "journalist.viewed": _l("Xem hồ sơ nhà báo"),
    "journalists.exported": _l("Xuất danh sách nhà báo"),
    "journalists.imported": _l("Nhập danh sách nhà báo"),
    "list.created": _l("Tạo danh sách gửi"),
    "list.deleted": _l("Xoá danh sách gửi"),
    "list.member_removed": _l("Bỏ một người khỏi danh sách gửi"),
    "list.members_added": _l("Thêm người vào danh sách gửi"),
    "list.updated": _l("Sửa danh sách gửi"),
    "monitoring.settings": _l("Đổi cài đặt theo dõi tin bài"),
    "network.contact_adopted": _l("Nhận liên hệ được chia sẻ"),
    "network.contact_adopted_by": _l("Cơ quan khác nhận liên hệ đã chia sẻ"),
    "network.contact_offer_withdrawn": _l("Rút lại chia sẻ liên hệ"),
    "network.contact_offered": _l("Chia sẻ liên hệ trong mạng lưới"),
    "network.contact_suppressed": _l("Chặn gửi thư tới liên hệ trong mạng lưới"),
    "network.invitation_received": _l("Nhận lời mời tham gia điểm cầu"),
    "network.local_cancelled": _l("Huỷ buổi họp tại điểm cầu"),
    "network.local_updated": _l("Cập nhật buổi họp tại điểm cầu"),
    "network.pack_copied": _l("Nhận gói tài liệu từ mạng lưới"),
    "network.point_accepted": _l("Điểm cầu nhận lời"),
    "network.point_declined": _l("Điểm cầu từ chối"),
    "network.point_invited": _l("Mời điểm cầu"),
    "network.point_withdrawn": _l("Rút lời mời điểm cầu"),
    "network.trust_added": _l("Thêm cơ quan tin cậy"),
    "network.trust_removed": _l("Bỏ cơ quan tin cậy"),
    "office.created": _l("Tạo cơ quan"),
    "office.privacy_settings": _l("Đổi thiết lập dữ liệu cá nhân của cơ quan"),
    "office.two_factor_optional": _l("Bỏ bắt buộc xác thực hai bước với mọi cán bộ"),
    "office.two_factor_required": _l("Bắt buộc xác thực hai bước với mọi cán bộ"),
    "outlet.created": _l("Thêm cơ quan báo chí"),
    "outlet.deleted": _l("Xoá cơ quan báo chí"),
    "outlet.updated": _l("Sửa cơ quan báo chí"),
    "pack.approved": _l("Phê duyệt gói tài liệu"),
    "pack.created": _l("Tạo gói tài liệu"),
    "pack.embargo_followed": _l("Lệnh cấm đăng đi theo giờ buổi họp báo"),
    "pack.rejected": _l("Trả lại gói tài liệu"),
    "pack.release_held": _l("Giữ lại việc phát hành gói tài liệu"),
    "pack.release_scheduled": _l("Hẹn giờ phát hành gói tài liệu"),
    "pack.released": _l("Phát hành gói tài liệu"),
    "pack.submitted": _l("Gửi duyệt gói tài liệu"),
    "pack.updated": _l("Sửa gói tài liệu"),
    "pack.version_created": _l("Tạo phiên bản mới của gói tài liệu"),
    "pack_settings.updated": _l("Đổi cài đặt phê duyệt gói tài liệu"),
    "plan.created": _l("Tạo kế hoạch truyền thông"),
    "plan.item_added": _l("Thêm việc vào kế hoạch truyền thông"),
    "policy.comment_received": _l("Nhận góp ý chính sách"),
    "policy.comment_triaged": _l("Phân loại góp ý chính sách"),
    "policy.created": _l("Tạo chính sách"),
    "policy.linked": _l("Gắn chính sách"),
    "policy.unlinked": _l("Bỏ gắn chính sách"),
    "proposal.confirmed": _l("Xác nhận bài đưa tin được gợi ý"),
    "proposal.reassigned": _l("Gán bài đưa tin cho buổi khác"),
    "proposal.rejected": _l("Bỏ bài đưa tin được gợi ý"),
    "question.answered": _l("Trả lời câu hỏi của nhà báo"),
    "question.asked": _l("Nhà báo gửi câu hỏi"),
    "question.merged": _l("Gộp câu hỏi"),
    "question.status": _l("Đổi trạng thái câu hỏi"),
    "question.unmerged": _l("Tách câu hỏi đã gộp"),
    "series.created": _l("Tạo chuỗi họp báo"),
    "series.ended": _l("Kết thúc chuỗi họp báo"),
    "series.split": _l("Tách chuỗi họp báo từ một buổi"),
    "series.updated": _l("Sửa chuỗi họp báo"),
    "tone.accepted": _l("Chấp nhận sắc thái đề xuất"),
    "tone.corrected": _l("Sửa sắc thái đề xuất"),
    "tone.model_trained": _l("Huấn luyện lại mô hình sắc thái"),
    "user.activated": _l("Mở lại tài khoản cán bộ"),
    "user.created": _l("Tạo tài khoản cán bộ"),
    "user.deactivated": _l("Khoá tài khoản cán bộ"),
    "user.login": _l("Đăng nhập"),
    "user.password_reset": _l("Đặt lại mật khẩu qua thư"),
    "user.password_reset_requested": _l("Yêu cầu thư đặt lại mật khẩu"),
    "user.password_set": _l("Đặt mật khẩu"),
    "user.recovery_code_used": _l("Đăng nhập bằng mã khôi phục"),
    "user.recovery_codes_regenerated": _l("Tạo mã khôi phục mới"),
    "user.role_changed": _l("Đổi vai trò cán bộ"),
    "user.session_revoked": _l("Đăng xuất một phiên"),
    "user.sessions_revoked": _l("Đăng xuất mọi phiên khác"),
    "user.two_factor_disabled": _l("Tắt xác thực hai bước"),
    "user.two_factor_enabled": _l("Bật xác thực hai bước"),
}

# What it was done to, by table.
TARGETS: dict[str, Any] = {
    "api_token": _l("mã truy cập API"), "attendance": _l("điểm danh"), "beat": _l("lĩnh vực"),
    "briefing": _l("buổi họp báo"), "communication_plan": _l("kế hoạch truyền thông"),
    "connection_point": _l("điểm cầu"), "contact_import": _l("lần nhập danh sách"),
    "contact_offer": _l("liên hệ chia sẻ"), "coverage": _l("bài đưa tin"), "delivery": _l("thư"),
    "distribution_list": _l("danh sách gửi"), "fan_out": _l("đợt gửi thư"), "feed_item": _l("tin từ nguồn RSS"),
    "invitation": _l("thư mời"), "journalist": _l("nhà báo"), "journalist_feed_token": _l("đường dẫn lịch riêng"),
    "match_proposal": _l("gợi ý bài đưa tin"), "monitoring_settings": _l("cài đặt theo dõi tin bài"),
    "network_pack_copy": _l("gói tài liệu từ mạng lưới"), "network_trust": _l("cơ quan tin cậy"),
    "office": _l("cơ quan"), "office_closure": _l("ngày nghỉ của cơ quan"), "outbox_event": _l("công việc nền"),
    "outlet": _l("cơ quan báo chí"), "outlet_feed": _l("nguồn tin RSS"), "pack": _l("gói tài liệu"),
    "pack_settings": _l("cài đặt gói tài liệu"), "plan_item": _l("việc trong kế hoạch"),
    "policy": _l("chính sách"), "policy_comment": _l("góp ý chính sách"), "question": _l("câu hỏi"),
    "schedule_series": _l("chuỗi họp báo"), "user": _l("tài khoản cán bộ"),
}

# The words for the keys of an audit row's details.
DETAIL_KEYS: dict[str, Any] = {
    "changes": _l("thay đổi"), "title": _l("tiêu đề"), "name": _l("tên"), "email": _l("thư điện tử"),
    "role": _l("vai trò"), "old_role": _l("vai trò cũ"), "new_role": _l("vai trò mới"), "status": _l("trạng thái"),
    "final": _l("lần duyệt cuối"), "start": _l("bắt đầu"), "end": _l("kết thúc"), "venue": _l("địa điểm"),
    "kind": _l("loại"), "count": _l("số lượng"), "added": _l("đã thêm"), "removed": _l("đã bỏ"),
    "reason": _l("lý do"), "comment": _l("ghi chú"), "response": _l("trả lời"), "version": _l("phiên bản"),
    "release_at": _l("phát hành lúc"), "embargo_until": _l("cấm đăng đến"), "from": _l("từ"), "to": _l("sang"),
    "outlet_id": _l("cơ quan báo chí"), "journalist_id": _l("nhà báo"), "briefing_id": _l("buổi họp báo"),
    "series_id": _l("chuỗi họp báo"), "pack_id": _l("gói tài liệu"), "list_id": _l("danh sách gửi"),
    "date": _l("ngày"), "note": _l("ghi chú"), "url": _l("địa chỉ"), "method": _l("cách"), "left": _l("còn lại"),
    "created": _l("đã tạo"), "updated": _l("đã cập nhật"), "skipped": _l("bỏ qua"), "rows": _l("số dòng"),
    "rrule": _l("lặp lại"), "timezone": _l("múi giờ"), "split_at": _l("tách từ"), "new_series_id": _l("chuỗi mới"),
    "via": _l("qua"), "ip": _l("địa chỉ IP"), "office": _l("cơ quan"), "prefix": _l("mã"),
    "active": _l("đang hoạt động"), "answer": _l("câu trả lời"), "approvals": _l("số lượt duyệt"),
    "approved_by_host_office": _l("cơ quan chủ trì đã duyệt"), "beats": _l("lĩnh vực"),
    "coverage_id": _l("bài đưa tin"), "crisis": _l("khẩn"), "day": _l("ngày"), "drop_email": _l("bỏ thư điện tử"),
    "drop_id": _l("hồ sơ bị gộp"), "dry_run": _l("chạy thử"), "due_at": _l("đến hạn"), "ended": _l("kết thúc"),
    "fields": _l("các trường"), "filename": _l("tên tệp"), "files": _l("tệp"), "files_added": _l("tệp thêm"),
    "files_removed": _l("tệp bỏ"), "follow_up_hours": _l("nhắc lại sau (giờ)"),
    "from_host_office": _l("từ cơ quan chủ trì"),
    "from_office": _l("từ cơ quan"), "from_pack_id": _l("từ gói tài liệu"), "host_briefing_id": _l("buổi họp chủ trì"),
    "host_office": _l("cơ quan chủ trì"), "host_pack_id": _l("gói tài liệu chủ trì"), "id": _l("số"),
    "into_id": _l("gộp vào"), "journalist_ids": _l("nhà báo"), "labels": _l("nhãn"), "language": _l("ngôn ngữ"),
    "level": _l("cấp"), "links_version": _l("lần cấp đường dẫn"), "audience": _l("chia sẻ với"),
    "days": _l("số ngày"), "linked_existing": _l("gắn với hồ sơ có sẵn"), "local_briefing_id": _l("buổi họp tại chỗ"),
    "mail": _l("thư"), "max_file_bytes": _l("dung lượng tệp tối đa"), "members": _l("thành viên"),
    "mode": _l("chế độ"), "needed": _l("số lượt cần"), "new_uid": _l("mã lịch mới"), "offer_id": _l("lời chia sẻ"),
    "office_ids": _l("các cơ quan"), "old_sequence": _l("số lần cập nhật cũ"), "old_series_id": _l("chuỗi cũ"),
    "old_uid": _l("mã lịch cũ"), "origin_office": _l("cơ quan gốc"), "outlets_created": _l("cơ quan báo chí mới"),
    "point_id": _l("điểm cầu"), "point_office": _l("cơ quan điểm cầu"), "policy_id": _l("chính sách"),
    "question_id": _l("câu hỏi"), "removed_briefing_ids": _l("các buổi đã bỏ"), "round": _l("vòng"),
    "rsvp": _l("trả lời"), "rule": _l("quy tắc"), "scope": _l("phạm vi"), "sequence": _l("số lần cập nhật"),
    "since": _l("từ"), "slug": _l("mã cơ quan"), "source": _l("nguồn"), "stage": _l("bước"),
    "summary": _l("tóm tắt"), "tone": _l("sắc thái"), "trusted_office": _l("cơ quan tin cậy"),
    "two_approvers": _l("hai người duyệt"), "uid": _l("mã lịch"), "under_embargo": _l("gửi trước giờ cấm đăng"),
    "urgent": _l("khẩn"), "user": _l("cán bộ"), "user_id": _l("cán bộ"), "year": _l("năm"),
}

# Background work, by outbox event kind.
EVENT_KINDS: dict[str, Any] = {
    "fanout.run": _l("Gửi thư hàng loạt"),
    "user.created": _l("Gửi thư chào mừng cán bộ mới"),
    "user.password_reset_requested": _l("Gửi thư đặt lại mật khẩu"),
    "mail.suppressed": _l("Xử lý địa chỉ bị chặn gửi"),
    "portal.link_requested": _l("Gửi đường dẫn cổng nhà báo"),
    "series.created": _l("Mời theo chuỗi họp báo mới"),
    "series.updated": _l("Báo thay đổi của chuỗi họp báo"),
    "series.split": _l("Báo tách chuỗi họp báo"),
    "briefing.created": _l("Mời dự buổi họp báo mới"),
    "briefing.updated": _l("Báo thay đổi của buổi họp báo"),
    "briefing.cancelled": _l("Báo huỷ buổi họp báo"),
    "invitations.due": _l("Gửi thư mời đến hạn"),
    "briefings.materialised": _l("Lập các buổi sắp tới của chuỗi"),
    "question.answered": _l("Gửi câu trả lời cho nhà báo"),
    "pack.submitted": _l("Báo người duyệt có tài liệu chờ duyệt"),
    "pack.release_due": _l("Phát hành gói tài liệu đến giờ"),
    "pack.follow_up_due": _l("Gửi thư nhắc sau phát hành"),
    "network.host_briefing_changed": _l("Báo thay đổi cho các điểm cầu"),
    "network.host_pack_released": _l("Chuyển gói tài liệu cho các điểm cầu"),
    "network.point_invited": _l("Mời điểm cầu"),
    "network.point_accepted": _l("Báo điểm cầu nhận lời"),
    "network.contact_suppressed": _l("Báo chặn gửi trong mạng lưới"),
}

QUEUES: dict[str, Any] = {"urgent": _l("Khẩn"), "default": _l("Thường"), "mail": _l("Thư"), "bulk": _l("Hàng loạt")}

# Values an audit row stores as codes.
VALUES: dict[str, Any] = {
    "admin": _l("Quản trị"), "coordinator": _l("Điều phối"), "spokesperson": _l("Người phát ngôn"),
    "totp": _l("mã từ ứng dụng xác thực"), "recovery": _l("mã khôi phục"),
    "viewer": _l("Chỉ xem"), "active": _l("Đang hoạt động"), "inactive": _l("Ngừng hoạt động"),
    "unsubscribed": _l("Đã huỷ nhận thư"), "bounced": _l("Thư bị trả lại"), "accepted": _l("Nhận lời"),
    "declined": _l("Từ chối"), "tentative": _l("Chưa chắc"), "cancelled": _l("Đã huỷ"),
    "scheduled": _l("Đã lên lịch"), "held": _l("Đã diễn ra"), "draft": _l("Bản nháp"),
    "submitted": _l("Chờ duyệt"), "approved": _l("Đã duyệt"), "released": _l("Đã phát hành"),
    "rejected": _l("Bị trả lại"), "open": _l("Đang mở"), "answered": _l("Đã trả lời"), "closed": _l("Đã đóng"),
}

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _humanised(code: str) -> str:
    """A code nobody named yet, readable: ``network.some_thing`` → ``network · some thing``."""
    return " · ".join(part.replace("_", " ") for part in code.split("."))


def action_text(action: str) -> str:
    known = ACTIONS.get(action)
    return str(known) if known is not None else _humanised(action)


def target_text(target_type: str, target_id: int | None, names: Mapping[tuple[str, int], str] | None = None) -> str:
    """"Gói tài liệu “Thông cáo về…”" when the row's name is known, else "Gói tài liệu số 6"."""
    noun = _capitalised(str(TARGETS.get(target_type) or _humanised(target_type)))
    if target_id is None:
        return noun
    name = (names or {}).get((target_type, target_id))
    if name:
        return f"{noun} “{name}”"
    return _("%(noun)s số %(id)d", noun=noun, id=target_id)


def event_kind_text(kind: str) -> str:
    known = EVENT_KINDS.get(kind)
    return str(known) if known is not None else _humanised(kind)


def queue_text(name: str | None) -> str:
    known = QUEUES.get(name or "default")
    return str(known) if known is not None else _humanised(name or "")


def value_text(value: Any, tz: str | None = None) -> str:
    """A stored value as a person reads it: yes/no, lists joined, times in the office's zone."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime):
        return format_local(value, tz, pattern=SHORT_DATETIME_PATTERN)
    if isinstance(value, str):
        if _ISO_TIME.match(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            if moment.tzinfo is not None:
                return format_local(moment, tz, pattern=SHORT_DATETIME_PATTERN)
            return f"{moment:%d/%m/%Y %H:%M}"
        known = VALUES.get(value)
        return str(known) if known is not None else value
    if isinstance(value, Mapping):
        if set(value) == {"from", "to"} or set(value) == {"old", "new"}:
            old, new = (value.get("from"), value.get("to")) if "from" in value else (value.get("old"), value.get("new"))
            return f"{value_text(old, tz)} → {value_text(new, tz)}"
        return "; ".join(f"{key_text(k)}: {value_text(v, tz)}" for k, v in value.items())
    if isinstance(value, Iterable):
        items = [value_text(v, tz) for v in value]
        return ", ".join(items) if items else "—"
    return str(value)


def key_text(key: str) -> str:
    known = DETAIL_KEYS.get(key)
    return _capitalised(str(known)) if known is not None else key.replace("_", " ").capitalize()


def detail_items(data: Mapping[str, Any] | None, tz: str | None = None) -> list[tuple[str, str]]:
    """An audit row's details as (label, value) pairs; a "changes" map is spread into its fields."""
    items: list[tuple[str, str]] = []
    data = dict(data or {})
    if "from" in data and "to" in data:  # a change of one thing: "Điều phối → Người phát ngôn"
        items.append((key_text("changes"), value_text({"from": data.pop("from"), "to": data.pop("to")}, tz)))
    for key, value in data.items():
        if key == "changes" and isinstance(value, Mapping):
            items.extend((key_text(k), value_text(v, tz)) for k, v in value.items())
        else:
            items.append((key_text(key), value_text(value, tz)))
    return items


def minutes_before(minutes: int) -> str:
    """``1440`` → "1 ngày", ``1500`` → "1 ngày và 1 giờ", ``30`` → "30 phút"."""
    days, rest = divmod(int(minutes), 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d ngày", "%(num)d ngày", days))
    if hours:
        parts.append(ngettext("%(num)d giờ", "%(num)d giờ", hours))
    if mins or not parts:
        parts.append(ngettext("%(num)d phút", "%(num)d phút", mins))
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s và %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def reminders_text(offsets: Iterable[int] | None) -> str:
    """Reminder offsets (minutes before the start) in words: "1 ngày trước, 1 giờ trước"."""
    offsets = sorted({int(m) for m in offsets or []}, reverse=True)
    if not offsets:
        return _("Không nhắc")
    return ", ".join(_("%(time)s trước", time=minutes_before(m)) for m in offsets)


def init_app(app) -> None:
    app.jinja_env.globals.update(action_text=action_text, target_text=target_text, event_kind_text=event_kind_text,
                                 queue_text=queue_text, detail_items=detail_items, reminders_text=reminders_text)
    app.jinja_env.filters["in_words"] = value_text
