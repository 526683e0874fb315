"""Check-in: the API (contract), QR/short code at the door, the staff opening /c/<token>, self check-in,
the roster with walk-ins, outlet as of the briefing's day, merges; bad input writes nothing."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.attendance.models import Attendance
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist
from coordinator.contacts.text import fold
from coordinator.extensions import db
from coordinator.invitations.tokens import invitation_token
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation, now_minus


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Attendance.id)))


@pytest.fixture
def people(office):
    return domain.journalists(office, 4)


@pytest.fixture
def live(office, people):
    """A briefing that started ten minutes ago (the door is open)."""
    return briefing_with_invitations(office, people, start=now_minus(10))


def test_api_check_in_is_idempotent_and_shows_in_invitations(api, live, people):
    url = f"/api/v1/briefings/{live.id}/attendance"
    first = api.post(url, json={"journalist_id": people[0].id, "mode": "in_person"})
    assert first.status_code == 201, first.json
    body = first.json
    assert body["journalist_id"] == people[0].id and body["mode"] == "in_person" and body["id"]
    assert body["outlet_id"] == people[0].outlet_id
    again = api.post(url, json={"journalist_id": people[0].id, "mode": "online"})
    assert again.status_code == 200
    assert again.json["id"] == body["id"] and again.json["mode"] == "in_person"
    assert count() == 1
    listed = api.get(f"/api/v1/briefings/{live.id}/invitations").json["items"]
    attended = {item["journalist_id"]: item["attended"] for item in listed}
    assert attended[people[0].id] is True and attended[people[1].id] is False
    page = api.get(url).json
    assert page["total"] == 1 and page["items"][0]["id"] == body["id"]


def test_api_check_in_bad_input_writes_nothing(api, live, people, other_office, make_user, make_token, client):
    url = f"/api/v1/briefings/{live.id}/attendance"
    assert api.post(url, json={"journalist_id": people[0].id, "mode": "by_pigeon"}).status_code == 422
    assert api.post(url, json={"journalist_id": "x"}).status_code == 422
    assert api.post(url, json={"journalist_id": 999999}).status_code == 422
    assert count() == 0
    # Another office's briefing is a 404, never a 403.
    stranger = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    from tests.conftest import ApiClient

    other = ApiClient(client, make_token(stranger))
    assert other.post(url, json={"journalist_id": people[0].id}).status_code == 404
    assert other.get(url).status_code == 404
    assert count() == 0


def test_api_check_in_refuses_cancelled_and_far_future(api, office, people):
    future = briefing_with_invitations(office, people, start=now_minus(-3 * 24 * 60))
    response = api.post(f"/api/v1/briefings/{future.id}/attendance", json={"journalist_id": people[0].id})
    assert response.status_code == 422 and "briefing_id" in response.json["error"]["fields"]
    api.patch(f"/api/v1/briefings/{future.id}", json={"status": "cancelled"})
    response = api.post(f"/api/v1/briefings/{future.id}/attendance", json={"journalist_id": people[0].id})
    assert response.status_code == 422
    assert count() == 0


def test_viewer_cannot_check_in(api_as, make_user, office, live, people):
    viewer = api_as(make_user(office, "viewer"))
    assert viewer.post(f"/api/v1/briefings/{live.id}/attendance",
                       json={"journalist_id": people[0].id}).status_code == 403


def test_qr_and_short_code_at_the_door(client, auth, admin, live, people, office):
    auth.login(admin.email)
    url = f"/attendance/briefings/{live.id}/checkin"
    qr = "http://briefings.test/c/" + invitation_token(invitation(live, people[0]))
    first = client.post(url, json={"token": qr})
    assert first.status_code == 201 and first.json["ok"] and not first.json["already"]
    assert people[0].full_name in first.json["message"]
    again = client.post(url, json={"token": qr})
    assert again.status_code == 200 and again.json["already"] is True
    code = invitation(live, people[1]).checkin_code
    typed = client.post(url, json={"code": f" {code.lower()[:3]}-{code.lower()[3:]} "})
    assert typed.status_code == 201, typed.json
    row = db.session.scalar(select(Attendance).where(Attendance.journalist_id == people[1].id))
    assert row.method == "code" and row.by_user_id == admin.id
    # The form without JavaScript.
    form = client.post(url, data={"code": invitation(live, people[2]).checkin_code, "mode": "online"})
    assert form.status_code == 303
    assert count() == 3


def test_codes_of_another_briefing_or_office_are_refused(client, auth, admin, live, office, other_office, people):
    auth.login(admin.email)
    url = f"/attendance/briefings/{live.id}/checkin"
    other_briefing = briefing_with_invitations(office, people[:1], start=now_minus(5), title="Buổi khác")
    wrong = client.post(url, json={"code": invitation(other_briefing, people[0]).checkin_code})
    assert wrong.status_code == 422 and "khác" in wrong.json["message"]
    wrong_qr = client.post(url, json={"token": invitation_token(invitation(other_briefing, people[0]))})
    assert wrong_qr.status_code == 422
    foreigners = domain.journalists(other_office, 1, prefix="hn")
    foreign = briefing_with_invitations(other_office, foreigners, start=now_minus(5))
    assert client.post(url, json={"code": invitation(foreign, foreigners[0]).checkin_code}).status_code == 422
    assert client.post(url, json={"token": invitation_token(invitation(foreign, foreigners[0]))}).status_code == 422
    assert client.post(url, json={"code": "ZZZZZZ"}).status_code == 422
    assert client.post(url, json={"token": "garbage"}).status_code == 422
    assert count() == 0
    # Another office's briefing page: 404.
    assert client.get(f"/attendance/briefings/{foreign.id}/checkin").status_code == 404


def test_door_window(client, auth, admin, office, people):
    auth.login(admin.email)
    later = briefing_with_invitations(office, people, start=now_minus(-5 * 60))
    earlier = briefing_with_invitations(office, people, start=now_minus(5 * 60), title="Sáng nay")
    for briefing in (later, earlier):
        response = client.post(f"/attendance/briefings/{briefing.id}/checkin",
                               json={"code": invitation(briefing, people[0]).checkin_code})
        assert response.status_code == 422, response.json
        assert "giờ điểm danh" in response.json["message"]
    assert count() == 0


def test_checkin_page_is_phone_ready_and_csp_clean(client, auth, admin, live):
    auth.login(admin.email)
    page = client.get(f"/attendance/briefings/{live.id}/checkin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<video" in html and "vendor/jsqr/jsQR.js" in html and "js/checkin.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline scripts"
    assert 'style="' not in html
    assert client.get("/static/vendor/jsqr/jsQR.js").status_code == 200


def test_staff_opening_the_qr_url_checks_in(client, auth, admin, live, people):
    token = invitation_token(invitation(live, people[0]))
    anonymous = client.get(f"/c/{token}")
    assert anonymous.status_code == 302 and f"/i/{token}" in anonymous.headers["Location"]
    assert count() == 0
    auth.login(admin.email)
    page = client.get(f"/c/{token}")
    assert page.status_code == 200 and people[0].full_name in page.get_data(as_text=True)
    assert count() == 1
    again = client.get(f"/c/{token}")
    assert again.status_code == 200 and "trước đó" in again.get_data(as_text=True)
    assert count() == 1
    row = db.session.scalar(select(Attendance))
    client.post(f"/attendance/checkins/{row.id}/undo")
    assert count() == 0


def test_staff_of_another_office_opening_the_qr_url_records_nothing(client, auth, make_user, other_office, live,
                                                                     people):
    stranger = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    auth.login(stranger.email)
    response = client.get(f"/c/{invitation_token(invitation(live, people[0]))}")
    assert response.status_code == 302
    assert count() == 0


def test_self_check_in_only_in_the_window(client, office, people):
    live = briefing_with_invitations(office, people, start=now_minus(-10), online_url="https://meet.example.vn/x")
    token = invitation_token(invitation(live, people[0]))
    page = client.get(f"/i/{token}/checkin")
    assert page.status_code == 200 and "Tôi đang tham dự trực tuyến" in page.get_data(as_text=True)
    done = client.post(f"/i/{token}/checkin")
    assert done.status_code == 302
    row = db.session.scalar(select(Attendance))
    assert row.mode == "online" and row.method == "self"
    assert client.post(f"/i/{token}/checkin").status_code == 302  # a repeat: the same record
    assert count() == 1
    early = briefing_with_invitations(office, people, start=now_minus(-60), title="Chiều nay")
    early_token = invitation_token(invitation(early, people[0]))
    refused = client.post(f"/i/{early_token}/checkin")
    assert refused.status_code == 422 and "Chưa đến giờ" in refused.get_data(as_text=True)
    over = briefing_with_invitations(office, people, start=now_minus(120), title="Sáng nay")
    late = client.post(f"/i/{invitation_token(invitation(over, people[0]))}/checkin")
    assert late.status_code == 422 and "hết giờ" in late.get_data(as_text=True)
    assert count() == 1
    assert client.get("/i/not-a-token/checkin").status_code == 410


def test_roster_walk_in_and_rsvp_against_presence(client, auth, admin, office, live, people):
    from coordinator.invitations.operations import set_rsvp

    set_rsvp(invitation(live, people[0]), "accepted", source="staff")
    set_rsvp(invitation(live, people[1]), "accepted", source="staff")
    db.session.commit()
    auth.login(admin.email)
    client.post(f"/attendance/briefings/{live.id}/roster/{people[0].id}", data={"present": "1", "mode": "in_person"})
    client.post(f"/attendance/briefings/{live.id}/roster/{people[2].id}", data={"present": "1", "mode": "online"})
    outlet = domain.outlet(office, "Đài PT-TH Quảng Ninh", kind="tv")
    created = client.post(f"/attendance/briefings/{live.id}/walk-in", data={
        "full_name": "Lê Văn Khách", "email": "khach@qtv.vn", "outlet_id": outlet.id, "mode": "in_person"})
    assert created.status_code == 302
    walker = db.session.scalar(select(Journalist).where(Journalist.email == "khach@qtv.vn"))
    assert walker is not None and walker.outlet_id == outlet.id
    again = client.post(f"/attendance/briefings/{live.id}/walk-in", data={
        "full_name": "Lê Văn Khách", "email": "KHACH@qtv.vn", "outlet_id": outlet.id, "mode": "in_person"})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Journalist.id)).where(Journalist.email == "khach@qtv.vn")) == 1
    bad = client.post(f"/attendance/briefings/{live.id}/walk-in", data={"full_name": "", "email": "x",
                                                                       "outlet_id": outlet.id})
    assert bad.status_code == 422
    assert count() == 3
    page = client.get(f"/attendance/briefings/{live.id}/roster?show=no_shows").get_data(as_text=True)
    assert people[1].full_name in page and people[0].full_name not in page
    page = client.get(f"/attendance/briefings/{live.id}/roster?show=without_rsvp").get_data(as_text=True)
    assert "Lê Văn Khách" in page and people[2].full_name in page and people[0].full_name not in page
    client.post(f"/attendance/briefings/{live.id}/roster/{people[2].id}", data={"present": "0"})
    assert count() == 2


def test_attendance_counts_for_the_outlet_of_that_day(api, office, people):
    past = briefing_with_invitations(office, people, start=now_minus(60 * 24 * 40))
    journalist = people[0]
    journalist.history[0].valid_from = date.today() - timedelta(days=400)
    db.session.commit()
    old_outlet = journalist.outlet_id
    new_outlet = domain.outlet(office, "Báo Lao Động", level="central")
    contacts.move_to_outlet(journalist, new_outlet, date.today() - timedelta(days=10))
    db.session.commit()
    response = api.post(f"/api/v1/briefings/{past.id}/attendance", json={"journalist_id": journalist.id})
    assert response.status_code == 201 and response.json["outlet_id"] == old_outlet != new_outlet.id


def test_merging_journalists_moves_attendance(api, office, live, people):
    api.post(f"/api/v1/briefings/{live.id}/attendance", json={"journalist_id": people[0].id})
    api.post(f"/api/v1/briefings/{live.id}/attendance", json={"journalist_id": people[1].id})
    other = briefing_with_invitations(office, people, start=now_minus(30), title="Khác")
    api.post(f"/api/v1/briefings/{other.id}/attendance", json={"journalist_id": people[1].id})
    contacts.merge_journalists(people[0], people[1])
    db.session.commit()
    rows = db.session.execute(select(Attendance.briefing_id, Attendance.journalist_id)).all()
    assert sorted(rows) == sorted([(live.id, people[0].id), (other.id, people[0].id)])


def test_the_door_roster_finds_people_and_counts_absence_only_after_the_start(client, auth, admin, office, people):
    """Issue 25.4: search (accents optional) and outlet filter; before the start nobody is absent, only
    expected; a check-in sent in the background answers with the row and the counts to swap in."""
    from coordinator.invitations.operations import set_rsvp

    elsewhere = domain.outlet(office, "Đài PT-TH Quảng Ninh", kind="tv")
    people = [*people, contacts.create_journalist(office.id, {"full_name": "Trần Văn Đức", "email": "duc@qtv.vn",
                                                               "outlet_id": elsewhere.id})]
    db.session.commit()
    soon = briefing_with_invitations(office, people, start=now_minus(-30), title="Chiều nay")
    for person in people[:2]:
        set_rsvp(invitation(soon, person), "accepted", source="staff")
    db.session.commit()
    auth.login(admin.email)
    page = client.get(f"/attendance/briefings/{soon.id}/roster").get_data(as_text=True)
    assert "Nhận lời, chưa đến" in page and "Nhận lời nhưng vắng" not in page
    assert 'data-count="expected">2<' in page and 'data-count="no_shows"' not in page
    assert "roster__missing" not in page  # nobody shown in red before the start

    target = people[1]
    folded = fold(target.full_name).split()[-1]  # one word of the name, without accents
    found = client.get(f"/attendance/briefings/{soon.id}/roster", query_string={"q": folded}).get_data(as_text=True)
    assert target.full_name in found
    assert all(p.full_name not in found for p in people if folded not in fold(p.full_name))
    by_outlet = client.get(f"/attendance/briefings/{soon.id}/roster",
                           query_string={"outlet_id": elsewhere.id}).get_data(as_text=True)
    assert "Trần Văn Đức" in by_outlet and target.full_name not in by_outlet
    assert "Trần Văn Đức" in client.get(f"/attendance/briefings/{soon.id}/roster",
                                         query_string={"q": "tran van duc"}).get_data(as_text=True)

    answer = client.post(f"/attendance/briefings/{soon.id}/roster/{target.id}",
                         data={"present": "1", "mode": "in_person"}, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert "roster__row--present" in body["row"] and "Đã có mặt lúc" in body["row"] and target.full_name in body["row"]
    assert 'data-count="present">1<' in body["counts"] and 'data-count="expected">1<' in body["counts"]
    assert count() == 1
    again = client.post(f"/attendance/briefings/{soon.id}/roster/{target.id}", data={"present": "1"},
                        headers={"Accept": "application/json"})
    assert again.get_json()["message"].endswith("đã điểm danh trước đó.") and count() == 1

    started = briefing_with_invitations(office, people, start=now_minus(10), title="Đang họp")
    set_rsvp(invitation(started, people[0]), "accepted", source="staff")
    db.session.commit()
    page = client.get(f"/attendance/briefings/{started.id}/roster").get_data(as_text=True)
    assert 'data-count="no_shows">1<' in page and "Nhận lời nhưng chưa có mặt" in page
