"""The weekly digest to spokespeople: a real worker, real mail in the outbox, once per office per ISO week."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from coordinator.attendance import operations as ops
from coordinator.core import tasks
from coordinator.extensions import db
from coordinator.mail.models import Delivery
from jobs import schedule as periodic
from jobs.attendance_jobs import last_full_week
from tests.support import domain
from tests.support.attendance import body_text, briefing_with_invitations, outbox
from tests.support.processes import run_burst_worker

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_digest_is_declared_periodic():
    assert any(job.id == "attendance-weekly-digest" and job.task == "attendance.weekly_digest"
               for job in periodic.PERIODIC)
    assert tasks.TASKS["attendance.weekly_digest"].path == "jobs.attendance_jobs.send_weekly_digests"


def test_last_full_week():
    monday_early = datetime(2026, 11, 23, 6, 0, tzinfo=VN)
    assert last_full_week("Asia/Ho_Chi_Minh", monday_early) is None
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=VN)
    assert [d.isoformat() for d in last_full_week("Asia/Ho_Chi_Minh", monday)] == ["2026-11-16", "2026-11-22"]
    sunday = datetime(2026, 11, 29, 23, 0, tzinfo=VN)
    assert [d.isoformat() for d in last_full_week("Asia/Ho_Chi_Minh", sunday)] == ["2026-11-16", "2026-11-22"]


def test_weekly_digest_through_a_worker(app, app_env, office, other_office, make_user):
    spokesperson = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Đức")
    make_user(office, "coordinator")
    make_user(other_office, "spokesperson", email="phatngon@hanoi.gov.vn")
    people = domain.journalists(office, 4)
    now = datetime.now(VN)
    if last_full_week(office.timezone, now) is None:  # Monday before 07:00: run the job as of 07:30
        now = now.replace(hour=7, minute=30)
    week = last_full_week(office.timezone, now)
    start = datetime.combine(week[0] + timedelta(days=1), datetime.min.time().replace(hour=15), VN)
    briefing = briefing_with_invitations(office, people, start=start, title="Họp báo tuần trước")
    for person in people[:3]:
        ops.check_in(briefing, person)
    ops.create_coverage(office.id, {"url": "https://baoquangninh.vn/tin", "outlet_id": people[0].outlet_id,
                                    "briefing_id": briefing.id, "tone": "positive"})
    db.session.commit()
    tasks.enqueue("attendance.weekly_digest", now=now)
    run_burst_worker(app_env)
    digests = [m for m in outbox(app) if m["X-Coordinator-Purpose"] == "digest"]
    recipients = sorted(m["To"].addresses[0].addr_spec for m in digests)
    assert recipients == ["phatngon@hanoi.gov.vn", "phatngon@quangninh.gov.vn"]
    ours = next(m for m in digests if m["To"].addresses[0].addr_spec == spokesperson.email)
    text = body_text(ours)
    assert "4 / 3 (75%)" in text and "Báo Quảng Ninh" in text
    assert "from=" + week[0].isoformat() in text
    tasks.enqueue("attendance.weekly_digest", now=now)
    run_burst_worker(app_env)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.purpose == "digest")) == 2
    assert len([m for m in outbox(app) if m["X-Coordinator-Purpose"] == "digest"]) == 2
