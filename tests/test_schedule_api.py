"""``/api/v1/series`` and ``/api/v1/briefings``: shapes, errors, scoping, events."""
from __future__ import annotations

from datetime import datetime

from coordinator.extensions import db

SERIES = {"title": "Họp báo định kỳ", "dtstart": "2026-12-01T15:00", "timezone": "Asia/Ho_Chi_Minh",
          "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
          "venue": "Hội trường UBND tỉnh", "online_url": "https://truc-tuyen.gov.vn/x", "invite_lead_days": 7,
          "audience": {}}


def outbox_kinds():
    from coordinator.core.events import OutboxEvent

    return [e.kind for e in db.session.scalars(db.select(OutboxEvent).order_by(OutboxEvent.id))]


def test_create_and_get_series(api):
    response = api.post("/api/v1/series", json=SERIES)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["uid"] and body["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert body["dtstart"] == "2026-12-01T15:00:00" and body["skip_public_holidays"] is True
    assert body["rule_text"] == "Hằng tuần vào Thứ Ba"
    assert api.get(f"/api/v1/series/{body['id']}").get_json()["uid"] == body["uid"]
    listing = api.get("/api/v1/series").get_json()
    assert listing["total"] == 1 and listing["page"] == 1 and listing["items"][0]["id"] == body["id"]
    assert "series.created" in outbox_kinds() and "briefings.materialised" in outbox_kinds()


def test_series_validation_errors(api):
    from coordinator.schedule.models import Series

    response = api.post("/api/v1/series", json={**SERIES, "rrule": "FREQ=WEEKLY;BYDAY=XX",
                                                "dtstart": "2026-12-01T15:00+07:00", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert {"rrule", "dtstart", "timezone"} <= set(error["fields"])
    assert api.post("/api/v1/series", json={**SERIES, "audience": {"journalist_ids": [12345]}}).status_code == 422
    assert api.client.post("/api/v1/series", data="x", headers={**api.headers, "Content-Type": "text/plain"}
                           ).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Series.id))) == 0


def test_briefings_list_shape_and_range(api):
    series = api.post("/api/v1/series", json=SERIES).get_json()
    body = api.get("/api/v1/briefings?from=2026-12-01&to=2026-12-15").get_json()
    assert body["total"] == 3 and body["page"] == 1
    item = body["items"][0]
    assert set(item) >= {"id", "series_id", "title", "start", "end", "status", "venue", "online_url"}
    assert item["start"] == "2026-12-01T08:00:00+00:00" and item["end"] == "2026-12-01T09:30:00+00:00"
    assert item["series_id"] == series["id"] and item["status"] == "scheduled"
    assert item["venue"] == "Hội trường UBND tỉnh" and item["online_url"] == "https://truc-tuyen.gov.vn/x"
    # `to` is inclusive and beyond the horizon is listed (stable ids: the same on a second call)
    far = api.get("/api/v1/briefings?from=2030-01-08&to=2030-01-15").get_json()
    assert far["total"] == 2
    again = api.get("/api/v1/briefings?from=2030-01-08&to=2030-01-15").get_json()
    assert [i["id"] for i in far["items"]] == [i["id"] for i in again["items"]]
    assert api.get(f"/api/v1/briefings/{far['items'][0]['id']}").status_code == 200
    assert api.get("/api/v1/briefings?from=2026-12-01").status_code == 422
    assert api.get("/api/v1/briefings?from=2026-12-10&to=2026-12-01").status_code == 422
    assert api.get("/api/v1/briefings?from=2026-13-01&to=2026-12-01").status_code == 422


def test_cancelled_are_listed_and_patch(api):
    api.post("/api/v1/series", json=SERIES)
    items = api.get("/api/v1/briefings?from=2026-12-01&to=2026-12-31").get_json()["items"]
    target = items[1]
    response = api.patch(f"/api/v1/briefings/{target['id']}", json={"status": "cancelled"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert response.get_json()["sequence"] == 1
    listed = api.get("/api/v1/briefings?from=2026-12-01&to=2026-12-31").get_json()["items"]
    assert [i["status"] for i in listed if i["id"] == target["id"]] == ["cancelled"]
    moved = api.patch(f"/api/v1/briefings/{items[2]['id']}", json={
        "start": "2026-12-16T09:00:00+07:00", "end": "2026-12-16T10:00:00+07:00", "venue": "Phòng 2"}).get_json()
    assert moved["status"] == "moved" and moved["venue"] == "Phòng 2"
    assert moved["recurrence_id"] == "2026-12-15T08:00:00+00:00"
    bad = api.patch(f"/api/v1/briefings/{items[3]['id']}", json={
        "start": "2026-12-22T15:00:00+07:00", "end": "2026-12-22T14:00:00+07:00"})
    assert bad.status_code == 422 and "end" in bad.get_json()["error"]["fields"]
    assert api.patch(f"/api/v1/briefings/{items[3]['id']}", json={"status": "exploded"}).status_code == 422
    conflict = api.patch(f"/api/v1/briefings/{items[3]['id']}", json={"venue": "X", "version": 999})
    assert conflict.status_code == 409
    assert outbox_kinds().count("briefing.cancelled") == 1 and "briefing.updated" in outbox_kinds()


def test_ad_hoc_briefing(api):
    response = api.post("/api/v1/briefings", json={
        "title": "Họp báo về bão số 3", "dtstart": "2025-09-08T10:00", "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "venue": "UBND tỉnh", "audience": {}})
    assert response.status_code == 201
    body = response.get_json()
    assert body["series_id"] is None and body["status"] == "held" and body["start"] == "2025-09-08T03:00:00+00:00"
    bad = api.post("/api/v1/briefings", json={"title": "", "dtstart": "2025-09-08T10:00Z", "timezone": "Nowhere"})
    assert bad.status_code == 422
    assert {"title", "dtstart", "timezone"} <= set(bad.get_json()["error"]["fields"])
    crisis = api.post("/api/v1/briefings", json={
        "title": "Khẩn", "dtstart": "2026-12-30T10:00", "is_crisis": True, "online_url": "https://x.vn/k"})
    assert crisis.status_code == 201 and crisis.get_json()["is_crisis"] is True


def test_split_via_api(api):
    series = api.post("/api/v1/series", json=SERIES).get_json()
    items = api.get("/api/v1/briefings?from=2026-12-01&to=2027-03-31").get_json()["items"]
    response = api.patch(f"/api/v1/briefings/{items[4]['id']}/following", json={"venue": "Phòng mới"})
    assert response.status_code == 200
    new = response.get_json()
    assert new["split_from_id"] == series["id"] and new["uid"] != series["uid"] and new["venue"] == "Phòng mới"
    old = api.get(f"/api/v1/series/{series['id']}").get_json()
    assert "UNTIL=" in old["rrule"] and old["sequence"] == 1
    assert "series.split" in outbox_kinds()
    whole = api.patch(f"/api/v1/series/{new['id']}", json={"title": "Đổi tên"})
    assert whole.status_code == 200 and whole.get_json()["sequence"] == 1
    assert api.patch(f"/api/v1/series/{new['id']}", json={"rrule": "FREQ=NEVER"}).status_code == 422


def test_other_office_gets_404(api, other_office, make_user, make_token, api_as):
    series = api.post("/api/v1/series", json=SERIES).get_json()
    item = api.get("/api/v1/briefings?from=2026-12-01&to=2026-12-08").get_json()["items"][0]
    stranger = api_as(make_user(other_office, "admin", email="admin@hanoi.gov.vn"))
    assert stranger.get(f"/api/v1/series/{series['id']}").status_code == 404
    assert stranger.get(f"/api/v1/briefings/{item['id']}").status_code == 404
    assert stranger.patch(f"/api/v1/briefings/{item['id']}", json={"status": "cancelled"}).status_code == 404
    assert stranger.patch(f"/api/v1/briefings/{item['id']}/following", json={}).status_code == 404
    assert stranger.get(f"/api/v1/briefings?from=2026-12-01&to=2026-12-08&series_id={series['id']}").status_code == 404
    assert stranger.get("/api/v1/briefings?from=2026-12-01&to=2026-12-08").get_json()["total"] == 0
    assert stranger.get("/api/v1/series").get_json()["total"] == 0


def test_viewer_cannot_change(api, office, make_user, api_as):
    viewer = api_as(make_user(office, "viewer"))
    assert viewer.post("/api/v1/series", json=SERIES).status_code == 403
    assert viewer.get("/api/v1/series").status_code == 200


def test_openapi_describes_schedule(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/series", "post"), ("/series", "get"), ("/series/{series_id}", "get"),
                         ("/briefings", "get"), ("/briefings", "post"), ("/briefings/{briefing_id}", "patch")):
        assert method in paths[path]


def test_closures_api(api):
    api.post("/api/v1/series", json=SERIES)
    assert api.post("/api/v1/closures", json={"day": "2026-12-08", "name": "Nghỉ"}).status_code == 201
    assert api.post("/api/v1/closures", json={"day": "2026-12-08", "name": "Nghỉ"}).status_code == 422
    assert api.post("/api/v1/closures", json={"day": "hôm nay", "name": "Nghỉ"}).status_code == 422
    assert api.get("/api/v1/closures").get_json()["items"][0]["day"] == "2026-12-08"
    items = api.get("/api/v1/briefings?from=2026-12-08&to=2026-12-08").get_json()["items"]
    assert items == [] or items[0]["status"] == "cancelled"
    assert isinstance(datetime.now(), datetime)
