"""Issue 19.9: recording a briefing that already happened (backfilling last month's sessions from the paper
sign-in sheet). Its audience is kept as invited, nobody is mailed (no invitation, no reminder, no update or
cancel later), it counts in the reports like any other, and attendance can be entered for it."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.mail.models import Delivery
from coordinator.schedule.models import Briefing
from tests.servers.smtp import SmtpServer
from tests.support import domain
from tests.support.clock import days_from_now, iso_local
from tests.support.processes import run_burst_worker


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_api_records_a_past_briefing_without_mail_and_reports_count_it(api, app_env, office):
    people = domain.journalists(office, 3)
    held = days_from_now(-20, hour=9)
    with SmtpServer() as server:
        env = app_env | {"MAIL_BACKEND": "smtp", "SMTP_URL": server.url}
        response = api.post("/api/v1/briefings", json={
            "title": "Họp báo tháng trước", "dtstart": iso_local(held), "duration_minutes": 90,
            "venue": "UBND tỉnh", "record_past": True, "audience": {"journalist_ids": [p.id for p in people]}})
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["status"] == "held" and body["recorded"] is True
        # The audience is invited at once (in the same request), as rows never sent.
        invitations = api.get(f"/api/v1/briefings/{body['id']}/invitations").get_json()["items"]
        assert sorted(i["journalist_id"] for i in invitations) == sorted(p.id for p in people)
        assert {i["rsvp"] for i in invitations} == {"needs_action"}
        # Attendance from the sign-in sheet.
        for person in people[:2]:
            mark = api.post(f"/api/v1/briefings/{body['id']}/attendance",
                            json={"journalist_id": person.id, "mode": "in_person"})
            assert mark.status_code in (200, 201), mark.get_json()
        # A later correction of the record mails nobody either.
        assert api.patch(f"/api/v1/briefings/{body['id']}", json={"venue": "Hội trường B"}).status_code == 200
        run_burst_worker(env)
        assert server.messages == []
    assert count(Delivery) == 0
    db.session.expire_all()
    assert {inv.sent_sequence for inv in db.session.scalars(select(Invitation))} == {None}
    day = held.date().isoformat()
    report = api.get(f"/api/v1/reports/attendance?from={day}&to={day}&by=outlet").get_json()["items"]
    assert [(i["invited"], i["attended"], i["rate"]) for i in report] == [(3, 2, round(2 / 3, 4))]


def test_record_past_refuses_a_briefing_not_over_and_bad_flags(api, office):
    people = domain.journalists(office, 1)
    audience = {"journalist_ids": [people[0].id]}
    future = api.post("/api/v1/briefings", json={
        "title": "Chưa diễn ra", "dtstart": iso_local(days_from_now(2, hour=9)), "record_past": True,
        "audience": audience})
    assert future.status_code == 422 and "dtstart" in future.get_json()["error"]["fields"]
    bad = api.post("/api/v1/briefings", json={
        "title": "Cờ sai", "dtstart": iso_local(days_from_now(-2, hour=9)), "record_past": "có lẽ",
        "audience": audience})
    assert bad.status_code == 422 and "record_past" in bad.get_json()["error"]["fields"]
    assert count(Briefing) == 0 and count(Invitation) == 0


def test_record_page_saves_without_mail_and_links_attendance(client, auth, admin, office):
    people = domain.journalists(office, 2)
    auth.login(admin.email)
    page = client.get("/schedule/briefings/record")
    assert page.status_code == 200 and "Ghi lại buổi họp báo đã diễn ra" in page.get_data(as_text=True)
    held = days_from_now(-7, hour=14)
    data = {"title": "Họp báo tuần trước", "start_date": held.strftime("%Y-%m-%d"), "start_time": "14:00",
            "duration_minutes": "60", "venue": "Hội trường", "outlet_ids": [str(people[0].outlet_id)]}
    soon = days_from_now(1, hour=14)
    refused = client.post("/schedule/briefings/record", data={**data, "start_date": soon.strftime("%Y-%m-%d")})
    assert refused.status_code == 422
    assert "Buổi họp báo ghi lại phải đã kết thúc trước lúc này" in refused.get_data(as_text=True)
    assert count(Briefing) == 0
    saved = client.post("/schedule/briefings/record", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    briefing = db.session.scalar(select(Briefing))
    assert briefing.recorded and briefing.status == "held" and count(Invitation) == 2
    detail = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "không gửi thư cho ai" in detail and f"/attendance/briefings/{briefing.id}/roster" in detail
    english = client.get("/schedule/briefings/record?lang=en").get_data(as_text=True)
    assert "Record a past briefing" in english
