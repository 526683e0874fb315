"""Plan against reality: per policy and per quarter, what was planned and what happened.

A briefing counts for a policy when linked to it; a pack, question or coverage item counts when linked
directly OR when its briefing is linked (coverage recorded later by other code needs no extra linking).
Quarters are calendar quarters of the office's local dates. Reach (journalists, outlets) is counted as
distinct people/outlets, so a year's figure is not the sum of its quarters.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select

from coordinator.attendance.models import Attendance, Coverage, Question
from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackDownload
from coordinator.policies.models import (
    CommunicationPlan,
    Policy,
    PolicyBriefing,
    PolicyComment,
    PolicyCoverage,
    PolicyPack,
    PolicyQuestion,
)
from coordinator.schedule.models import Briefing

COUNT_KEYS = ("briefings_planned", "briefings_scheduled", "briefings_held", "packs_planned", "packs_released",
              "questions_asked", "questions_answered", "coverage", "coverage_positive", "coverage_neutral",
              "coverage_negative")
REACH_KEYS = ("invited", "attended", "downloaded", "journalists_reached", "outlets_reached")
ATTENTION_LEAD_DAYS = 14
NEGATIVE_WEEKS = 3  # two rises need three weeks


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


class _Bucket:
    """Counts plus the sets behind the reach figures, for one quarter (or the year)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(COUNT_KEYS, 0)
        self.sets: dict[str, set] = {key: set() for key in ("invited", "attended", "downloaded", "outlets")}

    def merge(self, other: _Bucket) -> None:
        for key in COUNT_KEYS:
            self.counts[key] += other.counts[key]
        for key, values in other.sets.items():
            self.sets[key] |= values

    def as_dict(self) -> dict[str, int]:
        people = self.sets["invited"] | self.sets["attended"] | self.sets["downloaded"]
        return {**self.counts, "invited": len(self.sets["invited"]), "attended": len(self.sets["attended"]),
                "downloaded": len(self.sets["downloaded"]), "journalists_reached": len(people),
                "outlets_reached": len(self.sets["outlets"])}


def _office_zone(office_id: int) -> ZoneInfo:
    office = db.session.get(Office, office_id)
    return ZoneInfo(office.timezone or "Asia/Ho_Chi_Minh")


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def _policy_sets(policy_id: int) -> dict[str, set[int]]:
    """Ids of everything that counts for the policy (direct links plus through a linked briefing)."""
    briefings = set(db.session.scalars(select(PolicyBriefing.briefing_id).where(PolicyBriefing.policy_id == policy_id)))
    direct_packs = set(db.session.scalars(select(PolicyPack.pack_id).where(PolicyPack.policy_id == policy_id)))
    direct_questions = set(db.session.scalars(select(PolicyQuestion.question_id)
                                              .where(PolicyQuestion.policy_id == policy_id)))
    direct_coverage = set(db.session.scalars(select(PolicyCoverage.coverage_id)
                                             .where(PolicyCoverage.policy_id == policy_id)))
    packs, questions, coverage = set(direct_packs), set(direct_questions), set(direct_coverage)
    if briefings:
        packs |= set(db.session.scalars(select(Pack.id).where(Pack.briefing_id.in_(briefings))))
        questions |= set(db.session.scalars(select(Question.id).where(Question.briefing_id.in_(briefings))))
        coverage |= set(db.session.scalars(select(Coverage.id).where(Coverage.briefing_id.in_(briefings))))
    if packs:  # every version of a linked pack's lineage (a correction belongs to the same policy)
        roots = {row.root_id or row.id for row in db.session.execute(select(Pack.id, Pack.root_id)
                                                                     .where(Pack.id.in_(packs)))}
        packs |= set(db.session.scalars(select(Pack.id).where(or_(Pack.root_id.in_(roots), Pack.id.in_(roots)))))
    return {"briefings": briefings, "packs": packs, "questions": questions, "coverage": coverage}


def _policy_buckets(policy_id: int, year: int, tz: ZoneInfo, now: datetime) -> dict[int, _Bucket]:
    """Quarter (1..4) -> bucket of what happened; the planned figures are added by the caller."""
    buckets = {q: _Bucket() for q in (1, 2, 3, 4)}
    ids = _policy_sets(policy_id)
    if ids["briefings"]:
        briefing_quarter = _count_briefings(buckets, ids["briefings"], year, tz, now)
        if briefing_quarter:
            _count_attendance(buckets, briefing_quarter)
    if ids["packs"]:
        _count_packs(buckets, ids["packs"], year, tz)
    if ids["questions"]:
        _count_questions(buckets, ids["questions"], year, tz)
    if ids["coverage"]:
        _count_coverage(buckets, ids["coverage"], year)
    # Outlets of the journalists invited and of those who downloaded (the attendance row has its own).
    for bucket in buckets.values():
        people = bucket.sets["invited"] | bucket.sets["downloaded"]
        if people:
            bucket.sets["outlets"] |= set(db.session.scalars(select(Journalist.outlet_id).where(
                Journalist.id.in_(people), Journalist.outlet_id.is_not(None))))
    return buckets


def _count_briefings(buckets: dict[int, _Bucket], briefing_ids: set[int], year: int, tz: ZoneInfo,
                     now: datetime) -> dict[int, int]:
    """Scheduled and held briefings of the year, and who was invited to them; returns briefing id ->
    quarter."""
    briefing_quarter: dict[int, int] = {}
    for b in db.session.scalars(select(Briefing).where(Briefing.id.in_(briefing_ids))):
        day = _local_day(b.start, tz)
        if day.year != year or b.status == "cancelled":
            continue
        q = quarter_of(day)
        briefing_quarter[b.id] = q
        buckets[q].counts["briefings_scheduled"] += 1
        if b.status == "held" or b.end <= now:
            buckets[q].counts["briefings_held"] += 1
        invited = select(Invitation.journalist_id).where(
            or_(Invitation.briefing_id == b.id, Invitation.series_id == b.series_id) if b.series_id
            else Invitation.briefing_id == b.id, Invitation.cancelled_at.is_(None))
        buckets[q].sets["invited"] |= set(db.session.scalars(invited))
    return briefing_quarter


def _count_attendance(buckets: dict[int, _Bucket], briefing_quarter: dict[int, int]) -> None:
    for row in db.session.execute(select(Attendance.briefing_id, Attendance.journalist_id, Attendance.outlet_id)
                                  .where(Attendance.briefing_id.in_(briefing_quarter))):
        q = briefing_quarter[row.briefing_id]
        buckets[q].sets["attended"].add(row.journalist_id)
        buckets[q].sets["outlets"].add(row.outlet_id)


def _count_packs(buckets: dict[int, _Bucket], pack_ids: set[int], year: int, tz: ZoneInfo) -> None:
    """A pack counts once, in the quarter its lineage was first released; downloads by who downloaded."""
    first_release: dict[int, datetime] = {}
    for pack in db.session.scalars(select(Pack).where(Pack.id.in_(pack_ids), Pack.status == "released",
                                                      Pack.released_at.is_not(None))):
        lineage = pack.lineage_id
        if lineage not in first_release or pack.released_at < first_release[lineage]:
            first_release[lineage] = pack.released_at
    for released_at in first_release.values():
        day = _local_day(released_at, tz)
        if day.year == year:
            buckets[quarter_of(day)].counts["packs_released"] += 1
    for row in db.session.execute(select(PackDownload.journalist_id, PackDownload.created_at)
                                  .where(PackDownload.pack_id.in_(pack_ids),
                                         PackDownload.journalist_id.is_not(None))):
        day = _local_day(row.created_at, tz)
        if day.year == year:
            buckets[quarter_of(day)].sets["downloaded"].add(row.journalist_id)


def _count_questions(buckets: dict[int, _Bucket], question_ids: set[int], year: int, tz: ZoneInfo) -> None:
    for question in db.session.scalars(select(Question).where(Question.id.in_(question_ids),
                                                              Question.merged_into_id.is_(None))):
        day = _local_day(question.asked_at, tz)
        if day.year != year:
            continue
        q = quarter_of(day)
        buckets[q].counts["questions_asked"] += 1
        if question.status.startswith("answered"):
            buckets[q].counts["questions_answered"] += 1


def _count_coverage(buckets: dict[int, _Bucket], coverage_ids: set[int], year: int) -> None:
    for item in db.session.execute(select(Coverage.published_on, Coverage.tone)
                                   .where(Coverage.id.in_(coverage_ids))):
        if item.published_on.year != year:
            continue
        q = quarter_of(item.published_on)
        buckets[q].counts["coverage"] += 1
        buckets[q].counts[f"coverage_{item.tone}"] += 1


def comment_summary(policy_ids: list[int], year: int | None = None, tz: ZoneInfo | None = None) -> dict[int, dict]:
    """Per policy: comments by status, and a few accepted/answered ones as the summary."""
    out: dict[int, dict] = {pid: {"total": 0, "pending": 0, "accepted": 0, "answered": 0, "declined": 0,
                                  "journalists": 0, "citizens": 0, "highlights": []} for pid in policy_ids}
    if not policy_ids:
        return out
    rows = db.session.scalars(select(PolicyComment).where(PolicyComment.policy_id.in_(policy_ids))
                              .order_by(PolicyComment.created_at))
    for comment in rows:
        if year is not None and _local_day(comment.created_at, tz or ZoneInfo("UTC")).year != year:
            continue
        entry = out[comment.policy_id]
        entry["total"] += 1
        entry[comment.status] += 1
        entry["citizens" if comment.is_citizen else "journalists"] += 1
        if comment.status in ("accepted", "answered") and len(entry["highlights"]) < 3:
            entry["highlights"].append(comment.text[:300])
    return out


def progress(plan: CommunicationPlan, *, today: date | None = None, now: datetime | None = None) -> dict[str, Any]:
    tz = _office_zone(plan.office_id)
    now = now or clock.now()
    today = today or now.astimezone(tz).date()
    rows = []
    total = _Bucket()
    total_quarters = {q: _Bucket() for q in (1, 2, 3, 4)}
    comments = comment_summary([item.policy_id for item in plan.items], plan.year, tz)
    for item in plan.items:
        buckets = _policy_buckets(item.policy_id, plan.year, tz, now)
        year_bucket = _Bucket()
        for q, bucket in buckets.items():
            bucket.counts["briefings_planned"] = int(item.planned_briefings[q - 1])
            bucket.counts["packs_planned"] = int(item.planned_packs[q - 1])
            year_bucket.merge(bucket)
            total_quarters[q].merge(bucket)
        total.merge(year_bucket)
        policy = item.policy
        rows.append({"item_id": item.id, "policy_id": policy.id, "name": policy.name, "stage": policy.stage,
                     "document_number": policy.document_number, "responsible": item.responsible,
                     "audience": item.audience or {},
                     "quarters": [{"quarter": q, **buckets[q].as_dict()} for q in (1, 2, 3, 4)],
                     "year": year_bucket.as_dict(), "comments": comments[policy.id]})
    return {"plan_id": plan.id, "year": plan.year, "title": plan.title, "responsible": plan.responsible,
            "as_of": today.isoformat(), "policies": rows,
            "totals": {"year": total.as_dict(),
                       "quarters": [{"quarter": q, **total_quarters[q].as_dict()} for q in (1, 2, 3, 4)]},
            "needs_attention": needs_attention(plan, today=today, now=now),
            "consultation": _consultation(rows)}


def _consultation(rows: list[dict]) -> dict[str, Any]:
    keys = ("total", "pending", "accepted", "answered", "declined", "journalists", "citizens")
    summary: dict[str, Any] = {key: sum(row["comments"][key] for row in rows) for key in keys}
    summary["policies"] = [{"policy_id": row["policy_id"], "name": row["name"], **row["comments"]}
                           for row in rows if row["comments"]["total"]]
    return summary


# --- needs attention --------------------------------------------------------------------------------

def _negative_by_week(policy_id: int, today: date) -> list[int]:
    """Negative coverage in each of the last three 7-day windows ending today, oldest first."""
    ids = _policy_sets(policy_id)["coverage"]
    counts = [0] * NEGATIVE_WEEKS
    if not ids:
        return counts
    first = today - timedelta(days=7 * NEGATIVE_WEEKS - 1)
    for day in db.session.scalars(select(Coverage.published_on).where(
            Coverage.id.in_(ids), Coverage.tone == "negative", Coverage.published_on >= first,
            Coverage.published_on <= today)):
        counts[(day - first).days // 7] += 1
    return counts


def needs_attention(plan: CommunicationPlan, *, today: date, now: datetime | None = None) -> list[dict[str, Any]]:
    """Three rules, each with its own message:

    - ``consultation_no_briefing``: a policy in drafting and consultation with no briefing linked yet;
    - ``negative_rising``: negative coverage rose two weeks running (three 7-day windows ending today);
    - ``briefing_not_scheduled``: a quarter that starts within 14 days (or is under way) has fewer
      briefings on the schedule than planned — a planned briefing is not announced 14 days ahead.
    """
    tz = _office_zone(plan.office_id)
    now = now or clock.now()
    found: list[dict[str, Any]] = []
    policies: dict[int, Policy] = {item.policy_id: item.policy for item in plan.items}
    for policy in db.session.scalars(select(Policy).where(Policy.office_id == plan.office_id,
                                                          Policy.stage == "drafting")):
        policies.setdefault(policy.id, policy)
    for policy in sorted(policies.values(), key=lambda p: p.name):
        if policy.stage == "drafting":
            linked = set(db.session.scalars(select(PolicyBriefing.briefing_id)
                                            .where(PolicyBriefing.policy_id == policy.id)))
            live = [b for b in (db.session.get(Briefing, i) for i in linked) if b and b.status != "cancelled"]
            if not live:
                found.append({"rule": "consultation_no_briefing", "policy_id": policy.id, "name": policy.name,
                              "message": _("Đang dự thảo, lấy ý kiến nhưng chưa có buổi họp báo nào.")})
        weeks = _negative_by_week(policy.id, today)
        if weeks[0] < weeks[1] < weeks[2]:
            found.append({"rule": "negative_rising", "policy_id": policy.id, "name": policy.name,
                          "weeks": weeks,
                          "message": _("Tin bài tiêu cực tăng hai tuần liền (%(a)s → %(b)s → %(c)s).",
                                       a=weeks[0], b=weeks[1], c=weeks[2])})
    for item in plan.items:
        if item.plan.year not in (today.year, today.year + 1):
            continue
        scheduled = _scheduled_per_quarter(item.policy_id, item.plan.year, tz)
        for q in (1, 2, 3, 4):
            start, end = quarter_bounds(item.plan.year, q)
            planned = int(item.planned_briefings[q - 1])
            if not planned or not start - timedelta(days=ATTENTION_LEAD_DAYS) <= today <= end:
                continue
            if scheduled[q] < planned:
                found.append({"rule": "briefing_not_scheduled", "policy_id": item.policy_id,
                              "name": item.policy.name, "quarter": q, "planned": planned, "scheduled": scheduled[q],
                              "message": _("Quý %(q)s: kế hoạch %(p)s buổi họp báo, mới lên lịch %(s)s.",
                                           q=q, p=planned, s=scheduled[q])})
    return found


def _scheduled_per_quarter(policy_id: int, year: int, tz: ZoneInfo) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    ids = list(db.session.scalars(select(PolicyBriefing.briefing_id).where(PolicyBriefing.policy_id == policy_id)))
    if ids:
        for b in db.session.scalars(select(Briefing).where(Briefing.id.in_(ids), Briefing.status != "cancelled")):
            day = _local_day(b.start, tz)
            if day.year == year:
                counts[quarter_of(day)] += 1
    return counts
