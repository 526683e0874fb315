"""Who a briefing's invitations will reach, said before the first mail goes: how many journalists of how
many outlets, through which lists, beats and outlets, and who is left out and why (unsubscribed, bounced,
archived, no basis for processing their data, an address on the suppression list)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coordinator.contacts.audience import audience_fingerprint, explain_audience, source_sizes
from coordinator.contacts.models import Beat, DistributionList, Journalist, Outlet
from coordinator.contacts.operations.consent import NO_CONSENT
from coordinator.extensions import db
from coordinator.mail.models import Suppression

# Why a journalist of the audience gets no mail, in the order the summary lists them.
REASONS = {
    "unsubscribed": _l("đã huỷ nhận thư"),
    "bounced": _l("địa chỉ thư bị trả lại"),
    "archived": _l("đã lưu trữ"),
    "no_consent": _l("chưa có cơ sở xử lý dữ liệu hoặc đã rút đồng ý"),
    "suppressed": _l("địa chỉ nằm trong danh sách chặn gửi"),
}


@dataclass
class Source:
    kind: str  # list | beat | outlet | journalist
    name: str
    size: int


@dataclass
class AudienceSummary:
    recipients: int = 0
    outlets: int = 0
    sources: list[Source] = field(default_factory=list)
    excluded: list[tuple[str, int]] = field(default_factory=list)  # (reason label, count)
    fingerprint: str = ""

    @property
    def excluded_total(self) -> int:
        return sum(n for _, n in self.excluded)


def summarise(office_id: int, audience: dict | None) -> AudienceSummary:
    audience = audience or {}
    included, excluded = explain_audience(office_id, audience)
    suppressed = _suppressed(office_id, [j.email for j in included if j.email])
    recipients = [j for j in included if (j.email or "").strip().lower() not in suppressed]
    reasons: dict[str, int] = {}
    for _journalist, status in excluded:
        reasons[status] = reasons.get(status, 0) + 1
    for journalist in included:
        reason = suppressed.get((journalist.email or "").strip().lower())
        if reason is not None:
            code = "no_consent" if reason == NO_CONSENT else "suppressed"
            reasons[code] = reasons.get(code, 0) + 1
    order = [*REASONS, *sorted(set(reasons) - set(REASONS))]
    return AudienceSummary(
        recipients=len(recipients), outlets=len({j.outlet_id for j in recipients if j.outlet_id}),
        sources=_sources(office_id, audience),
        excluded=[(str(REASONS.get(code, code)), reasons[code]) for code in order if code in reasons],
        fingerprint=audience_fingerprint(office_id, audience))


def _suppressed(office_id: int, emails: list[str]) -> dict[str, str]:
    """Suppressed addresses among ``emails`` (lowercased) and why (a bounce, ``no_consent``...)."""
    wanted = sorted({e.strip().lower() for e in emails})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for email, reason in db.session.execute(select(Suppression.email, Suppression.reason).where(
                Suppression.office_id == office_id, func.lower(Suppression.email).in_(wanted[start:start + 500]))):
            found[email.lower()] = reason
    return found


def _sources(office_id: int, audience: dict) -> list[Source]:
    sizes = source_sizes(office_id)
    out: list[Source] = []
    for key, model, kind, size_key, attr in (("list_ids", DistributionList, "list", "lists", "id"),
                                             ("beats", Beat, "beat", "beats", "slug"),
                                             ("outlet_ids", Outlet, "outlet", "outlets", "id")):
        chosen = list(audience.get(key) or [])
        if not chosen:
            continue
        column = getattr(model, attr)
        rows = db.session.scalars(select(model).where(model.office_id == office_id, column.in_(chosen))
                                  .order_by(model.name))
        out.extend(Source(kind, row.name, sizes[size_key].get(getattr(row, attr), 0)) for row in rows)
    people = list(audience.get("journalist_ids") or [])
    if people:
        count = db.session.scalar(select(func.count(Journalist.id)).where(
            Journalist.office_id == office_id, Journalist.id.in_(people), Journalist.status == "active")) or 0
        out.append(Source("journalist", "", count))
    return out
