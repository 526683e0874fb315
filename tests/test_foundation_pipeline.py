"""The event-driven pipeline end to end, through real worker processes on a real Redis.

A change records an outbox event in its transaction; after commit it is queued;
a worker turns it into mail. Lost work (Redis flushed, worker killed) is found
again from the database and done exactly once.
"""
from __future__ import annotations

import email
import email.policy
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from coordinator.core import events
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.mail.models import Delivery
from coordinator.users.operations import create_user
from tests.servers.smtp import SmtpServer
from tests.support.processes import kill_tree, run_burst_worker, start_worker, stop_gracefully, wait_for


def outbox_files(app) -> list[Path]:
    return sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"))


def queued_jobs(app_env) -> int:
    redis = Redis.from_url(app_env["REDIS_URL"])
    return sum(Queue(name, connection=redis).count for name in ("urgent", "default", "mail", "bulk"))


def test_event_is_queued_only_after_commit(app, app_env, office):
    create_user(office, "mai@quangninh.gov.vn", "viewer")
    db.session.flush()
    assert queued_jobs(app_env) == 0  # not before commit
    db.session.rollback()
    assert queued_jobs(app_env) == 0 and db.session.scalar(db.select(OutboxEvent)) is None
    create_user(office, "mai@quangninh.gov.vn", "viewer")
    db.session.commit()
    assert queued_jobs(app_env) == 1


def test_new_user_gets_welcome_mail_through_a_real_worker(app, app_env, office):
    user = create_user(office, "mai@quangninh.gov.vn", "spokesperson", full_name="Đỗ Thị Mai")
    db.session.commit()
    run_burst_worker(app_env)
    files = outbox_files(app)
    assert len(files) == 1
    mail = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert mail["To"].addresses[0].addr_spec == user.email
    assert "Văn phòng UBND tỉnh Quảng Ninh" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Xin chào Đỗ Thị Mai" in text and "http://briefings.test/set-password/" in text
    db.session.expire_all()
    event = db.session.scalar(db.select(OutboxEvent))
    assert event.processed_at is not None and event.attempts == 1
    # Running the same event again (a duplicate job) sends nothing more.
    events.dispatch([(event.id, None)])
    run_burst_worker(app_env)
    assert len(outbox_files(app)) == 1


def test_welcome_mail_in_english_for_an_english_office(app, app_env, make_office):
    office = make_office("foreign-press", "Foreign Press Centre", locale="en")
    create_user(office, "desk@fpc.gov.vn", "viewer")
    db.session.commit()
    run_burst_worker(app_env)
    mail = email.message_from_bytes(outbox_files(app)[0].read_bytes(), policy=email.policy.default)
    assert mail["Subject"] == "Your account at Foreign Press Centre"


def test_flushed_redis_loses_nothing(app, app_env, office):
    create_user(office, "a@quangninh.gov.vn", "viewer")
    create_user(office, "b@quangninh.gov.vn", "viewer")
    db.session.commit()
    Redis.from_url(app_env["REDIS_URL"]).flushall()  # the queued jobs are gone
    assert queued_jobs(app_env) == 0
    run_burst_worker(app_env)  # a burst worker sweeps what is due from the database first
    assert len(outbox_files(app)) == 2


def test_sweep_waits_for_the_normal_dispatch_then_requeues(app, app_env, office):
    create_user(office, "a@quangninh.gov.vn", "viewer")
    db.session.commit()
    Redis.from_url(app_env["REDIS_URL"]).flushall()
    assert events.sweep() == 0  # within the grace period: the after-commit dispatch may still run
    app.config["EVENT_REDISPATCH_AFTER_SECONDS"] = 0
    time.sleep(0.01)
    assert events.sweep() == 1
    assert queued_jobs(app_env) == 1


def test_dispatch_survives_redis_being_down(make_app, app_env, office, tmp_path):
    down = make_app(REDIS_URL=f"unix://{tmp_path}/no-redis.sock")
    with down.app_context():
        from coordinator.offices.models import Office

        office_again = db.session.get(Office, office.id)
        create_user(office_again, "a@quangninh.gov.vn", "viewer")
        db.session.commit()  # the change is saved although Redis is unreachable
    assert db.session.scalar(db.select(db.func.count(OutboxEvent.id))) == 1
    run_burst_worker(app_env)
    assert db.session.scalar(db.select(Delivery.state)) == "sent"


def test_failing_handler_retries_then_fails_visibly_and_admin_can_retry(app, app_env, office, client, auth, admin):
    event = events.emit("no.such.kind", office_id=office.id, payload={})
    db.session.commit()
    env = app_env | {"EVENT_MAX_ATTEMPTS": "1"}
    run_burst_worker(env)
    db.session.expire_all()
    failed = db.session.get(OutboxEvent, event.id)
    assert failed.failed_at is not None and "no handler" in failed.last_error
    auth.login(admin.email)
    page = client.get("/admin/jobs?state=failed").get_data(as_text=True)
    assert "no.such.kind" in page and "no handler" in page
    assert client.post(f"/admin/jobs/{event.id}/retry").status_code == 302
    db.session.expire_all()
    again = db.session.get(OutboxEvent, event.id)
    assert again.failed_at is None and again.attempts == 0
    assert queued_jobs(app_env) == 1


@pytest.mark.slow
def test_worker_killed_mid_job_finishes_the_work_exactly_once(app, app_env, office, tmp_path):
    """SIGKILL the worker (and its work horse) while it is sending; a new worker finishes the job once."""
    env = app_env | {"EVENT_LEASE_SECONDS": "2", "MAIL_CLAIM_SECONDS": "2", "EVENT_REDISPATCH_AFTER_SECONDS": "1"}
    with SmtpServer(delay=3.0) as server:
        env |= {"MAIL_BACKEND": "smtp", "SMTP_URL": server.url}
        create_user(office, "mai@quangninh.gov.vn", "viewer")
        db.session.commit()
        worker = start_worker(env, "--name", "doomed", log_path=tmp_path / "worker1.log")
        try:
            assert server.handler.started_data.wait(30), (tmp_path / "worker1.log").read_text()
            kill_tree(worker)  # in the middle of the SMTP transaction
        finally:
            kill_tree(worker)
        db.session.expire_all()
        event = db.session.scalar(db.select(OutboxEvent))
        assert event.processed_at is None  # the work was not finished
        server.handler.delay = 0
        survivor = start_worker(env, "--name", "survivor", log_path=tmp_path / "worker2.log")
        try:
            wait_for(lambda: server.handler.by_key(), timeout=60, message="the mail to arrive")

            def finished():
                db.session.expire_all()
                return db.session.scalar(db.select(OutboxEvent.processed_at))

            wait_for(finished, timeout=30, message="the event to be done")
        finally:
            stop_gracefully(survivor)
        time.sleep(1)
        assert list(server.handler.by_key().values()) == [1]  # exactly once
        assert db.session.scalar(db.select(Delivery.state)) == "sent"
