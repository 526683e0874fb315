"""Before an ad hoc or crisis briefing's first mail, the staff see who it reaches (how many journalists of
how many outlets, through which lists, beats and outlets, who is left out and why) and confirm; the
confirmation holds for exactly those people. The audience is picked with checkbox lists."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coordinator.contacts import operations as contacts
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support.clock import local_now


@pytest.fixture
def audience(office):
    """A list of six: three reachable, one unsubscribed, one bounced, one whose address is suppressed;
    a second outlet with two more journalists."""
    people = domain.journalists(office, 6)
    contacts.set_status(people[3], "unsubscribed")
    contacts.set_status(people[4], "bounced")
    db.session.add(Suppression(office_id=office.id, email=people[5].email, reason="spam_report"))
    tv = domain.outlet(office, "Đài Phát thanh và Truyền hình Quảng Ninh", kind="television")
    others = [contacts.create_journalist(office.id, {"full_name": f"Trần Văn Bình {n}", "email": f"tv{n}@qtv.vn",
                                                     "outlet_id": tv.id}) for n in range(2)]
    resident = contacts.create_list(office.id, {"name": "Phóng viên thường trú", "member_ids": [p.id for p in people]})
    db.session.commit()
    return {"people": people, "tv": tv, "others": others, "list": resident}


@pytest.fixture
def logged_in(client, auth, admin):
    auth.login(admin.email)
    return client


def form_data(title: str, *, hours: float = 3, **extra) -> dict:
    start = local_now() + timedelta(hours=hours)
    return {"title": title, "start_date": start.strftime("%Y-%m-%d"), "start_time": start.strftime("%H:%M"),
            "duration_minutes": "60", "venue": "Hội trường UBND tỉnh", **extra}


def briefings() -> int:
    return db.session.scalar(select(func.count(Briefing.id)))


def fingerprint(html: str) -> str:
    return re.search(r'name="confirm_audience" value="([0-9a-f]+)"', html).group(1)


def test_saving_asks_first_with_the_audience_in_numbers(logged_in, audience):
    response = logged_in.post("/schedule/briefings/new", data=form_data(
        "Họp báo về dự án cảng biển", list_ids=[str(audience["list"].id)], outlet_ids=[str(audience["tv"].id)]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert briefings() == 0 and db.session.scalar(select(func.count(OutboxEvent.id))) == 0  # nothing saved yet
    panel = html[html.index("data-confirm-send"):]
    assert "Kiểm tra trước khi gửi" in panel
    assert "5 phóng viên" in panel and "của 2 cơ quan báo chí sẽ nhận thư mời" in panel
    assert "Phóng viên thường trú" in panel and "(4 người)" in panel  # active journalists, one suppressed
    assert "Đài Phát thanh và Truyền hình Quảng Ninh" in panel and "(2 người)" in panel
    assert ("Không gửi cho 3 người: 1 đã huỷ nhận thư; 1 địa chỉ thư bị trả lại; "
            "1 địa chỉ nằm trong danh sách chặn gửi.") in " ".join(panel.split())
    assert "Xác nhận và gửi thư mời tới 5 phóng viên" in panel
    # What was typed is all still there.
    assert 'value="Họp báo về dự án cảng biển"' in html
    assert re.search(rf'name="list_ids" value="{audience["list"].id}"\s+checked', html)

    confirmed = logged_in.post("/schedule/briefings/new", data=form_data(
        "Họp báo về dự án cảng biển", list_ids=[str(audience["list"].id)], outlet_ids=[str(audience["tv"].id)],
        confirm_audience=fingerprint(html), confirmed="1"))
    assert confirmed.status_code == 302 and briefings() == 1


def test_a_confirmation_holds_only_for_the_people_it_named(logged_in, audience):
    first = logged_in.post("/schedule/crisis", data=form_data(
        "Họp báo khẩn về sạt lở đất", hours=1, list_ids=[str(audience["list"].id)]))
    seen = fingerprint(first.get_data(as_text=True))
    # The outlet ticked after the summary was shown: asked again, with the new number.
    widened = logged_in.post("/schedule/crisis", data=form_data(
        "Họp báo khẩn về sạt lở đất", hours=1, list_ids=[str(audience["list"].id)],
        outlet_ids=[str(audience["tv"].id)], confirm_audience=seen))
    assert widened.status_code == 200 and briefings() == 0
    assert "Xác nhận và gửi thư mời tới 5 phóng viên" in widened.get_data(as_text=True)
    # The list itself changed meanwhile (a member added): asked again too.
    newcomer = contacts.create_journalist(audience["list"].office_id, {
        "full_name": "Lê Thu Trang", "email": "trang@baoquangninh.vn", "outlet_id": audience["people"][0].outlet_id})
    contacts.add_members(audience["list"], [newcomer])
    db.session.commit()
    again = logged_in.post("/schedule/crisis", data=form_data(
        "Họp báo khẩn về sạt lở đất", hours=1, list_ids=[str(audience["list"].id)], confirm_audience=seen))
    assert again.status_code == 200 and briefings() == 0
    assert "Xác nhận và gửi thư mời tới 4 phóng viên" in again.get_data(as_text=True)
    done = logged_in.post("/schedule/crisis", data=form_data(
        "Họp báo khẩn về sạt lở đất", hours=1, list_ids=[str(audience["list"].id)],
        confirm_audience=fingerprint(again.get_data(as_text=True))))
    assert done.status_code == 302 and briefings() == 1
    assert db.session.scalar(select(Briefing)).is_crisis


def test_no_confirmation_for_a_form_that_fails_or_a_briefing_recorded_afterwards(logged_in, audience):
    bad = logged_in.post("/schedule/crisis", data=form_data("", hours=1, venue="", list_ids=[str(audience["list"].id)]))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "data-confirm-send" not in html
    assert "Vui lòng nhập tên." in html
    past = logged_in.post("/schedule/briefings/new", data=form_data(
        "Họp báo tháng trước", hours=-24 * 30, list_ids=[str(audience["list"].id)]))
    assert past.status_code == 302 and briefings() == 1  # nothing is mailed for a past briefing


def test_nobody_to_mail_is_said_plainly(logged_in, audience):
    response = logged_in.post("/schedule/briefings/new", data=form_data("Gặp mặt báo chí"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chưa chọn đối tượng mời: không ai nhận thư mời." in html
    assert "Vẫn tạo buổi họp báo (không gửi thư mời)" in html


def test_lists_beats_and_outlets_are_checkboxes_with_their_sizes(logged_in, audience):
    page = logged_in.get("/schedule/briefings/new").get_data(as_text=True)
    assert "Giữ Ctrl" not in page and "<select multiple" not in page
    assert re.search(rf'type="checkbox" name="list_ids" value="{audience["list"].id}"', page)
    assert re.search(rf'type="checkbox" name="outlet_ids" value="{audience["tv"].id}"', page)
    assert "4 người" in page  # the list's active journalists
    assert "Chưa chọn đối tượng mời" in page


def test_the_live_summary(logged_in, audience, other_office):
    foreign = contacts.create_list(other_office.id, {"name": "Danh sách Hà Nội", "member_ids": []})
    db.session.commit()
    html = logged_in.get(f"/schedule/audience/summary?list_ids={audience['list'].id}").get_data(as_text=True)
    assert "<html" not in html and "3 phóng viên" in html and "của 1 cơ quan báo chí" in html
    both = logged_in.get(f"/schedule/audience/summary?list_ids={audience['list'].id}"
                         f"&outlet_ids={audience['tv'].id}&list_ids=x&beats=").get_data(as_text=True)
    assert "5 phóng viên" in both
    stranger = logged_in.get(f"/schedule/audience/summary?list_ids={foreign.id}").get_data(as_text=True)
    assert "Danh sách Hà Nội" not in stranger and "Chưa chọn đối tượng mời" in stranger
    logged_in.post("/language/en", data={"next": "/"})
    english = logged_in.get(f"/schedule/audience/summary?list_ids={audience['list'].id}").get_data(as_text=True)
    assert "3 journalists" in english and "will receive the invitation" in english
    assert "1 unsubscribed" in english
