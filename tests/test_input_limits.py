"""Inputs with limits (issue 26.3): one-line fields refuse line breaks, every text field has a length limit
whatever path fills it (a 422 naming the field, nothing written), JSON nesting and body sizes are bounded
(400 / 413), and the webhooks refuse floods of events and calendar components (413)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from coordinator.contacts.models import Journalist
from coordinator.core.errors import ValidationError
from coordinator.core.limits import json_depth
from coordinator.extensions import db
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support.clock import days_from_now, iso_local


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)))


def _error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def _briefing(**extra) -> dict:
    return {"title": "Họp báo quý IV", "dtstart": iso_local(days_from_now(3)), "duration_minutes": 60,
            "venue": "Hội trường", **extra}


@pytest.mark.parametrize("title", ["Họp báo\r\nBcc: ai@ai.vn", "Họp báo\nhai dòng", "Họp\u2028báo", "Họp\x07báo"])
def test_a_one_line_field_refuses_line_breaks_and_control_characters(api, title):
    error = _error(api.post("/api/v1/briefings", json=_briefing(title=title)), 422)
    assert set(error["fields"]) == {"title"}
    assert _count(Briefing) == 0


def test_a_multi_line_field_keeps_its_lines_but_not_control_characters(api):
    made = api.post("/api/v1/briefings", json=_briefing(agenda="1. Kinh tế\n2. Xã hội\r\n3. Hỏi đáp"))
    assert made.status_code == 201, made.get_data(as_text=True)
    error = _error(api.post("/api/v1/briefings", json=_briefing(agenda="a\x00b\x1bc")), 422)
    assert "agenda" in error["fields"]


def test_every_text_field_has_a_limit_whatever_the_endpoint(api, office):
    outlet = domain.outlet(office)
    body = {"full_name": "Nguyễn Văn An", "email": "an@baoqn.vn", "outlet_id": outlet.id, "notes": "x" * 150_000}
    error = _error(api.post("/api/v1/journalists", json=body), 422)
    assert "notes" in error["fields"] and "100000" in error["fields"]["notes"].replace(".", "").replace(",", "")
    assert _count(Journalist) == 0
    body["notes"] = "Ghi chú\nhai dòng"
    assert api.post("/api/v1/journalists", json=body).status_code == 201


def test_a_huge_json_body_is_413_and_writes_nothing(api, office):
    outlet = domain.outlet(office)
    body = {"full_name": "Nguyễn Văn An", "email": "an@baoqn.vn", "outlet_id": outlet.id, "notes": "x" * 5_000_000}
    error = _error(api.post("/api/v1/journalists", json=body), 413)
    assert error["code"] == "payload_too_large"
    assert _count(Journalist) == 0


def test_deeply_nested_json_is_400_not_500(api, client):
    client.application.config["DEV_INSECURE_WEBHOOKS"] = True  # unsigned events, as in local work
    deep = b"[" * 100_000 + b"]" * 100_000
    response = api.client.post("/api/v1/outlets", data=deep,
                               headers={**api.headers, "Content-Type": "application/json"})
    assert _error(response, 400)["code"] == "bad_request"
    events = client.post("/webhooks/sendgrid/events", data=deep, headers={"Content-Type": "application/json"})
    assert events.status_code == 400
    plain = client.post("/webhooks/sendgrid/events", data=deep, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 400  # not JSON by its type: the parser's own recursion limit answers


def test_the_depth_scan_ignores_brackets_inside_strings():
    assert not json_depth(json.dumps({"a": "[" * 1000}).encode())
    assert json_depth(b'{"a":' * 65 + b"1" + b"}" * 65)
    assert not json_depth(b'{"a":' * 60 + b"1" + b"}" * 60)


def test_an_events_flood_is_refused_before_anything_is_written(client):
    client.application.config["DEV_INSECURE_WEBHOOKS"] = True  # unsigned events, as in local work
    items = [{"event": "delivered", "email": f"x{n}@a.vn", "sg_event_id": f"e{n}"} for n in range(6000)]
    response = client.post("/webhooks/sendgrid/events", json=items)
    assert _error(response, 413)["code"] == "payload_too_large"


def test_an_inbound_calendar_with_too_many_components_is_refused(client):
    client.application.config["INBOUND_SECRET"] = "inbound-secret-for-limits"
    events = "".join(f"BEGIN:VEVENT\r\nUID:u{n}\r\nEND:VEVENT\r\n" for n in range(500))
    raw = ("From: a@b.vn\r\nTo: rsvp@x.vn\r\nSubject: x\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
           f"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n{events}END:VCALENDAR\r\n")
    response = client.post("/webhooks/sendgrid/inbound/inbound-secret-for-limits", data={"email": raw})
    assert response.status_code == 413


def test_the_net_under_the_forms_holds_for_any_write_in_a_request(app, office):
    journalist = domain.journalists(office, 1)[0]
    with app.test_request_context("/"):
        with pytest.raises(ValidationError) as refused:
            journalist.full_name = "Nguyễn\r\nVăn An"
        assert set(refused.value.fields) == {"full_name"}
        with pytest.raises(ValidationError):
            journalist.notes = "x" * 100_001
        journalist.notes = "một\nhai"  # lines are fine where a field has lines
    db.session.rollback()


def test_a_form_post_with_a_line_break_in_a_title_is_shown_as_a_field_error(client, auth, admin, office):
    auth.login(admin.email)
    start = days_from_now(3)
    response = client.post("/schedule/briefings/new", data={
        "title": "Họp báo\r\nhai dòng", "start_date": start.strftime("%Y-%m-%d"), "start_time": "15:00",
        "duration_minutes": "60", "venue": "Hội trường"})
    assert response.status_code in (200, 422)
    assert "Không được xuống dòng trong trường này." in response.get_data(as_text=True)
    assert _count(Briefing) == 0
