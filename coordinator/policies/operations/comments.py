"""Public consultation comments on a policy in drafting, and their triage by staff."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coordinator.contacts.models import Journalist
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.policies.models import COMMENT_STATUSES, Policy, PolicyComment
from coordinator.policies.operations.fields import _reject_unknown, _text

COMMENT_STATUS_LABELS = {"pending": _l("Chờ xử lý"), "accepted": _l("Tiếp thu"), "answered": _l("Đã trả lời"),
                         "declined": _l("Không tiếp thu")}
COMMENT_MAX = 5000


def submit_comment(policy: Policy, *, text: Any, journalist: Journalist | None = None, name: Any = None,
                   email: Any = None) -> PolicyComment:
    """A comment from the public page: a journalist known to the office, or a citizen when the policy
    takes citizens' comments (name and email required, so staff can answer)."""
    errors: dict[str, str] = {}
    if not policy.open_for_comments:
        raise ValidationError({"text": _("Chính sách này không còn lấy ý kiến.")})
    body = _text({"text": text}, "text", errors, max_length=COMMENT_MAX, required=True,
                 message=_("Vui lòng nhập góp ý."))
    if body is not None and not errors and len(body) < 10:
        errors["text"] = _("Góp ý quá ngắn (ít nhất 10 ký tự).")
    if journalist is None:
        if not policy.citizen_comments:
            errors["text"] = _("Chỉ nhà báo có trong danh bạ của cơ quan được góp ý cho chính sách này: hãy mở "
                               "trang này từ trang phóng viên của bạn.")
        author = _text({"name": name}, "name", errors, max_length=255, required=True,
                       message=_("Vui lòng nhập họ tên."))
        address = _text({"email": email}, "email", errors, max_length=254, required=True,
                        message=_("Vui lòng nhập email."))
        if address and "email" not in errors and ("@" not in address or " " in address
                                                  or "." not in address.rsplit("@", 1)[-1]):
            errors["email"] = _("Email không hợp lệ.")
    else:
        author, address = journalist.full_name, journalist.email
    if errors:
        raise ValidationError(errors)
    comment = PolicyComment(office_id=policy.office_id, policy_id=policy.id, text=body, author_name=author,
                            author_email=(address or "").lower() or None, is_citizen=journalist is None,
                            journalist_id=journalist.id if journalist else None)
    db.session.add(comment)
    db.session.flush()
    audit.record("policy.comment_received", comment, office_id=policy.office_id,
                 actor_label=f"journalist:{journalist.id}" if journalist else "anonymous",
                 data={"policy_id": policy.id})
    return comment


def triage_comment(comment: PolicyComment, data: dict, *, user_id: int | None) -> PolicyComment:
    errors: dict[str, str] = {}
    status = data.get("status")
    if status not in COMMENT_STATUSES:
        errors["status"] = _("Trạng thái phải là một trong: %(v)s.", v=", ".join(COMMENT_STATUSES))
    reply = _text(data, "reply", errors, max_length=COMMENT_MAX) if "reply" in data else comment.reply
    if status == "answered" and not reply and "reply" not in errors:
        errors["reply"] = _("Hãy nhập nội dung trả lời.")
    _reject_unknown(data, ("status", "reply"), errors)
    if errors:
        raise ValidationError(errors)
    before = comment.status
    comment.status = status
    comment.reply = reply or None
    comment.triaged_at = None if status == "pending" else clock.now()
    comment.triaged_by_id = None if status == "pending" else user_id
    db.session.flush()
    audit.record("policy.comment_triaged", comment, data={"status": [before, status]})
    return comment

# What the package (``policies.operations``) offers from this module.
__all__ = ["COMMENT_MAX", "COMMENT_STATUS_LABELS", "submit_comment", "triage_comment"]
