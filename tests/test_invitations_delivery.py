"""Invitations through the real providers' protocols, and fan-outs that survive killed workers
and a flushed Redis without losing or doubling a message."""
from __future__ import annotations

import base64
import email
import email.policy
import time
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from redis import Redis
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.mail.models import FanOut
from tests.servers.sendgrid_fake import FakeSendGrid
from tests.servers.smtp import SmtpServer
from tests.support import domain
from tests.support.processes import kill_tree, run_burst_worker, start_worker, stop_gracefully, wait_for


def test_invites_through_sendgrid_are_valid_requests(app, app_env, office):
    people = domain.journalists(office, 5)
    with FakeSendGrid() as server:
        env = app_env | {"MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key",
                         "SENDGRID_API_HOST": server.url}
        domain.adhoc(office, people, crisis=True)
        run_burst_worker(env)
        assert server.rejected == []  # every request matched the mail/send schema and SendGrid's rules
        counts = server.messages_by_key()
        assert len(counts) == 5 and set(counts.values()) == {1}
        for body in server.accepted:
            assert len(body["personalizations"]) == 1 and len(body["personalizations"][0]["to"]) == 1
            types = [c["type"] for c in body["content"]]
            assert types == ["text/plain", "text/html", "text/calendar; method=REQUEST"]
            ics = next(a for a in body["attachments"] if a["filename"] == "invite.ics")
            cal = Calendar.from_ical(base64.b64decode(ics["content"]))
            (event,) = cal.walk("VEVENT")
            assert str(event["ATTENDEE"]).lower() == "mailto:" + body["personalizations"][0]["to"][0]["email"]
            assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_invites_through_smtp(app, app_env, office):
    people = domain.journalists(office, 2)
    with SmtpServer() as server:
        env = app_env | {"MAIL_BACKEND": "smtp", "SMTP_URL": server.url}
        domain.adhoc(office, people)
        run_burst_worker(env)
        assert len(server.messages) == 2
        for message in server.messages:
            parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
            part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
            assert part.get_param("method") == "REQUEST"
            assert str(Calendar.from_ical(part.get_content())["METHOD"]) == "REQUEST"


@pytest.mark.slow
def test_killed_worker_and_flushed_redis_lose_nothing_and_double_nothing(app, app_env, office, tmp_path):
    """A fan-out to 60 through a slow SMTP server: the worker is SIGKILLed mid-way, Redis is flushed,
    a new worker finishes. Nobody is lost; what was recorded as sent is never sent again."""
    people = domain.journalists(office, 60)
    with SmtpServer(delay=0.3) as server:
        env = app_env | {"MAIL_BACKEND": "smtp", "SMTP_URL": server.url, "EVENT_LEASE_SECONDS": "3",
                         "MAIL_CLAIM_SECONDS": "3", "EVENT_REDISPATCH_AFTER_SECONDS": "1",
                         "MAIL_CONCURRENCY": "4"}
        domain.adhoc(office, people, start=datetime.now(UTC) + timedelta(hours=5))
        first = start_worker(env, "--name", "first", log_path=tmp_path / "w1.log")
        try:
            wait_for(lambda: len(server.messages) >= 10, timeout=60, message="some invitations to go out")
        finally:
            kill_tree(first)
        partial = len(server.messages)
        assert partial < 60
        Redis.from_url(env["REDIS_URL"]).flushall()
        server.handler.delay = 0
        time.sleep(3.5)  # the dead worker's lease and claims expire
        second = start_worker(env, "--name", "second", log_path=tmp_path / "w2.log")
        try:
            wait_for(lambda: len(server.handler.by_key()) == 60, timeout=120,
                     message="all 60 invitations: " + (tmp_path / "w2.log").read_text()[-1500:])
            time.sleep(1)
        finally:
            stop_gracefully(second)
    counts = server.handler.by_key()
    assert len(counts) == 60  # nobody lost
    # Only a message in doubt when the worker died (on the wire, or accepted in the instant before its
    # result was recorded) can go out again: at most one per connection (MAIL_CONCURRENCY = 4), twice.
    doubled = [key for key, n in counts.items() if n > 1]
    assert max(counts.values()) <= 2 and len(doubled) <= 8, doubled
    db.session.expire_all()
    fan = db.session.scalar(select(FanOut))
    assert fan.sent == 60 and fan.finished_at is not None


def test_two_workers_on_one_fan_out_never_duplicate(app, app_env, office, tmp_path):
    people = domain.journalists(office, 40)
    with FakeSendGrid(latency_ms=30) as server:
        env = app_env | {"MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key",
                         "SENDGRID_API_HOST": server.url, "MAIL_CONCURRENCY": "4"}
        briefing = domain.adhoc(office, people)
        from coordinator.core import tasks
        from coordinator.core.events import OutboxEvent

        event_id = db.session.scalar(select(OutboxEvent.id).where(OutboxEvent.kind == "briefing.created"))
        workers = [start_worker(env, "--name", f"w{n}", "--no-periodic", log_path=tmp_path / f"w{n}.log")
                   for n in range(2)]
        try:
            # The same event handed to RQ twice (as a redispatch would): both workers may take it.
            tasks.enqueue_event(event_id)
            wait_for(lambda: len(server.messages_by_key()) == 40, timeout=60, message="40 invitations")
            time.sleep(1)
        finally:
            for worker in workers:
                stop_gracefully(worker)
        assert set(server.messages_by_key().values()) == {1}
        assert briefing.id
