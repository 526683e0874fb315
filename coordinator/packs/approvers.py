"""Who may approve a pack: the office's approvers, who of them may still approve a submitted pack, whether the
office has enough of them for its rule, and the mail that tells them a pack awaits approval.

The rule itself (``operations.approve``): an approver has the role that may ``approve`` (spokesperson or
admin) and is active; with "two approvers" on, two different people, neither the pack's author nor the person
who submitted it. Everything here reads; nothing commits.
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core.permissions import PERMISSIONS, can
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackApproval, PackSettings
from coordinator.users.models import User


def needed_for(office_id: int) -> int:
    row = db.session.get(PackSettings, office_id)
    return 2 if row is not None and row.two_approvers else 1


def office_approvers(office_id: int) -> list[User]:
    """Active staff whose role may approve packs."""
    return list(db.session.scalars(select(User).where(
        User.office_id == office_id, User.active.is_(True),
        User.role.in_(sorted(PERMISSIONS["approve"]))).order_by(User.full_name, User.email)))


def capacity(office_id: int) -> int:
    """How many different people can always approve a pack under the two-approver rule: the office's approvers
    less the one who submits it, whoever of the staff who may submit that is (the worst case)."""
    approvers = {user.id for user in office_approvers(office_id)}
    editors = set(db.session.scalars(select(User.id).where(
        User.office_id == office_id, User.active.is_(True), User.role.in_(sorted(PERMISSIONS["edit"])))))
    if not editors:
        return len(approvers)
    return min(len(approvers - {editor}) for editor in editors)


def too_few(office_id: int, needed: int | None = None) -> bool:
    """True when the office's rule asks for more approvers than it can always find."""
    needed = needed_for(office_id) if needed is None else needed
    return needed > 1 and capacity(office_id) < needed


def shortfall_message(office_id: int, needed: int = 2) -> str:
    return ngettext("Cơ quan chỉ có %(num)d người có thể duyệt tài liệu của người khác (người phát ngôn hoặc quản "
                    "trị viên, không tính người gửi duyệt), trong khi quy định cần %(m)s người duyệt khác nhau. Hãy "
                    "thêm người phát ngôn hoặc tắt yêu cầu hai người duyệt.",
                    "Cơ quan chỉ có %(num)d người có thể duyệt tài liệu của người khác (người phát ngôn hoặc quản "
                    "trị viên, không tính người gửi duyệt), trong khi quy định cần %(m)s người duyệt khác nhau. Hãy "
                    "thêm người phát ngôn hoặc tắt yêu cầu hai người duyệt.", capacity(office_id), m=needed)


def approved_this_round(pack: Pack) -> list[int]:
    return list(db.session.scalars(select(PackApproval.user_id).where(
        PackApproval.pack_id == pack.id, PackApproval.decision == "approved",
        PackApproval.submission_round == pack.submission_round)))


def why_not(pack: Pack, user: Any) -> str | None:
    """Why ``user`` cannot approve ``pack`` now (None: they can)."""
    if not can(user, "approve"):
        return _("Chỉ người phát ngôn hoặc quản trị viên được duyệt tài liệu.")
    if pack.status != "submitted":
        return _("Tài liệu không ở trạng thái chờ duyệt.")
    if needed_for(pack.office_id) > 1 and user.id in (pack.submitted_by_id, pack.created_by_id):
        return _("Bạn là người soạn hoặc gửi duyệt tài liệu này nên không tự duyệt được; cần người duyệt khác.")
    if user.id in approved_this_round(pack):
        return _("Bạn đã duyệt tài liệu này; cần một người duyệt khác.")
    return None


def may_approve(pack: Pack, user: Any) -> bool:
    return why_not(pack, user) is None


def still_may_approve(pack: Pack) -> list[User]:
    """The people who may still give this round an approval (empty unless the pack awaits approval)."""
    if pack.status != "submitted":
        return []
    return [user for user in office_approvers(pack.office_id) if may_approve(pack, user)]


def stuck(pack: Pack) -> bool:
    """A submitted pack that can no longer gather the approvals it needs."""
    if pack.status != "submitted":
        return False
    missing = needed_for(pack.office_id) - len(set(approved_this_round(pack)))
    return len(still_may_approve(pack)) < missing


def awaiting(user: Any, limit: int = 50) -> list[Pack]:
    """Packs of the user's office waiting for an approval this user may give, oldest submission first."""
    if not can(user, "approve"):
        return []
    packs = db.session.scalars(select(Pack).where(Pack.office_id == user.office_id, Pack.status == "submitted")
                               .order_by(Pack.submitted_at, Pack.id).limit(500))
    return [pack for pack in packs if may_approve(pack, user)][:limit]


def notify(pack_id: int, submission_round: int) -> int:
    """Mail each person who may approve the pack that it awaits them; once per pack, round and person (the key),
    so a retried job mails nobody twice. Nothing when the pack has moved on since. Returns how many."""
    from coordinator.mail import service as mail

    pack = db.session.get(Pack, pack_id)
    if pack is None or pack.status != "submitted" or pack.submission_round != submission_round:
        return 0
    office = db.session.get(Office, pack.office_id)
    submitter = db.session.get(User, pack.submitted_by_id) if pack.submitted_by_id else None
    link = external_url("packs.detail", pack_id=pack.id)
    needed = needed_for(pack.office_id)
    users = still_may_approve(pack)
    for user in users:
        with force_locale(user.locale or office.locale):
            headline = _("Một tài liệu báo chí đang chờ bạn duyệt.")
        mail.send_to_staff(user, office, key=f"pack-approval:{pack.id}:{submission_round}:{user.id}",
                           purpose="pack_approval", template="pack_approval",
                           subject=lambda: _("Tài liệu chờ duyệt: %(title)s", title=pack.title),
                           context={"pack": pack, "headline": headline, "link": link, "needed": needed,
                                    "submitter": submitter.display_name if submitter else ""})
    return len(users)
