"""A large fan-out is shared by several workers: the owner asks for helpers, each starts at its own part
of the list, every message is claimed before it is sent, and the owner ends the fan-out with exact
totals. Real workers, a SendGrid-protocol server that answers slowly, no duplicates, nothing lost."""
from __future__ import annotations

import time

from rq.registry import FinishedJobRegistry
from sqlalchemy import select

from coordinator.core import tasks
from coordinator.extensions import db
from coordinator.mail.fanout import Part, _rotated
from coordinator.mail.models import FanOut
from tests.servers.sendgrid_fake import FakeSendGrid
from tests.support import domain
from tests.support.processes import kill_tree, start_worker, stop_gracefully, wait_for

RECIPIENTS = 240


def _env(app_env: dict, server: FakeSendGrid, **extra: str) -> dict:
    return app_env | {"MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key", "SENDGRID_API_HOST": server.url,
                      "MAIL_CONCURRENCY": "4", "FANOUT_PARTS": "2", "FANOUT_ASSIST_MIN": "100", **extra}


def _finished(briefing_id: int):
    db.session.rollback()  # a fresh snapshot: the workers write in their own transactions
    return db.session.scalar(select(FanOut.finished_at).where(FanOut.briefing_id == briefing_id))


def _helper_results() -> list[int]:
    results = []
    for name in ("urgent", "bulk"):  # an ad hoc briefing's fan-out is urgent: its helpers are too
        registry = FinishedJobRegistry(queue=tasks.queue(name))
        jobs = [tasks.queue(name).fetch_job(job_id) for job_id in registry.get_job_ids()]
        results += [job.return_value() for job in jobs if job is not None and job.func_name == "jobs.fanout.assist"]
    return results


def test_rotation_starts_each_helper_at_its_own_part():
    items = list(range(10))
    assert _rotated(items, Part(0, 2)) == items
    assert _rotated(items, Part(1, 2)) == [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]
    assert sorted(_rotated(items, Part(3, 4))) == items


def test_two_workers_share_one_fan_out_exactly_once(app, app_env, office, tmp_path):
    people = domain.journalists(office, RECIPIENTS)
    with FakeSendGrid(latency_ms=60) as server:
        env = _env(app_env, server)
        workers = [start_worker(env, "--name", f"w{n}", "--no-periodic", log_path=tmp_path / f"w{n}.log")
                   for n in range(2)]
        try:
            time.sleep(2)  # both workers idle and listening, as in production
            briefing = domain.adhoc(office, people)
            wait_for(lambda: len(server.messages_by_key()) == RECIPIENTS, timeout=90, message="every invitation")
            wait_for(lambda: _finished(briefing.id), timeout=30, message="the owner to close the fan-out")
            helper_sent = wait_for(_helper_results, timeout=30, message="the helper's result")
        finally:
            for worker in workers:
                stop_gracefully(worker)
    assert set(server.messages_by_key().values()) == {1}  # nobody mailed twice
    # The helper really shared the work (it started half-way through the list while the owner sent the rest).
    assert helper_sent[0] > RECIPIENTS // 5
    db.session.expire_all()
    fan = db.session.scalar(select(FanOut).where(FanOut.briefing_id == briefing.id))
    assert (fan.total, fan.sent, fan.failed, fan.pending) == (RECIPIENTS, RECIPIENTS, 0, 0)


def test_a_helper_killed_mid_way_loses_nothing(app, app_env, office, tmp_path):
    """The helper's worker is SIGKILLed while it sends: the owner waits out its claims and sends the rest."""
    people = domain.journalists(office, RECIPIENTS)
    with FakeSendGrid(latency_ms=60) as server:
        env = _env(app_env, server)  # the production claim (20 s), renewed by heartbeats while alive
        owner = start_worker(env, "--name", "owner", "--no-periodic", log_path=tmp_path / "owner.log")
        try:
            time.sleep(2)
            briefing = domain.adhoc(office, people)
            wait_for(lambda: len(server.messages_by_key()) >= 8, timeout=60, message="the owner to start")
            helper = start_worker(env, "--name", "helper", "--no-periodic", log_path=tmp_path / "helper.log")
            start = len(server.messages_by_key())
            wait_for(lambda: len(server.messages_by_key()) >= start + 40, timeout=60, message="the helper to send")
            kill_tree(helper)
            wait_for(lambda: len(server.messages_by_key()) == RECIPIENTS, timeout=120, message="every invitation")
            wait_for(lambda: _finished(briefing.id), timeout=60, message="the owner to close the fan-out")
        finally:
            stop_gracefully(owner)
    counts = server.messages_by_key()
    assert len(counts) == RECIPIENTS
    # A message on the wire when its worker died may be accepted twice (no provider idempotency key):
    # at most one per connection of the killed worker.
    assert sum(n - 1 for n in counts.values()) <= 4


def test_a_helper_that_comes_after_the_end_does_nothing(app, office):
    """Helpers left in the queue (one busy worker took the whole fan-out) cost nothing when they run."""
    from jobs.fanout import assist

    people = domain.journalists(office, 3)
    with FakeSendGrid() as server:
        briefing = domain.adhoc(office, people)
        fan = FanOut(key=f"invite:briefing:{briefing.id}:s0", office_id=office.id, kind="invite", purpose="invite",
                     spec={"target": "briefing", "id": briefing.id, "sequence": 0}, briefing_id=briefing.id,
                     total=3, sent=3, finished_at=db.func.now())
        db.session.add(fan)
        db.session.commit()
        app.config.update(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test-key", SENDGRID_API_HOST=server.url)
        assert assist(fan.id, 1, 2) == 0
        assert server.messages_by_key() == {}
    assert tasks.TASKS["fanout.assist"].queue == "bulk"  # never ahead of a crisis event, unless urgent itself
