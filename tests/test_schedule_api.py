"""``/api/v1/series`` and ``/api/v1/briefings``: shapes, errors, scoping, events.

Every date here is computed from now (``tests/support/clock.py``): none of these tests is about a
particular day, so they run the same on any date (``SUITE_NOW=...``).
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from coordinator.extensions import db
from tests.support.clock import days_from_now, iso_local, working_tuesday

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def series_input(start: datetime | None = None) -> dict:
    """A weekly Tuesday 15:00 series starting on ``start`` (by default the next working Tuesday)."""
    return {"title": "Họp báo định kỳ", "dtstart": iso_local(start or working_tuesday()),
            "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "skip_public_holidays": True, "venue": "Hội trường UBND tỉnh",
            "online_url": "https://truc-tuyen.gov.vn/x", "invite_lead_days": 7, "audience": {}}


def utc_iso(local: datetime) -> str:
    """A local (Hà Nội) wall-clock time as the API writes instants: ISO 8601 in UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=VN)
    return local.astimezone(UTC).isoformat()


def outbox_kinds():
    from coordinator.core.events import OutboxEvent

    return [e.kind for e in db.session.scalars(db.select(OutboxEvent).order_by(OutboxEvent.id))]


def test_create_and_get_series(api):
    start = working_tuesday()
    response = api.post("/api/v1/series", json=series_input(start))
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["uid"] and body["rrule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert body["dtstart"] == start.isoformat() and body["skip_public_holidays"] is True
    assert body["rule_text"] == "Hằng tuần vào Thứ Ba"
    assert api.get(f"/api/v1/series/{body['id']}").get_json()["uid"] == body["uid"]
    listing = api.get("/api/v1/series").get_json()
    assert listing["total"] == 1 and listing["page"] == 1 and listing["items"][0]["id"] == body["id"]
    assert "series.created" in outbox_kinds() and "briefings.materialised" in outbox_kinds()


def test_series_validation_errors(api):
    from coordinator.schedule.models import Series

    start = working_tuesday()
    response = api.post("/api/v1/series", json={**series_input(start), "rrule": "FREQ=WEEKLY;BYDAY=XX",
                                                "dtstart": f"{iso_local(start)}+07:00", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert {"rrule", "dtstart", "timezone"} <= set(error["fields"])
    assert api.post("/api/v1/series", json={**series_input(start), "audience": {"journalist_ids": [12345]}}
                    ).status_code == 422
    assert api.client.post("/api/v1/series", data="x", headers={**api.headers, "Content-Type": "text/plain"}
                           ).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Series.id))) == 0


def test_briefings_list_shape_and_range(api):
    start = working_tuesday(weeks=3)
    first = start.date()
    series = api.post("/api/v1/series", json=series_input(start)).get_json()
    body = api.get(f"/api/v1/briefings?from={first}&to={first + timedelta(days=14)}").get_json()
    assert body["total"] == 3 and body["page"] == 1
    item = body["items"][0]
    assert set(item) >= {"id", "series_id", "title", "start", "end", "status", "venue", "online_url"}
    assert item["start"] == utc_iso(start) and item["end"] == utc_iso(start + timedelta(minutes=90))
    assert item["start"].endswith("T08:00:00+00:00")  # 15:00 in Hà Nội
    assert item["series_id"] == series["id"] and item["status"] == "scheduled"
    assert item["venue"] == "Hội trường UBND tỉnh" and item["online_url"] == "https://truc-tuyen.gov.vn/x"
    # `to` is inclusive and beyond the horizon (400 days) is listed (stable ids: the same on a second call)
    far = working_tuesday(weeks=2, after_days=3 * 365).date()
    far_range = f"from={far}&to={far + timedelta(days=7)}"
    far_body = api.get(f"/api/v1/briefings?{far_range}").get_json()
    assert far_body["total"] == 2
    again = api.get(f"/api/v1/briefings?{far_range}").get_json()
    assert [i["id"] for i in far_body["items"]] == [i["id"] for i in again["items"]]
    assert api.get(f"/api/v1/briefings/{far_body['items'][0]['id']}").status_code == 200
    assert api.get(f"/api/v1/briefings?from={first}").status_code == 422
    assert api.get(f"/api/v1/briefings?from={first + timedelta(days=9)}&to={first}").status_code == 422
    assert api.get("/api/v1/briefings?from=2001-13-01&to=2001-12-01").status_code == 422


def test_cancelled_are_listed_and_patch(api):
    start = working_tuesday(weeks=4)
    month = f"from={start.date()}&to={start.date() + timedelta(days=30)}"
    api.post("/api/v1/series", json=series_input(start))
    items = api.get(f"/api/v1/briefings?{month}").get_json()["items"]
    target = items[1]
    response = api.patch(f"/api/v1/briefings/{target['id']}", json={"status": "cancelled"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert response.get_json()["sequence"] == 1
    listed = api.get(f"/api/v1/briefings?{month}").get_json()["items"]
    assert [i["status"] for i in listed if i["id"] == target["id"]] == ["cancelled"]
    third = start + timedelta(weeks=2)
    next_morning = (third + timedelta(days=1)).replace(hour=9, tzinfo=VN)  # the Wednesday after, 09:00
    moved = api.patch(f"/api/v1/briefings/{items[2]['id']}", json={
        "start": next_morning.isoformat(), "end": (next_morning + timedelta(hours=1)).isoformat(),
        "venue": "Phòng 2"}).get_json()
    assert moved["status"] == "moved" and moved["venue"] == "Phòng 2"
    assert moved["recurrence_id"] == utc_iso(third)
    fourth = (start + timedelta(weeks=3)).replace(tzinfo=VN)
    bad = api.patch(f"/api/v1/briefings/{items[3]['id']}", json={
        "start": fourth.isoformat(), "end": (fourth - timedelta(hours=1)).isoformat()})
    assert bad.status_code == 422 and "end" in bad.get_json()["error"]["fields"]
    assert api.patch(f"/api/v1/briefings/{items[3]['id']}", json={"status": "exploded"}).status_code == 422
    conflict = api.patch(f"/api/v1/briefings/{items[3]['id']}", json={"venue": "X", "version": 999})
    assert conflict.status_code == 409
    assert outbox_kinds().count("briefing.cancelled") == 1 and "briefing.updated" in outbox_kinds()


def test_ad_hoc_briefing(api):
    past = days_from_now(-90, hour=10)  # a briefing held three months ago, recorded afterwards
    response = api.post("/api/v1/briefings", json={
        "title": "Họp báo về bão số 3", "dtstart": iso_local(past), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "venue": "UBND tỉnh", "audience": {}})
    assert response.status_code == 201
    body = response.get_json()
    assert body["series_id"] is None and body["status"] == "held" and body["start"] == utc_iso(past)
    assert body["start"].endswith("T03:00:00+00:00")  # 10:00 in Hà Nội
    bad = api.post("/api/v1/briefings", json={"title": "", "dtstart": f"{iso_local(past)}Z", "timezone": "Nowhere"})
    assert bad.status_code == 422
    assert {"title", "dtstart", "timezone"} <= set(bad.get_json()["error"]["fields"])
    crisis = api.post("/api/v1/briefings", json={
        "title": "Khẩn", "dtstart": iso_local(days_from_now(24, hour=10)), "is_crisis": True,
        "online_url": "https://x.vn/k"})
    assert crisis.status_code == 201 and crisis.get_json()["is_crisis"] is True


def test_split_via_api(api):
    start = working_tuesday()
    series = api.post("/api/v1/series", json=series_input(start)).get_json()
    items = api.get(f"/api/v1/briefings?from={start.date()}&to={start.date() + timedelta(days=120)}"
                    ).get_json()["items"]
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
    start = working_tuesday()
    week = f"from={start.date()}&to={start.date() + timedelta(days=7)}"
    series = api.post("/api/v1/series", json=series_input(start)).get_json()
    item = api.get(f"/api/v1/briefings?{week}").get_json()["items"][0]
    stranger = api_as(make_user(other_office, "admin", email="admin@hanoi.gov.vn"))
    assert stranger.get(f"/api/v1/series/{series['id']}").status_code == 404
    assert stranger.get(f"/api/v1/briefings/{item['id']}").status_code == 404
    assert stranger.patch(f"/api/v1/briefings/{item['id']}", json={"status": "cancelled"}).status_code == 404
    assert stranger.patch(f"/api/v1/briefings/{item['id']}/following", json={}).status_code == 404
    assert stranger.get(f"/api/v1/briefings?{week}&series_id={series['id']}").status_code == 404
    assert stranger.get(f"/api/v1/briefings?{week}").get_json()["total"] == 0
    assert stranger.get("/api/v1/series").get_json()["total"] == 0


def test_viewer_cannot_change(api, office, make_user, api_as):
    viewer = api_as(make_user(office, "viewer"))
    assert viewer.post("/api/v1/series", json=series_input()).status_code == 403
    assert viewer.get("/api/v1/series").status_code == 200


def test_openapi_describes_schedule(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/series", "post"), ("/series", "get"), ("/series/{series_id}", "get"),
                         ("/briefings", "get"), ("/briefings", "post"), ("/briefings/{briefing_id}", "patch")):
        assert method in paths[path]


def test_closures_api(api):
    start = working_tuesday(weeks=2)
    closed = (start + timedelta(weeks=1)).date()  # the series' second briefing, still ahead
    api.post("/api/v1/series", json=series_input(start))
    assert api.post("/api/v1/closures", json={"day": closed.isoformat(), "name": "Nghỉ"}).status_code == 201
    assert api.post("/api/v1/closures", json={"day": closed.isoformat(), "name": "Nghỉ"}).status_code == 422
    assert api.post("/api/v1/closures", json={"day": "hôm nay", "name": "Nghỉ"}).status_code == 422
    assert api.get("/api/v1/closures").get_json()["items"][0]["day"] == closed.isoformat()
    items = api.get(f"/api/v1/briefings?from={closed}&to={closed}").get_json()["items"]
    assert items == [] or items[0]["status"] == "cancelled"
    assert isinstance(datetime.now(), datetime)
