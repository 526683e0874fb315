"""The mail page's search: recipient, subject, purpose, briefing and state, paged in SQL.

Both lists (the outbox folder's files and the delivery log) are rows of ``delivery`` filtered here; a file is
linked by its name (the digest the outbox backend gives it), so no file is opened to list it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from coordinator.extensions import db
from coordinator.mail import about
from coordinator.mail.models import DELIVERY_STATES, Delivery
from coordinator.web.navigation import PURPOSES

PER_PAGE = 50
MAX_TEXT = 200


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page(raw: str | None, problems: list[str]) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        problems.append(_("Số trang “%(value)s” không hợp lệ; đang hiện trang đầu.", value=raw[:20]))
        return 1
    return number


@dataclass
class MailSearch:
    recipient: str = ""
    subject: str = ""
    purpose: str = ""
    briefing: int | None = None
    state: str = ""
    page: int = 1
    file_page: int = 1
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any, office_id: int) -> MailSearch:
        """Read the query string; anything wrong is said in ``problems`` and left out, never a failure."""
        problems: list[str] = []
        search = cls(recipient=args.get("recipient", "").strip()[:MAX_TEXT],
                     subject=args.get("subject", "").strip()[:MAX_TEXT], problems=problems)
        purpose = args.get("purpose", "").strip()
        if purpose and purpose not in PURPOSES:
            problems.append(_("Không có mục đích gửi thư này; đang hiện thư mọi mục đích."))
        else:
            search.purpose = purpose
        state = args.get("state", "").strip()
        if state and state not in DELIVERY_STATES:
            problems.append(_("Không có trạng thái gửi thư này; đang hiện thư mọi trạng thái."))
        else:
            search.state = state
        briefing = args.get("briefing", "").strip()
        if briefing:
            wanted = int(briefing) if briefing.isdigit() and len(briefing) < 12 else None
            if wanted is not None and any(i == wanted for i, _label in about.briefing_choices(office_id, wanted)):
                search.briefing = wanted
            else:
                problems.append(_("Không tìm thấy buổi họp báo này; đang hiện thư của mọi buổi."))
        search.page = _page(args.get("page"), problems)
        search.file_page = _page(args.get("fpage"), problems)
        return search

    @property
    def active(self) -> bool:
        return bool(self.recipient or self.subject or self.purpose or self.briefing or self.state)

    def as_args(self) -> dict[str, Any]:
        """The search as query arguments (for the page links), without the page numbers."""
        values = {"recipient": self.recipient, "subject": self.subject, "purpose": self.purpose,
                  "briefing": self.briefing, "state": self.state}
        return {key: value for key, value in values.items() if value}

    def query(self, office_id: int) -> Select:
        query = select(Delivery).where(Delivery.office_id == office_id)
        if self.recipient:
            query = query.where(Delivery.recipient.like(_like(self.recipient.lower()), escape="\\"))
        if self.subject:
            query = query.where(func.lower(Delivery.subject).like(_like(self.subject.lower()), escape="\\"))
        if self.purpose:
            query = query.where(Delivery.purpose == self.purpose)
        if self.state:
            query = query.where(Delivery.state == self.state)
        if self.briefing is not None:
            condition = about.briefing_condition(office_id, self.briefing)
            if condition is not None:
                query = query.where(condition)
        return query


@dataclass
class Paged:
    rows: list[Delivery]
    total: int
    page: int
    pages: int


def paged(query: Select, page: int) -> Paged:
    """One page of ``query`` (newest first); a page past the end shows the last one."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(page, pages)
    rows = list(db.session.scalars(query.order_by(Delivery.created_at.desc(), Delivery.id.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return Paged(rows, total, page, pages)


def outbox_files(query: Select) -> Select:
    """The messages the outbox backend wrote as files (their name is the provider's message id)."""
    return query.where(Delivery.provider == "outbox", Delivery.provider_message_id.is_not(None))
