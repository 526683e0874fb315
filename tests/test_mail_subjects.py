"""Subjects survive the trip: every kind of subject, through the outbox file, a real SMTP server and the
SendGrid payload, read back by a real parser exactly as written (no space lost at an encoded-word edge)."""
from __future__ import annotations

import email
import email.policy
import unicodedata

import pytest

from coordinator.mail.backends import SendGridBackend, SmtpBackend
from coordinator.mail.message import MAX_SUBJECT, OutgoingMessage, clean_subject, to_email_message
from tests.servers.smtp import SmtpServer

TITLES = [
    "Giấy mời: Gặp mặt báo chí hằng tháng – Thứ Hai, 07/12/2026, 09:00",
    "KHẨN – Giấy mời họp báo: Sự cố sạt lở đất tại phường Hà Khánh, thành phố Hạ Long – Thứ Hai, 07/12/2026",
    "URGENT – Invitation: Họp báo khẩn về tình hình mưa lũ – Monday 7 December 2026, 15:00",
    "Họpbáo khẩn",  # written so on purpose: nothing is added either
    "Cập nhật: Thông báo kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội quý IV năm 2026 và kế hoạch "
    "năm 2027 của Ủy ban nhân dân tỉnh Quảng Ninh – Thứ Ba, 08/12/2026, 15:00",
    "a  two spaces  and   three",
    "Plain ASCII subject that is long enough to be folded by the standard library somewhere in the middle",
]
NFD = unicodedata.normalize("NFD", "Tài liệu họp báo: Hội nghị xúc tiến đầu tư Quảng Ninh – Thứ Năm, 10/12/2026")


def _subjects() -> list[str]:
    cases = []
    for title in [*TITLES, NFD]:
        cases.extend(("x" * shift + " " + title) for shift in range(0, 48, 7))  # every edge position
    cases.append("Đ" * 1200)  # beyond any header line limit
    return cases


def _message(subject: str) -> OutgoingMessage:
    return OutgoingMessage(key="k", office_id=None, purpose="invite", to_email="hanh@baoquangninh.vn",
                           to_name="Nguyễn Thị Hạnh", from_email="baochi@quangninh.gov.vn",
                           from_name="Văn phòng UBND tỉnh Quảng Ninh", subject=subject, text="Kính gửi quý phóng viên.")


def _read_back(raw: bytes) -> str:
    lines = raw.split(b"\r\n") if b"\r\n" in raw else raw.split(b"\n")
    assert max(len(line) for line in lines) <= 998
    return str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])


@pytest.mark.parametrize("subject", _subjects())
def test_a_subject_reads_back_as_written(subject):
    expected = unicodedata.normalize("NFC", subject).strip()
    if len(expected) > MAX_SUBJECT:
        expected = expected[:MAX_SUBJECT - 1] + "…"
    assert clean_subject(subject) == expected
    raw = to_email_message(_message(subject)).as_bytes()
    assert _read_back(raw) == expected
    assert SendGridBackend.payload(_message(subject))["subject"] == expected


def test_a_subject_never_carries_a_line_break():
    assert clean_subject("Họp báo\r\nBcc: someone@example.com") == "Họp báo  Bcc: someone@example.com"


def test_subjects_through_a_real_smtp_server(app):
    with SmtpServer() as server:
        backend = SmtpBackend(server.url)
        for subject in TITLES + [NFD]:
            backend.send(_message(subject))
        received = [str(m["Subject"]) for m in server.messages]
    assert received == [clean_subject(s) for s in TITLES + [NFD]]
