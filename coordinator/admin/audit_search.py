"""The audit log's filters (who, what, when) and its CSV export, in SQL and scoped to one office."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from coordinator.core.audit import AuditLog
from coordinator.core.dates import parse_typed_day
from coordinator.extensions import db
from coordinator.users.models import User
from coordinator.web import wording

PAGE_ROWS = 300
EXPORT_ROWS = 100_000
# A cell a spreadsheet would run as a formula gets a leading apostrophe (as the contacts export does).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _day(raw: str) -> date | None:
    try:
        return parse_typed_day(raw)  # 08/12/2026 as typed, or ISO from a link
    except ValueError:
        return None


@dataclass
class AuditSearch:
    actor: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args, office_id: int) -> AuditSearch:
        """Read the query string; a value that makes no sense is named in ``problems`` (and not applied)."""
        search = cls(action=(args.get("action") or "").strip()[:80])
        actor = (args.get("actor") or "").strip()
        if actor:
            user = db.session.get(User, int(actor)) if actor.isdigit() and len(actor) < 12 else None
            if user is None or user.office_id != office_id:
                search.problems["actor"] = _("Không có cán bộ này trong cơ quan.")
            else:
                search.actor = user.id
        for name, attr in (("from", "since"), ("to", "until")):
            raw = (args.get(name) or "").strip()
            if raw:
                day = _day(raw[:10]) if len(raw) == 10 else None
                if day is None:
                    search.problems[name] = _("Ngày không hợp lệ: %(value)s (dạng năm-tháng-ngày).", value=raw[:40])
                setattr(search, attr, day)
        if search.since and search.until and search.since > search.until:
            search.problems["to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        return search

    def as_args(self) -> dict[str, str]:
        args = {"actor": str(self.actor or ""), "action": self.action,
                "from": self.since.isoformat() if self.since else "",
                "to": self.until.isoformat() if self.until else ""}
        return {key: value for key, value in args.items() if value}

    def query(self, office_id: int, tz: str) -> Select:
        """This office's rows matching the filters, newest first (days are the office's days)."""
        zone = ZoneInfo(tz)
        query = select(AuditLog).where(AuditLog.office_id == office_id)
        if self.actor is not None:
            query = query.where(AuditLog.actor_user_id == self.actor)
        if self.action:
            query = query.where(AuditLog.action == self.action)
        if self.since:
            query = query.where(AuditLog.created_at >= datetime.combine(self.since, time(), zone))
        if self.until:
            query = query.where(AuditLog.created_at < datetime.combine(self.until + timedelta(days=1), time(), zone))
        return query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def actions(office_id: int) -> list[tuple[str, str]]:
    """The actions this office's log holds, as (code, words), for the "what" filter."""
    codes = db.session.scalars(select(AuditLog.action).where(AuditLog.office_id == office_id).distinct())
    return sorted(((code, wording.action_text(code)) for code in codes), key=lambda item: item[1].lower())


def staff(office_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.office_id == office_id).order_by(User.email)))


def to_csv(rows: list[AuditLog], names: dict[tuple[str, int], str], tz: str) -> bytes:
    """The rows as CSV (UTF-8 with a BOM, for Excel): the words staff read and the codes beside them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Thời gian"), _("Người thực hiện"), _("Thao tác"), _("Mã thao tác"), _("Đối tượng"),
                     _("Loại đối tượng"), _("Mã đối tượng"), _("Chi tiết"), _("Chi tiết (JSON)")])
    zone = ZoneInfo(tz)
    for row in rows:
        details = "; ".join(f"{label}: {value}" for label, value in wording.detail_items(row.data, tz))
        writer.writerow([neutralise(value) for value in (
            row.created_at.astimezone(zone).isoformat(timespec="seconds"), row.actor_label,
            wording.action_text(row.action), row.action,
            wording.target_text(row.target_type, row.target_id, names), row.target_type,
            row.target_id if row.target_id is not None else "", details,
            json.dumps(row.data or {}, ensure_ascii=False, sort_keys=True, default=str))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
