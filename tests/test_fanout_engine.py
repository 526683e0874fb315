"""The fan-out engine under real conditions: a worker SIGKILLed mid-crisis with the production lease and
claim settings, the urgent lane while bulk work and the safety net run, and the incremental safety net.

Real RQ workers, a real Redis and a local server that speaks SendGrid's v3 API. Waits have generous
limits; nothing here asserts how fast anything is (that is for bench/)."""
from __future__ import annotations

import time
from datetime import timedelta

import psutil
import pytest
from sqlalchemy import func, select

from coordinator.contacts import operations as contacts
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations import delivery
from coordinator.invitations.models import Invitation
from coordinator.mail.models import Delivery, FanOut
from coordinator.schedule import operations as schedule
from tests.servers.sendgrid_fake import FakeSendGrid
from tests.support import domain
from tests.support.processes import descendants, kill_tree, start_worker, stop_gracefully, wait_for

pytestmark = pytest.mark.slow


def _sendgrid_env(app_env: dict, server: FakeSendGrid, **extra: str) -> dict:
    # The production defaults for leases, claims, heartbeats and the sweep: nothing shortened here.
    for name in ("EVENT_LEASE_SECONDS", "MAIL_CLAIM_SECONDS", "HEARTBEAT_SECONDS", "OUTBOX_SWEEP_SECONDS"):
        assert name not in app_env
    return app_env | {"MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key", "SENDGRID_API_HOST": server.url,
                      **extra}


def _invite_fan(kind: str, target_id: int) -> FanOut | None:
    return _fan(key=f"invite:{kind}:{target_id}:s0")


def _fan(**where) -> FanOut | None:
    db.session.rollback()  # a fresh snapshot: the workers write in their own transactions
    query = select(FanOut)
    for name, value in where.items():
        query = query.where(getattr(FanOut, name) == value)
    return db.session.scalar(query)


def _worker_of(owner: str, workers: list) -> object:
    """The worker process whose work horse is ``owner`` ("host:pid")."""
    pid = int(owner.rsplit(":", 1)[1])
    return next(w for w in workers if pid == w.pid or pid in descendants(w.pid))


def test_a_worker_killed_mid_crisis_is_taken_over_with_production_settings(app, app_env, office, tmp_path):
    """300 journalists, two workers; the one sending is SIGKILLed after a fifth: the other takes over when
    the lease and claims lapse (nobody renews them), resumes where it stopped, and says so."""
    people = domain.journalists(office, 300)
    with FakeSendGrid(latency_ms=150, fault_429=0.05, fault_500=0.03, seed=7) as server:
        env = _sendgrid_env(app_env, server, MAIL_CONCURRENCY="4")
        workers = [start_worker(env, "--name", f"w{n}", log_path=tmp_path / f"w{n}.log") for n in range(2)]
        try:
            time.sleep(2)
            briefing = domain.adhoc(office, people, crisis=True, title="Sự cố sạt lở đất")
            wait_for(lambda: len(server.messages_by_key()) >= 60, timeout=60, message="a fifth of the invites")
            fan = wait_for(lambda: (f := _invite_fan("briefing", briefing.id)) and f.owner and f, timeout=30,
                           message="the fan-out's owner")
            victim = _worker_of(fan.owner, workers)
            kill_tree(victim)
            in_flight_at_kill = len(server.messages_by_key())
            survivor = next(w for w in workers if w is not victim)
            wait_for(lambda: len(server.messages_by_key()) == 300, timeout=150, message="every invitation")
            fan = wait_for(lambda: (f := _invite_fan("briefing", briefing.id)) and f.finished_at and f, timeout=60,
                           message="the fan-out to close")
        finally:
            for worker in workers:
                stop_gracefully(worker)
    counts = server.messages_by_key()
    assert len(counts) == 300 and in_flight_at_kill < 300
    # Only a message on the wire when its worker died can be accepted twice (SendGrid has no idempotency
    # key): at most one per connection of the killed worker.
    assert sum(n - 1 for n in counts.values()) <= 4
    assert fan.resumes >= 1 and fan.resumed_at is not None and fan.sent == 300
    assert int(fan.owner.rsplit(":", 1)[1]) in [survivor.pid, *descendants(survivor.pid)] or \
        not psutil.pid_exists(int(fan.owner.rsplit(":", 1)[1]))  # the survivor's (finished) work horse


def test_the_urgent_lane_serves_a_crisis_while_a_bulk_fan_out_and_the_safety_net_run(app, app_env, office,
                                                                                  tmp_path):
    """The general worker is busy with a large mailing (and the safety net is queued behind it); a crisis is
    served at once by the worker of the urgent lane and finishes while the mailing still runs."""
    from coordinator.core import tasks

    everyone = domain.journalists(office, 300, prefix="bulk")
    crisis_people = domain.journalists(office, 10, prefix="crisis")
    with FakeSendGrid(latency_ms=120) as server:
        env = _sendgrid_env(app_env, server, MAIL_CONCURRENCY="2")
        general = start_worker(env, "--name", "general", "--no-periodic", log_path=tmp_path / "general.log")
        urgent = start_worker(env, "--queue", "urgent", "--no-periodic", "--name", "urgent",
                              log_path=tmp_path / "urgent.log")
        try:
            time.sleep(2)
            start = (clock.now() + timedelta(days=5)).astimezone(domain.VN)
            series = domain.weekly_series(office, everyone, start=start.replace(tzinfo=None, second=0,
                                                                                microsecond=0), lead_days=14)
            wait_for(lambda: len(server.messages_by_key()) >= 10, timeout=60, message="the mailing to start")
            tasks.enqueue("invitations.dispatch_due")  # the safety net, queued behind the mailing
            briefing = domain.adhoc(office, crisis_people, crisis=True, title="Cháy rừng ở huyện Hoành Bồ")
            crisis = wait_for(lambda: (f := _invite_fan("briefing", briefing.id)) and f.finished_at and f, timeout=90,
                              message="the crisis fan-out")
            bulk = _invite_fan("series", series.id)
            assert bulk is not None and bulk.finished_at is None  # still mailing when the crisis was done
            assert bulk.lane == "default" and crisis.lane == "urgent"
            owner_pid = int(crisis.owner.rsplit(":", 1)[1])
            assert owner_pid in [urgent.pid, *descendants(urgent.pid)] or owner_pid not in descendants(general.pid)
            wait_for(lambda: (f := _invite_fan("series", series.id)) and f.finished_at, timeout=180,
                     message="the mailing to end")
        finally:
            stop_gracefully(general)
            stop_gracefully(urgent)
    counts = server.messages_by_key()
    assert len(counts) == 310 and set(counts.values()) == {1}


def test_the_safety_net_rechecks_only_what_changed(app, office):
    """A list gains a member: the safety net invites just them; targets nothing touched cost nothing."""
    people = domain.journalists(office, 3)
    press = contacts.create_list(office.id, {"name": "Phóng viên thường trú", "member_ids": [p.id for p in people]})
    db.session.commit()
    start = (clock.now() + timedelta(days=3)).astimezone(domain.VN).replace(tzinfo=None, second=0, microsecond=0)
    series = schedule.create_series(office, {
        "title": "Họp báo định kỳ", "dtstart": start.isoformat(timespec="minutes"), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY", "skip_public_holidays": False,
        "venue": "Trung tâm Truyền thông tỉnh", "invite_lead_days": 7, "audience": {"list_ids": [press.id]}})
    db.session.commit()
    delivery.schedule_invitations("series", series.id)
    domain.run_fan_outs()
    assert _invited(series) == 3
    assert delivery.safety_net() == 0  # nothing changed since: not even re-resolved
    newcomer = domain.journalists(office, 1, prefix="moi")[0]
    contacts.add_members(press, [newcomer])
    db.session.commit()
    assert delivery.safety_net() == 1
    domain.run_fan_outs()
    assert _invited(series) == 4
    assert delivery.safety_net() == 0
    keys = [k for (k,) in db.session.execute(select(FanOut.key).where(FanOut.series_id == series.id))]
    assert keys == [f"invite:series:{series.id}:s0"]  # one fan-out, reopened for the newcomer only
    fan = db.session.scalar(select(FanOut).where(FanOut.series_id == series.id))
    assert fan.total == 4 and fan.sent == 4  # its card counts the whole audience...
    attempts = [n for (n,) in db.session.execute(select(Delivery.attempts).where(Delivery.purpose == "invite"))]
    assert attempts == [1, 1, 1, 1]  # ...and the second run mailed the newcomer alone


def _invited(series) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Invitation.id)).where(Invitation.series_id == series.id,
                                                                     Invitation.sent_sequence.is_not(None)))
