"""The mail layer: three backends behind one interface, idempotent by key, suppression enforced."""
from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import pytest
from icalendar import Calendar

from coordinator.extensions import db
from coordinator.mail import service as mail
from coordinator.mail.backends import OutboxBackend, PermanentMailError, SendGridBackend, TemporaryMailError
from coordinator.mail.message import Attachment, OutgoingMessage, to_email_message
from coordinator.mail.models import Delivery, Suppression
from tests.servers.sendgrid_fake import FakeSendGrid
from tests.servers.smtp import SmtpServer

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:briefing-1@test\r
DTSTAMP:20261121T000000Z\r
DTSTART:20261124T080000Z\r
DTEND:20261124T090000Z\r
SUMMARY:Họp báo định kỳ\r
SEQUENCE:0\r
END:VEVENT\r
END:VCALENDAR\r
"""


def message(key="k-1", to="phongvien@baoquangninh.vn", office_id=None, **kwargs) -> OutgoingMessage:
    return OutgoingMessage(key=key, office_id=office_id, purpose="test", to_email=to, to_name="Nguyễn Thị Hạnh",
                           from_email="baochi@quangninh.gov.vn", from_name="UBND tỉnh Quảng Ninh",
                           subject="Giấy mời họp báo – Thứ Ba, 24/11/2026", text="Kính mời quý báo…",
                           html="<p>Kính mời <b>quý báo</b>…</p>", office_slug="quang-ninh", **kwargs)


def test_mime_layout_follows_imip_practice():
    msg = to_email_message(message(calendar=CALENDAR))
    assert msg.get_content_type() == "multipart/mixed"
    alternative = next(msg.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    attachment = next(msg.iter_attachments())
    assert attachment.get_filename() == "invite.ics" and attachment.get_content_type() == "application/ics"
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Giấy mời họp báo – Thứ Ba, 24/11/2026"
    assert str(parsed["To"]) == "Nguyễn Thị Hạnh <phongvien@baoquangninh.vn>"
    event = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Họp báo định kỳ"


def test_outbox_backend_writes_one_file_per_key(tmp_path):
    backend = OutboxBackend(tmp_path)
    first = backend.send(message())
    second = backend.send(message())
    files = list((tmp_path / "quang-ninh").glob("*.eml"))
    assert first == second and len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["X-Coordinator-Key"] == "k-1"
    assert parsed.get_body(("plain",)).get_content().strip() == "Kính mời quý báo…"


def test_service_sends_once_per_key(app, office):
    first = mail.send(message(office_id=office.id))
    second = mail.send(message(office_id=office.id))
    assert first.id == second.id and first.state == "sent" and first.provider == "outbox"
    assert db.session.scalar(db.select(db.func.count(Delivery.id))) == 1
    assert len(list(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"))) == 1


def test_service_refuses_suppressed_address(app, office):
    db.session.add(Suppression(office_id=office.id, email="phongvien@baoquangninh.vn", reason="bounce"))
    db.session.commit()
    delivery = mail.send(message(office_id=office.id, to="PhongVien@BaoQuangNinh.vn"))
    assert delivery.state == "suppressed" and "bounce" in delivery.error
    assert not list(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"))


def test_smtp_backend_delivers_through_a_real_server(make_app, office):
    with SmtpServer() as server:
        app = make_app(MAIL_BACKEND="smtp", SMTP_URL=server.url)
        with app.app_context():
            delivery = mail.send(message(office_id=office.id, calendar=CALENDAR,
                                         attachments=[Attachment("tai-lieu.pdf", "application/pdf", b"%PDF-1.4")]))
            assert delivery.state == "sent" and delivery.provider == "smtp"
            assert mail.send(message(office_id=office.id)).state == "sent"  # same key: not sent again
    assert len(server.messages) == 1
    received = server.messages[0]
    assert received["X-Coordinator-Key"] == "k-1"
    parts = [p.get_content_type() for p in received.walk()]
    assert "text/calendar" in parts and "application/pdf" in parts and "application/ics" in parts


def test_smtp_permanent_refusal_marks_failed(make_app, office):
    with SmtpServer(refuse={"gone@baoquangninh.vn": "550 No such user"}) as server:
        app = make_app(MAIL_BACKEND="smtp", SMTP_URL=server.url)
        with app.app_context():
            delivery = mail.send(message(office_id=office.id, to="gone@baoquangninh.vn"))
            assert delivery.state == "failed" and "550" in delivery.error


def test_smtp_unreachable_is_temporary(make_app, office):
    app = make_app(MAIL_BACKEND="smtp", SMTP_URL="smtp://127.0.0.1:1")
    with app.app_context(), pytest.raises(TemporaryMailError):
        mail.send(message(office_id=office.id))
    with app.app_context():
        assert db.session.scalar(db.select(Delivery.state)) == "queued"


def test_sendgrid_backend_payload_is_valid_and_accepted(make_app, office):
    with FakeSendGrid() as server:
        app = make_app(MAIL_BACKEND="sendgrid", SENDGRID_API_KEY="SG.test-key", SENDGRID_API_HOST=server.url)
        with app.app_context():
            delivery = mail.send(message(office_id=office.id, calendar=CALENDAR,
                                         attachments=[Attachment("tài liệu.pdf", "application/pdf", b"%PDF")],
                                         headers={"List-Unsubscribe": "<https://briefings.test/u/1>"}))
            assert delivery.state == "sent" and delivery.provider_message_id
            mail.send(message(office_id=office.id))
        assert server.rejected == []
        assert server.messages_by_key() == {"k-1": 1}
        body = server.accepted[0]
        assert [c["type"] for c in body["content"]] == ["text/plain", "text/html", "text/calendar; method=REQUEST"]
        ics = next(a for a in body["attachments"] if a["filename"] == "invite.ics")
        assert ics["type"] == "application/ics"
        assert base64.b64decode(ics["content"]).decode() == CALENDAR


def test_sendgrid_429_and_500_are_temporary_400_is_permanent(office, app):
    with FakeSendGrid(fault_429=1.0) as server:
        backend = SendGridBackend("SG.test-key", server.url)
        with pytest.raises(TemporaryMailError) as caught:
            backend.send(message())
        assert caught.value.retry_after is not None
        server.fault_429, server.fault_500 = 0.0, 1.0
        with pytest.raises(TemporaryMailError):
            backend.send(message())
        server.fault_500 = 0.0
        bad = message()
        bad.subject = ""
        with pytest.raises(PermanentMailError):
            SendGridBackend("SG.wrong", server.url).send(bad)


def test_sendgrid_dropped_connection_is_temporary(app):
    with FakeSendGrid(fault_drop=1.0) as server, pytest.raises(TemporaryMailError):
        SendGridBackend("SG.test-key", server.url).send(message())
