"""The dashboard answers a press office's questions (issue 25.9): the next briefings with their answers,
packs awaiting approval, failed mail, questions waiting, today's coverage, alerts; each block links to the
page that acts on it, empty states are words, another office's rows never show."""
from __future__ import annotations

from datetime import timedelta

import pytest

from coordinator.attendance import operations as attendance
from coordinator.core import clock, events
from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.invitations import operations as invitations
from coordinator.mail.models import Delivery
from coordinator.packs import operations as packs
from coordinator.web.dashboard import local_today
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation
from tests.support.packs import make_pack


def _delivery(office, key: str, state: str, recipient: str, age: timedelta = timedelta(hours=1)) -> None:
    db.session.add(Delivery(office_id=office.id, key=key, purpose="invite", recipient=recipient, subject="Thư mời",
                            state=state, attempts=1, created_at=clock.now() - age))


def _fill(office, admin, prefix: str):
    """One of each thing the dashboard answers about, in ``office``."""
    people = domain.journalists(office, 3, prefix=prefix)
    briefing = briefing_with_invitations(office, people, start=domain.datetime.now(domain.VN) + timedelta(days=2),
                                         title=f"Họp báo {prefix} về giao thông")
    invitations.set_rsvp(invitation(briefing, people[0]), "accepted", source="staff")
    invitations.set_rsvp(invitation(briefing, people[1]), "declined", source="staff")
    attendance.ask(briefing, people[2], f"Câu hỏi {prefix}?", source="staff")
    pack = make_pack(office, admin, title=f"Thông cáo {prefix}")
    packs.submit(pack, admin)
    outlet = domain.outlet(office)
    attendance.create_coverage(office.id, {"url": f"https://baoquangninh.vn/{prefix}", "outlet_id": outlet.id,
                                           "tone": "neutral", "title": f"Bài {prefix}",
                                           "published_on": local_today().isoformat()})
    _delivery(office, f"{prefix}:f1", "failed", f"loi@{prefix}.vn")
    _delivery(office, f"{prefix}:f2", "failed", f"cu@{prefix}.vn", age=timedelta(days=9))  # older than 7 days
    _delivery(office, f"{prefix}:s1", "suppressed", f"chan@{prefix}.vn")
    event = events.emit("no.such.kind", office_id=office.id, payload={})
    db.session.flush()
    db.session.get(OutboxEvent, event.id).failed_at = clock.now()
    db.session.commit()
    return briefing, pack


def test_empty_office_says_each_block_in_words(client, auth, admin):
    auth.login(admin.email)
    page = client.get("/").get_data(as_text=True)
    for words in ("Không có buổi họp báo nào trong 7 ngày tới.", "Không có tài liệu nào chờ phê duyệt.",
                  "Không có câu hỏi nào chờ trả lời", "Chưa ghi nhận bài nào đăng hôm nay.",
                  "Không có thư nào gửi lỗi trong 7 ngày qua."):
        assert words in page
    assert "Cần chú ý" not in page
    assert "user.login" not in page and db.session.scalar(db.select(AuditLog.id)) is not None  # no raw login rows


def test_dashboard_answers_and_links(client, auth, admin, office, other_office, make_user):
    briefing, pack = _fill(office, admin, "qn")
    _fill(other_office, make_user(other_office, "admin", email="admin@hanoi.gov.vn"), "hn")
    auth.login(admin.email)
    page = client.get("/").get_data(as_text=True)
    assert "Họp báo qn về giao thông" in page
    assert "1 nhận lời · 1 từ chối · 1 chưa trả lời" in page
    assert f"/schedule/briefings/{briefing.id}/invitations" in page
    assert "Thông cáo qn" in page and f"/packs/{pack.id}" in page
    assert f"/attendance/briefings/{briefing.id}/questions" in page and "1 câu hỏi" in page
    assert "Bài qn" in page and "bài đăng hôm nay" in page
    assert "loi@qn.vn" in page and "cu@qn.vn" not in page and "/admin/mail?state=failed" in page
    assert "1 công việc nền bị lỗi" in page and "/admin/jobs?state=failed" in page
    assert "1 địa chỉ bị chặn gửi thư" in page and "/admin/mail?state=suppressed" in page
    for theirs in ("Họp báo hn", "Thông cáo hn", "Bài hn", "loi@hn.vn"):
        assert theirs not in page, theirs


@pytest.mark.parametrize("role", ["viewer", "spokesperson"])
def test_blocks_follow_permissions(client, auth, office, admin, make_user, role):
    _fill(office, admin, "qn")
    person = make_user(office, role)
    auth.login(person.email)
    page = client.get("/").get_data(as_text=True)
    assert "Thông cáo qn" in page
    assert "loi@qn.vn" not in page and "/admin/mail" not in page and "/admin/jobs" not in page


def test_dashboard_in_english(client, auth, admin, office):
    _fill(office, admin, "qn")
    client.post("/language/en", data={"next": "/login"})
    auth.login(admin.email)
    page = client.get("/").get_data(as_text=True)
    assert "Briefings in the next 7 days" in page and "1 accepted · 1 declined · 1 no reply" in page
    assert "Packs awaiting approval" in page and "1 question" in page and "Needs attention" in page
