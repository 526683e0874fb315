"""Bulk sending through a bounded pool: concurrent, resumable, never twice."""
from __future__ import annotations

import threading
import time

from coordinator.extensions import db
from coordinator.mail.bulk import BulkSender
from coordinator.mail.message import OutgoingMessage
from coordinator.mail.models import Delivery, Suppression
from tests.servers.sendgrid_fake import FakeSendGrid


def messages(office, count: int, prefix: str = "invite") -> list[OutgoingMessage]:
    return [OutgoingMessage(key=f"{prefix}:{n}", office_id=office.id, office_slug=office.slug, purpose="invite",
                            to_email=f"pv{n}@bao.vn", subject=f"Giấy mời {n}", text="Kính mời",
                            from_email="baochi@quangninh.gov.vn") for n in range(count)]


def sendgrid_app(make_app, server):
    return make_app(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test-key", SENDGRID_API_HOST=server.url)


def test_sends_concurrently(make_app, office):
    with FakeSendGrid(latency_ms=100) as server:
        app = sendgrid_app(make_app, server)
        with app.app_context(), BulkSender(concurrency=16) as sender:
            started = time.monotonic()
            report = sender.send(messages(office, 64))
            elapsed = time.monotonic() - started
        assert report.sent == 64 and report.pending == 0
        assert set(server.messages_by_key().values()) == {1} and len(server.messages_by_key()) == 64
        # 64 × 100 ms one after another would take 6.4 s; 16 at a time takes about 0.4 s.
        assert elapsed < 3.2


def test_sending_again_sends_nothing(make_app, office):
    with FakeSendGrid() as server:
        app = sendgrid_app(make_app, server)
        with app.app_context(), BulkSender() as sender:
            sender.send(messages(office, 10))
            report = sender.send(messages(office, 10))
        assert report.already_done == 10 and report.sent == 0
        assert len(server.accepted) == 10


def test_suppressed_addresses_are_skipped(app, office):
    db.session.add(Suppression(office_id=office.id, email="pv3@bao.vn", reason="bounced"))
    db.session.commit()
    with BulkSender() as sender:
        report = sender.send(messages(office, 5))
    assert (report.sent, report.suppressed) == (4, 1)
    assert db.session.scalar(db.select(Delivery.state).where(Delivery.key == "invite:3")) == "suppressed"


def test_rate_limits_and_errors_are_retried(make_app, office):
    with FakeSendGrid(fault_429=0.2, fault_500=0.1, fault_drop=0.05, seed=7) as server:
        app = sendgrid_app(make_app, server)
        with app.app_context(), BulkSender(concurrency=8) as sender:
            total = sender.send(messages(office, 60))
            while total.pending:  # what the fan-out job's retry does
                again = sender.send(messages(office, 60))
                total.sent += again.sent
                total.pending = again.pending
        counts = server.messages_by_key()
        assert len(counts) == 60 and set(counts.values()) == {1}
        assert server.stats["r429"] + server.stats["r500"] + server.stats["dropped"] > 0


def test_permanent_refusal_marks_failed(make_app, office):
    with FakeSendGrid() as server:
        app = make_app(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.wrong-key", SENDGRID_API_HOST=server.url)
        with app.app_context(), BulkSender() as sender:
            report = sender.send(messages(office, 3))
            assert report.failed == 3 and len(report.failed_keys) == 3
            assert set(db.session.scalars(db.select(Delivery.state))) == {"failed"}


def test_two_senders_on_the_same_fan_out_never_duplicate(make_app, office):
    with FakeSendGrid(latency_ms=20) as server:
        app = sendgrid_app(make_app, server)
        batch = messages(office, 120)
        results = []

        def run():
            with app.app_context(), BulkSender(concurrency=8) as sender:
                report = sender.send(batch)
                while report.pending:
                    time.sleep(0.2)
                    report = sender.send(batch)
                results.append(report)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(results) == 2  # both finished without an error
        counts = server.messages_by_key()
        assert len(counts) == 120 and set(counts.values()) == {1}
