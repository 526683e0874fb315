"""Plan against reality with hand-built data (exact counts), the needs-attention rules (each with a case that
triggers and one that does not), and the demo data's plan.

Dates are computed from now (last year's plan, a briefing ten days ago, coverage in the three weeks up to today);
only the 14-days-ahead rule, whose point is a quarter's first day on a known calendar, pins "now"."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator.contacts import operations as contacts
from coordinator.extensions import db
from coordinator.packs.models import Pack, PackDownload
from coordinator.policies import operations as ops
from coordinator.policies import progress
from coordinator.policies.models import CommunicationPlan, Policy, PolicyCoverage, PolicyPack, PolicyQuestion
from tests.support import domain
from tests.support import policies as support
from tests.support.clock import days_from_now, local_today


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _pack(office, *, briefing=None, status="released", released_at=None, root=None, version=1) -> Pack:
    row = Pack(office_id=office.id, briefing_id=briefing.id if briefing else None, title="Thông cáo",
               status=status, released_at=released_at, root_id=root.id if root else None, version=version)
    db.session.add(row)
    db.session.flush()
    if root is None:
        row.root_id = row.id
    return row


def _link(policy_row, kind, obj):
    assert ops.link(policy_row, kind, obj.id)


def _world(office, year: int):
    """One policy in the plan of ``year`` (a past year), with things that count and things that must not."""
    j0, j1, j2 = domain.journalists(office, 3)
    radio = domain.outlet(office, "Đài Phát thanh và Truyền hình Quảng Ninh", kind="radio")
    j3 = contacts.create_journalist(office.id, {"full_name": "Trần Văn Bình", "email": "binh@qtv.vn",
                                                "outlet_id": radio.id})
    policy_row = support.policy(office, "Hỗ trợ người dân vùng lũ")
    other_policy = support.policy(office, "Chính sách không liên quan")
    b1 = support.briefing(office, _utc(year, 2, 10, 3))  # Q1
    b2 = support.briefing(office, _utc(year, 3, 31, 18))  # 1 April 01:00 in Vietnam: Q2
    b3 = support.briefing(office, _utc(year, 5, 5, 3), status="cancelled")
    b4 = support.briefing(office, _utc(year, 2, 15, 3))  # not linked
    b5 = support.briefing(office, _utc(year - 1, 12, 20, 3))  # another year
    for b in (b1, b2, b3, b5):
        _link(policy_row, "briefing", b)
    _link(other_policy, "briefing", b4)
    support.invite(office, b1, j0)
    support.invite(office, b1, j1)
    support.invite(office, b1, j2, cancelled=True)
    support.invite(office, b2, j0)
    support.invite(office, b4, j2)
    support.attend(office, b1, j0)
    support.attend(office, b1, j3)  # a walk-in from another outlet
    support.attend(office, b4, j2)
    q1 = support.question(office, b1, asked_at=_utc(year, 2, 10, 3, 30), status="answered_at_briefing")
    support.question(office, b1, asked_at=_utc(year, 2, 10, 3, 40))
    support.question(office, b1, asked_at=_utc(year, 2, 10, 3, 45), merged_into=q1)  # a duplicate
    q4 = support.question(office, b4, asked_at=_utc(year, 8, 1, 3), status="answered_in_writing")
    _link(policy_row, "question", q4)  # linked directly although its briefing is not
    out = domain.outlet(office)
    support.coverage(office, out, date(year, 2, 11), tone="negative", briefing_row=b1)
    support.coverage(office, out, date(year, 2, 12), tone="positive", briefing_row=b1)
    support.coverage(office, out, date(year, 2, 16), briefing_row=b4)  # not linked
    loose = support.coverage(office, out, date(year, 11, 1))
    _link(policy_row, "coverage", loose)
    first = _pack(office, briefing=b1, released_at=_utc(year, 2, 10, 5))
    _pack(office, root=first, version=2, released_at=_utc(year, 2, 20, 5))  # a correction: same lineage
    july = _pack(office, released_at=_utc(year, 7, 1, 5))
    draft = _pack(office, status="draft")
    _link(policy_row, "pack", july)
    _link(policy_row, "pack", draft)
    db.session.add(PackDownload(office_id=office.id, pack_id=first.id, journalist_id=j1.id, source="link",
                                created_at=_utc(year, 2, 11, 2)))
    db.session.add(PackDownload(office_id=office.id, pack_id=first.id, journalist_id=None, source="newsroom",
                                created_at=_utc(year, 2, 11, 2)))
    plan = ops.create_plan(office.id, {"year": year})
    ops.add_item(plan, {"policy_id": policy_row.id, "planned_briefings": [2, 1, 0, 0],
                        "planned_packs": [1, 0, 0, 0]})
    support.comment(policy_row, status="accepted", created_at=_utc(year, 1, 20, 3))
    support.comment(policy_row, status="pending", citizen=False, created_at=_utc(year, 1, 21, 3))
    support.comment(policy_row, status="pending", created_at=_utc(year - 1, 12, 1, 3))  # another year
    db.session.commit()
    return plan, policy_row


def _quarter(row, q):
    return {k: v for k, v in row["quarters"][q - 1].items() if k != "quarter"}


def test_progress_counts_exactly(app, office):
    last_year = local_today().year - 1  # a year that is over: every briefing in it has been held
    plan, policy_row = _world(office, last_year)
    data = progress.progress(plan)
    row = data["policies"][0]
    assert row["policy_id"] == policy_row.id
    assert _quarter(row, 1) == {
        "briefings_planned": 2, "briefings_scheduled": 1, "briefings_held": 1, "packs_planned": 1,
        "packs_released": 1, "questions_asked": 2, "questions_answered": 1, "coverage": 2, "coverage_positive": 1,
        "coverage_neutral": 0, "coverage_negative": 1, "invited": 2, "attended": 2, "downloaded": 1,
        "journalists_reached": 3, "outlets_reached": 2}
    assert _quarter(row, 2) == {
        "briefings_planned": 1, "briefings_scheduled": 1, "briefings_held": 1, "packs_planned": 0,
        "packs_released": 0, "questions_asked": 0, "questions_answered": 0, "coverage": 0, "coverage_positive": 0,
        "coverage_neutral": 0, "coverage_negative": 0, "invited": 1, "attended": 0, "downloaded": 0,
        "journalists_reached": 1, "outlets_reached": 1}
    q3 = _quarter(row, 3)
    assert (q3["packs_released"], q3["questions_asked"], q3["questions_answered"], q3["briefings_scheduled"]) == \
        (1, 1, 1, 0)
    q4 = _quarter(row, 4)
    assert (q4["coverage"], q4["coverage_neutral"], q4["packs_released"]) == (1, 1, 0)
    year = row["year"]
    assert (year["briefings_planned"], year["briefings_scheduled"], year["briefings_held"]) == (3, 2, 2)
    assert (year["packs_planned"], year["packs_released"]) == (1, 2)
    assert (year["invited"], year["attended"], year["downloaded"], year["journalists_reached"],
            year["outlets_reached"]) == (2, 2, 1, 3, 2)  # distinct people over the year, not a sum
    assert (year["questions_asked"], year["questions_answered"], year["coverage"]) == (3, 2, 3)
    assert row["comments"]["total"] == 2 and row["comments"]["accepted"] == 1 and row["comments"]["citizens"] == 1
    assert data["totals"]["year"] == year
    assert data["consultation"]["total"] == 2 and data["consultation"]["pending"] == 1


def test_a_future_briefing_is_scheduled_not_held(app, office):
    policy_row = support.policy(office)
    start = days_from_now(10, hour=10)  # local time; its year's plan, its quarter
    b = support.briefing(office, start.astimezone(UTC))
    _link(policy_row, "briefing", b)
    plan = ops.create_plan(office.id, {"year": start.year})
    ops.add_item(plan, {"policy_id": policy_row.id})
    db.session.commit()
    quarter = progress.progress(plan)["policies"][0]["quarters"][progress.quarter_of(start.date()) - 1]
    assert (quarter["briefings_scheduled"], quarter["briefings_held"]) == (1, 0)


def test_coverage_of_a_linked_briefing_recorded_later_counts_without_linking(app, office):
    policy_row = support.policy(office)
    start = days_from_now(-10, hour=10)  # local time; its year's plan (published the same day: the same year)
    b = support.briefing(office, start.astimezone(UTC))
    _link(policy_row, "briefing", b)
    plan = ops.create_plan(office.id, {"year": start.year})
    ops.add_item(plan, {"policy_id": policy_row.id})
    db.session.commit()
    assert progress.progress(plan)["totals"]["year"]["coverage"] == 0
    support.coverage(office, domain.outlet(office), start.date(), briefing_row=b)
    db.session.commit()
    assert progress.progress(plan)["totals"]["year"]["coverage"] == 1
    assert db.session.scalar(select(PolicyCoverage.coverage_id)) is None
    assert db.session.scalar(select(PolicyPack.pack_id)) is None and db.session.scalar(
        select(PolicyQuestion.question_id)) is None


# --- needs attention --------------------------------------------------------------------------------

def _plan(office, year: int | None = None):
    year = year or local_today().year
    plan = ops.plan_for_year(office.id, year) or ops.create_plan(office.id, {"year": year})
    db.session.commit()
    return plan


def _rules(plan, today):
    return [(a["rule"], a["policy_id"]) for a in progress.needs_attention(plan, today=today)]


def test_consultation_without_briefing(app, office):
    plan = _plan(office)
    lonely = support.policy(office, "Dự thảo chưa họp báo", consultation_open=True)
    briefed = support.policy(office, "Dự thảo đã họp báo", consultation_open=True)
    cancelled_only = support.policy(office, "Dự thảo chỉ có buổi đã huỷ")
    issued = support.policy(office, "Đã ban hành", stage="issued", document_number=f"1/{plan.year}/QĐ-UBND")
    _link(briefed, "briefing", support.briefing(office, days_from_now(10, hour=10)))
    _link(cancelled_only, "briefing", support.briefing(office, days_from_now(10, hour=10), status="cancelled"))
    db.session.commit()
    rules = _rules(plan, local_today())
    assert ("consultation_no_briefing", lonely.id) in rules
    assert ("consultation_no_briefing", cancelled_only.id) in rules
    assert ("consultation_no_briefing", briefed.id) not in rules
    assert all(policy_id != issued.id for _, policy_id in rules)


def _negative(office, policy_row, days: list[date], tone="negative"):
    out = domain.outlet(office)
    for day in days:
        _link(policy_row, "coverage", support.coverage(office, out, day, tone=tone))


def test_negative_coverage_rising_two_weeks(app, office):
    plan = _plan(office)
    rising = support.policy(office, "Tăng dần", stage="issued", document_number=f"2/{plan.year}/QĐ-UBND")
    flat = support.policy(office, "Không tăng", stage="issued", document_number=f"3/{plan.year}/QĐ-UBND")
    for p in (rising, flat):
        ops.add_item(plan, {"policy_id": p.id})
    today = local_today()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    # Windows ending today: 20–14, 13–7 and 6–0 days ago.
    _negative(office, rising, [ago(12), ago(5), ago(0)])
    _negative(office, rising, [ago(19)], tone="positive")
    _negative(office, flat, [ago(18), ago(11), ago(5), ago(4)])
    db.session.commit()
    found = progress.needs_attention(plan, today=today)
    negative = [a for a in found if a["rule"] == "negative_rising"]
    assert [(a["policy_id"], a["weeks"]) for a in negative] == [(rising.id, [0, 1, 2])]
    # A day later the windows move (19–13, 12–6, 5–0 days before today) → 0, 1, 2 still rising for "rising";
    # not for "flat".
    assert ("negative_rising", flat.id) not in _rules(plan, ago(-1))
    # Two weeks after, nothing new: no longer rising.
    assert ("negative_rising", rising.id) not in _rules(plan, ago(-15))


@pytest.fixture
def calendar_of_2026(clock):
    """The 14-days-ahead rule is about a quarter's first day on a known calendar: the second quarter of 2026
    starts on Wednesday 1 April, so 17 March is 15 days ahead, 18 March 14 days, and on 1 July it is over. "Now"
    is pinned before it, on Thursday 15 January 2026 at 10:00 in Vietnam, when the office plans the year."""
    clock.pin("2026-01-15T10:00")


def test_planned_briefing_not_scheduled_14_days_ahead(calendar_of_2026, app, office):
    plan = _plan(office, 2026)
    policy_row = support.policy(office, "Kế hoạch quý II", stage="issued", document_number="4/2026/QĐ-UBND")
    ops.add_item(plan, {"policy_id": policy_row.id, "planned_briefings": [0, 1, 0, 0]})
    db.session.commit()
    assert ("briefing_not_scheduled", policy_row.id) not in _rules(plan, date(2026, 3, 17))  # 15 days ahead
    assert ("briefing_not_scheduled", policy_row.id) in _rules(plan, date(2026, 3, 18))  # 14 days ahead
    assert ("briefing_not_scheduled", policy_row.id) not in _rules(plan, date(2026, 7, 1))  # the quarter is over
    _link(policy_row, "briefing", support.briefing(office, _utc(2026, 5, 20, 3)))
    db.session.commit()
    assert ("briefing_not_scheduled", policy_row.id) not in _rules(plan, date(2026, 3, 18))


def test_demo_data_has_a_plan_with_real_progress(runner):
    result = runner.invoke(args=["demo-data", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    assert "Chính sách: 5 chính sách" in result.output
    plan = db.session.scalar(select(CommunicationPlan))
    stages = set(db.session.scalars(select(Policy.stage)))
    assert stages == {"drafting", "issued", "in_force", "under_review"}
    data = progress.progress(plan)
    year = data["totals"]["year"]
    assert year["briefings_held"] > 0 and year["coverage"] > 0 and year["journalists_reached"] > 0
    assert data["consultation"]["total"] == 6
    assert any(a["rule"] == "consultation_no_briefing" for a in data["needs_attention"])
