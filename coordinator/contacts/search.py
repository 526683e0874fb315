"""Finding journalists: a folded-name column compared with LIKE (SQLite and PostgreSQL alike)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, or_, select

from coordinator.contacts.models import STATUSES, Beat, Journalist, Outlet, journalist_beat
from coordinator.contacts.text import fold, like_escape, slugify
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db


@dataclass
class JournalistFilters:
    q: str = ""
    outlet_id: int | None = None
    beat: str | None = None  # a beat's slug, name or id
    status: str | None = None

    @classmethod
    def from_args(cls, args: Any) -> JournalistFilters:
        """From request args (``?q=&outlet_id=&beat=&status=``); bad values → ValidationError."""
        errors = {}
        outlet_id = None
        raw_outlet = (args.get("outlet_id") or "").strip()
        if raw_outlet:
            outlet_id = parse_id(raw_outlet)
            if outlet_id is None:
                errors["outlet_id"] = _("outlet_id phải là số nguyên.")
        status = (args.get("status") or "").strip() or None
        if status is not None and status not in STATUSES:
            errors["status"] = _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(STATUSES))
        if errors:
            raise ValidationError(errors)
        return cls(q=(args.get("q") or "").strip(), outlet_id=outlet_id,
                   beat=(args.get("beat") or "").strip() or None, status=status)

    def as_args(self) -> dict[str, Any]:
        values = {"q": self.q, "outlet_id": self.outlet_id, "beat": self.beat, "status": self.status}
        return {key: value for key, value in values.items() if value not in (None, "")}


def search_condition(q: str) -> list[ColumnElement[bool]]:
    """Every word of ``q`` (folded) must appear in the folded name or the email."""
    conditions = []
    for word in fold(q).split():
        pattern = f"%{like_escape(word)}%"
        conditions.append(or_(Journalist.full_name_folded.like(pattern, escape="\\"),
                              Journalist.email.like(pattern, escape="\\")))
    return conditions


def _name_has(pattern: str) -> ColumnElement[bool]:
    return Journalist.full_name_folded.like(pattern, escape="\\")


def search_rank(q: str) -> ColumnElement[int]:
    """How well ``q`` matches a journalist, best first: the words as a phrase at the start of a name word,
    every word starting a name word, every word inside the name, then matches that need the e-mail.
    So "nguyen thi" lists Nguyễn Thị Hoa before someone whose address is at tainguyen.gov.vn."""
    words = [like_escape(word) for word in fold(q).split()]
    phrase = " ".join(words)
    return case(
        (or_(_name_has(f"{phrase}%"), _name_has(f"% {phrase}%")), 0),
        (and_(*(or_(_name_has(f"{word}%"), _name_has(f"% {word}%")) for word in words)), 1),
        (and_(*(_name_has(f"%{word}%") for word in words)), 2),
        else_=3,
    )


def journalist_query(office_id: int, filters: JournalistFilters) -> Select:
    query = select(Journalist).where(Journalist.office_id == office_id)
    if filters.q:
        query = query.where(*search_condition(filters.q))
    if filters.outlet_id is not None:
        query = query.where(Journalist.outlet_id == filters.outlet_id)
    if filters.beat:
        beat_query = select(Beat.id).where(Beat.office_id == office_id)
        if filters.beat.isascii() and filters.beat.isdigit():
            beat_query = beat_query.where(Beat.id == (parse_id(filters.beat) or 0))
        else:
            beat_query = beat_query.where(Beat.slug == slugify(filters.beat))
        query = query.where(Journalist.id.in_(
            select(journalist_beat.c.journalist_id).where(journalist_beat.c.beat_id.in_(beat_query))))
    if filters.status:
        query = query.where(Journalist.status == filters.status)
    if filters.q and fold(filters.q).split():
        return query.order_by(search_rank(filters.q), Journalist.full_name_folded, Journalist.id)
    return query.order_by(Journalist.full_name_folded, Journalist.id)


def outlet_query(office_id: int, q: str = "", kind: str | None = None, level: str | None = None) -> Select:
    query = select(Outlet).where(Outlet.office_id == office_id)
    for word in fold(q).split():
        query = query.where(Outlet.name_folded.like(f"%{like_escape(word)}%", escape="\\"))
    if kind:
        query = query.where(Outlet.kind == kind)
    if level:
        query = query.where(Outlet.level == level)
    return query.order_by(Outlet.name_folded, Outlet.id)


def count(query: Select) -> int:
    return db.session.scalar(select(db.func.count()).select_from(query.order_by(None).subquery())) or 0
