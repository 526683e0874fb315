"""The mail page finds any message, not only the last 200: paged in SQL, searched by recipient, subject,
purpose, briefing and state; bad input is said in words, never a 500 (issue 25.10)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.mail.models import Delivery
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation


def _deliveries(office, count: int, **values) -> None:
    """``count`` delivery rows (oldest first), as the mail service writes them, inserted at once."""
    now = clock.now()
    prefix = values.pop("prefix", "bulk")
    db.session.execute(Delivery.__table__.insert(), [{
        "office_id": office.id, "key": f"{prefix}:{office.id}:{n}", "purpose": values.get("purpose", "reminder"),
        "recipient": values.get("recipient", f"pv{n}@baoquangninh.vn"),
        "subject": values.get("subject", f"Nhắc lịch số {n}"), "state": values.get("state", "sent"),
        "provider": "outbox", "provider_message_id": f"{prefix}{office.id}x{n}", "attempts": 1,
        "created_at": now - timedelta(minutes=count - n)} for n in range(count)])
    db.session.commit()


@pytest.fixture
def signed_in(client, auth, admin):
    auth.login(admin.email)
    return client


def test_pages_reach_the_oldest_message(signed_in, office):
    _deliveries(office, 260)
    first = signed_in.get("/admin/mail").get_data(as_text=True)
    assert "Nhắc lịch số 259" in first and "Nhắc lịch số 0<" not in first
    assert "Trang 1 / 6" in first
    last = signed_in.get("/admin/mail?page=6&fpage=6").get_data(as_text=True)
    assert "Nhắc lịch số 0<" in last
    # the outbox list links each file by its name, without opening it
    assert "/admin/mail/bulk" in last


def test_search_by_recipient_subject_purpose_and_state(signed_in, office):
    _deliveries(office, 30)
    _deliveries(office, 3, prefix="fail", purpose="pack", state="failed", recipient="hanh@vtv.vn",
                subject="Tài liệu họp báo quý IV")
    page = signed_in.get("/admin/mail?recipient=HANH@vtv").get_data(as_text=True)
    assert page.count("hanh@vtv.vn") >= 3 and "pv1@baoquangninh.vn" not in page
    page = signed_in.get("/admin/mail?subject=quý iv").get_data(as_text=True)
    assert "Tài liệu họp báo quý IV" in page and "Nhắc lịch số" not in page
    page = signed_in.get("/admin/mail?purpose=pack&state=failed").get_data(as_text=True)
    assert "Tài liệu họp báo quý IV" in page and "Nhắc lịch số" not in page
    assert "3 thư" in page
    # a percent sign is a character, not a wildcard
    assert "Không có thư nào khớp với tìm kiếm." in signed_in.get("/admin/mail?subject=%25").get_data(as_text=True)


def _keyed(office, keys: dict[str, str]) -> None:
    """Delivery rows with these keys (as the invitation and pack mail name them) and subjects."""
    for n, (key, subject) in enumerate(keys.items()):
        _deliveries(office, 1, prefix=key, subject=subject, recipient=f"k{n}@baoquangninh.vn")


def test_search_by_briefing(signed_in, office):
    people = domain.journalists(office, 2)
    briefing = briefing_with_invitations(office, people)
    other = briefing_with_invitations(office, people[:1], title="Họp báo về đầu tư công")
    first, second = (invitation(briefing, person) for person in people)
    theirs = invitation(other, people[0])
    b, o = briefing.id, other.id
    _keyed(office, {f"invite:{first.id}:s0": "Mời 1", f"invite:{second.id}:s0": "Mời 2",
                    f"update:{first.id}:{b}:s1": "Đổi giờ", f"remind:{first.id}:{b}:60:2031-01-01T01:00": "Nhắc",
                    f"invite:{theirs.id}:s0": "Mời buổi khác",
                    f"remind:{theirs.id}:{o}:{b}:2031-01-01T01:00": "Nhắc buổi khác"})  # its minutes == b
    page = signed_in.get(f"/admin/mail?briefing={b}").get_data(as_text=True)
    for subject in ("Mời 1", "Mời 2", "Đổi giờ", "Nhắc"):
        assert f"{subject}</" in page, subject
    assert "buổi khác" not in page
    page = signed_in.get(f"/admin/mail?briefing={o}").get_data(as_text=True)
    assert "Mời buổi khác" in page and "Nhắc buổi khác" in page and "Mời 1" not in page


@pytest.mark.parametrize("query,message", [
    ("page=abc", "Số trang “abc” không hợp lệ"),
    ("fpage=-3", "Số trang “-3” không hợp lệ"),
    ("purpose=pack.approved", "Không có mục đích gửi thư này"),
    ("state=bogus", "Không có trạng thái gửi thư này"),
    ("briefing=abc", "Không tìm thấy buổi họp báo này"),
    ("briefing=99999999999999999999", "Không tìm thấy buổi họp báo này"),
])
def test_bad_search_is_said_in_words(signed_in, office, query, message):
    _deliveries(office, 2)
    response = signed_in.get(f"/admin/mail?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Nhắc lịch số 1" in page  # the rest of the page still shows


def test_another_offices_mail_never_appears(signed_in, office, other_office):
    _deliveries(other_office, 5, recipient="bimat@hanoimoi.vn", subject="Thư của Hà Nội")
    people = domain.journalists(other_office, 1, prefix="hn")
    theirs = briefing_with_invitations(other_office, people)
    _deliveries(other_office, 1, prefix=f"invite:{invitation(theirs, people[0]).id}:s0", recipient="hn0@hanoi.vn")
    for query in ("", "?recipient=bimat", "?subject=Hà Nội", "?purpose=reminder", "?page=2", "?state=sent",
                  "?purpose=invite"):
        page = signed_in.get(f"/admin/mail{query}").get_data(as_text=True)
        assert "bimat@hanoimoi.vn" not in page and "hn0@" not in page, query
    refused = signed_in.get(f"/admin/mail?briefing={theirs.id}")
    assert refused.status_code == 400 and "hn0@" not in refused.get_data(as_text=True)
