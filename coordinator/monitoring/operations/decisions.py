"""Staff's decisions on proposals: confirm (exactly one ``Coverage``, ``source="feed"``, however often it is
confirmed), reject, re-assign to another briefing, or many at once. Every decision teaches the office's
phrase weights."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coordinator.attendance import operations as attendance
from coordinator.attendance.models import TONES, Coverage
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.core.validators import parse_id
from coordinator.extensions import db
from coordinator.monitoring.models import MatchProposal, PhraseWeight
from coordinator.monitoring.operations.tone import label_item
from coordinator.schedule.models import Briefing

STATUS_LABELS = {"pending": _l("Chờ duyệt"), "confirmed": _l("Đã xác nhận"), "rejected": _l("Đã loại")}


def learn(office_id: int, keys: list[str], *, confirmed: bool) -> None:
    """One more confirmation (or rejection) for each phrase key."""
    for key in {k[:255] for k in keys if k}:
        row = db.session.scalar(select(PhraseWeight).where(PhraseWeight.office_id == office_id,
                                                           PhraseWeight.phrase == key))
        if row is None:
            row = PhraseWeight(office_id=office_id, phrase=key, confirms=0, rejects=0)
            db.session.add(row)
        if confirmed:
            row.confirms += 1
        else:
            row.rejects += 1
    db.session.flush()


def _keys(proposal: MatchProposal) -> list[str]:
    return [part for phrase in proposal.phrases or [] for part in phrase.get("parts", [])]


def _tone(value: Any) -> str:
    if value in (None, ""):
        return "neutral"
    if value not in TONES:
        raise ValidationError({"tone": _("Sắc thái phải là một trong: %(choices)s.", choices=", ".join(TONES))})
    return value


def _coverage_for(proposal: MatchProposal, tone: str, user_id: int | None) -> Coverage:
    """The item's coverage record: the existing one (logged by hand, or confirmed before) or a new one."""
    item = proposal.item
    existing = attendance.find_coverage(item.office_id, item.url)
    if existing is not None:
        if existing.briefing_id is None:
            existing.briefing_id = proposal.briefing_id
        return existing
    published_on = item.published_at.astimezone(ZoneInfo(attendance.office_tz(item.office_id))).date()
    try:
        with db.session.begin_nested():
            return attendance.create_coverage(item.office_id, {
                "url": item.url, "outlet_id": item.outlet_id, "briefing_id": proposal.briefing_id,
                "title": item.title[:500], "published_on": published_on.isoformat(), "tone": tone},
                user_id=user_id, source="feed")
    except IntegrityError:  # confirmed at the same moment by someone else
        existing = attendance.find_coverage(item.office_id, item.url)
        if existing is None:
            raise
        return existing


def _given_or_proposed(proposal: MatchProposal, value: Any) -> str:
    """The tone staff chose; without one, the article's (its label, else the proposed tone), else neutral."""
    if value in (None, "") and proposal.item.tone is not None:
        return proposal.item.tone.tone
    return _tone(value)


def confirm(proposal: MatchProposal, *, tone: Any = None, user_id: int | None = None) -> Coverage:
    """It becomes (or joins) exactly one coverage record; repeating it changes nothing. A tone staff chose
    is also the article's tone label (what the office's tone model learns from)."""
    chosen = tone not in (None, "")
    tone = _given_or_proposed(proposal, tone)
    if proposal.status == "confirmed" and proposal.coverage_id is not None:
        coverage = db.session.get(Coverage, proposal.coverage_id)
        if coverage is not None:
            return coverage
    if chosen:
        label_item(proposal.item, tone, user_id=user_id)
    coverage = _coverage_for(proposal, tone, user_id)
    if proposal.status != "confirmed":
        learn(proposal.office_id, _keys(proposal), confirmed=True)
    proposal.status, proposal.tone, proposal.coverage_id = "confirmed", tone, coverage.id
    proposal.decided_by_id, proposal.decided_at = user_id, clock.now()
    for other in db.session.scalars(select(MatchProposal).where(MatchProposal.item_id == proposal.item_id,
                                                                MatchProposal.id != proposal.id,
                                                                MatchProposal.status == "pending")):
        other.status, other.decided_by_id, other.decided_at = "rejected", user_id, clock.now()
    db.session.flush()
    audit.record("proposal.confirmed", proposal, data={"briefing_id": proposal.briefing_id,
                                                       "coverage_id": coverage.id, "tone": tone})
    return coverage


def reject(proposal: MatchProposal, *, user_id: int | None = None) -> MatchProposal:
    """Rejected, and its phrases learn it; a confirmed one is corrected in the coverage list instead."""
    if proposal.status == "rejected":
        return proposal
    if proposal.status == "confirmed":
        raise ValidationError({"status": _("Đề xuất đã được xác nhận: hãy sửa hoặc xoá tin bài trong danh sách "
                                           "đưa tin.")})
    learn(proposal.office_id, _keys(proposal), confirmed=False)
    proposal.status, proposal.decided_by_id, proposal.decided_at = "rejected", user_id, clock.now()
    db.session.flush()
    audit.record("proposal.rejected", proposal, data={"briefing_id": proposal.briefing_id})
    return proposal


def _target(proposal: MatchProposal, briefing: Briefing) -> MatchProposal:
    """The item's proposal for ``briefing``, made (with no score) if the matcher never proposed it."""
    target = db.session.scalar(select(MatchProposal).where(MatchProposal.item_id == proposal.item_id,
                                                           MatchProposal.briefing_id == briefing.id))
    if target is None:
        target = MatchProposal(office_id=proposal.office_id, item_id=proposal.item_id, briefing_id=briefing.id,
                               score=0.0, phrases=[], status="pending")
        db.session.add(target)
        db.session.flush()
    return target


def reassign(proposal: MatchProposal, briefing_id: Any, *, tone: Any = None,
             user_id: int | None = None) -> MatchProposal:
    """The item came of another briefing: this proposal is rejected and the chosen one confirmed."""
    raw = parse_id(briefing_id)  # ints beyond the column's range too: never a database overflow
    briefing = db.session.get(Briefing, raw) if raw is not None else None
    if briefing is None or briefing.office_id != proposal.office_id:
        raise ValidationError({"briefing_id": _("Không tìm thấy buổi họp báo %(value)s.", value=briefing_id)})
    if tone not in (None, ""):
        tone = _tone(tone)
    if briefing.id == proposal.briefing_id:
        confirm(proposal, tone=tone, user_id=user_id)
        return proposal
    if proposal.status == "confirmed":
        raise ValidationError({"status": _("Đề xuất đã được xác nhận: hãy sửa tin bài trong danh sách đưa tin.")})
    if proposal.status == "pending":
        reject(proposal, user_id=user_id)
    target = _target(proposal, briefing)
    target.status = "pending" if target.status == "rejected" else target.status
    confirm(target, tone=tone, user_id=user_id)
    audit.record("proposal.reassigned", proposal, data={"from": proposal.briefing_id, "to": briefing.id})
    return target


def _chosen(office_id: int, ids: list[Any]) -> list[MatchProposal]:
    """The office's proposals with these ids; refused unless every one is found."""
    parsed = [parse_id(i) for i in ids or []]
    if not parsed or any(i is None for i in parsed):
        raise ValidationError({"ids": _("Hãy chọn ít nhất một đề xuất.")})
    rows = list(db.session.scalars(select(MatchProposal).where(MatchProposal.office_id == office_id,
                                                               MatchProposal.id.in_(parsed))))
    if len(rows) != len(set(parsed)):
        raise ValidationError({"ids": _("Có đề xuất không tìm thấy.")})
    return rows


def bulk(office_id: int, ids: list[Any], action: str, *, tone: Any = None,
         user_id: int | None = None) -> dict[str, int]:
    """Confirm or reject many proposals at once; all checked before anything is written."""
    if action not in ("confirm", "reject"):
        raise ValidationError({"action": _("Thao tác phải là confirm hoặc reject.")})
    rows = _chosen(office_id, ids)
    if tone not in (None, ""):
        tone = _tone(tone)
    if action == "reject" and any(r.status == "confirmed" for r in rows):
        raise ValidationError({"ids": _("Có đề xuất đã được xác nhận: không loại được.")})
    done = 0
    for row in rows:
        if action == "confirm":
            if row.status == "rejected":
                continue
            confirm(row, tone=tone, user_id=user_id)
        else:
            reject(row, user_id=user_id)
        done += 1
    return {"done": done, "skipped": len(rows) - done}


def counts(office_id: int) -> dict[str, int]:
    """Proposals per status, for the queue's tabs."""
    rows = db.session.execute(select(MatchProposal.status, func.count()).where(MatchProposal.office_id == office_id)
                              .group_by(MatchProposal.status)).all()
    return {status: int(n) for status, n in rows}

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["STATUS_LABELS", "bulk", "confirm", "counts", "learn", "reassign", "reject"]
