"""iCalendar feeds: structure, conditional requests, personal and beat feeds, and the crucial
equivalence: over three years with holidays, moves, cancels and splits, the occurrences that
``icalendar`` + ``recurring_ical_events`` and Mozilla's ical.js (in Node) expand from each feed equal
the API's ``/api/v1/briefings`` list exactly (start, end, status)."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from coordinator.extensions import db
from tests.support.clock import THURSDAY, TUESDAY, iso_local, month_end, next_weekday
from tests.test_schedule_core import make_journalist  # noqa: F401  (fixture)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
JS_DIR = Path(__file__).resolve().parent / "js"
RANGE_FROM, RANGE_TO = date(2026, 12, 1), date(2029, 11, 30)


@pytest.fixture
def busy_calendar(clock):
    """The three-year schedule below is a known calendar (Tết 2027, a split in June 2027, Berlin's clock
    changes): "now" is pinned just before it, on Friday 27 November 2026."""
    clock.pin("2026-11-27T10:00")


@pytest.fixture(scope="session")
def icaljs() -> Path:
    """ical.js installed from the committed package-lock.json. No Node or npm is a failure, not a skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are required for the ical.js equivalence test (apt-get install nodejs npm)")
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in {JS_DIR}:\n{result.stdout}\n{result.stderr}")
    return JS_DIR / "expand.mjs"


def expand_with_icaljs(script: Path, body: bytes, tmp_path: Path, start: datetime, end: datetime) -> list[tuple]:
    path = tmp_path / f"feed-{len(list(tmp_path.iterdir()))}.ics"
    path.write_bytes(body)
    result = subprocess.run(["node", str(script), str(path), start.isoformat(), end.isoformat()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return sorted((datetime.fromisoformat(item["start"].replace("Z", "+00:00")),
                   datetime.fromisoformat(item["end"].replace("Z", "+00:00")),
                   _status(item["status"], item["xstatus"])) for item in json.loads(result.stdout))


def _status(ical_status, xstatus) -> str:
    if xstatus:
        return str(xstatus)
    return "cancelled" if str(ical_status).upper() == "CANCELLED" else "scheduled"


def expand_with_python(body: bytes, start: datetime, end: datetime) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(body)
    out = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        event_start = event["DTSTART"].dt.astimezone(UTC)
        if not start <= event_start < end:
            continue
        event_end = event["DTEND"].dt if "DTEND" in event else event["DTSTART"].dt + event["DURATION"].dt
        out.append((event_start, event_end.astimezone(UTC),
                    _status(event.get("STATUS"), event.get("X-COORDINATOR-STATUS"))))
    return sorted(out)


def api_occurrences(api, day_from: date, day_to: date, **params) -> list[tuple]:
    items, page = [], 1
    while True:
        query = "&".join([f"from={day_from}", f"to={day_to}", f"page={page}", "per_page=200"]
                         + [f"{k}={v}" for k, v in params.items()])
        response = api.get(f"/api/v1/briefings?{query}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items += body["items"]
        if page * body["per_page"] >= body["total"]:
            break
        page += 1
    return sorted((datetime.fromisoformat(i["start"]).astimezone(UTC), datetime.fromisoformat(i["end"]).astimezone(UTC),
                   i["status"]) for i in items)


def _bounds() -> tuple[datetime, datetime]:
    start = datetime(RANGE_FROM.year, RANGE_FROM.month, RANGE_FROM.day, tzinfo=VN).astimezone(UTC)
    end = datetime(RANGE_TO.year, RANGE_TO.month, RANGE_TO.day, tzinfo=VN).astimezone(UTC) + timedelta(days=1)
    return start, end


def build_busy_schedule(api, office, journalist_id: int | None = None) -> dict:
    """Three years of a province's briefings: holidays skipped and moved, hand moves, cancels, splits,
    a closure, ad hoc and crisis briefings, and a series in a timezone with DST."""
    from coordinator.schedule import operations as ops

    def post(path, payload):
        response = api.post(path, json=payload)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    weekly = post("/api/v1/series", {
        "title": "Họp báo định kỳ", "dtstart": "2026-12-01T15:00", "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
        "venue": "Hội trường UBND tỉnh", "online_url": "https://truc-tuyen.quangninh.gov.vn/hop-bao",
        "invite_lead_days": 7, "audience": {"beats": ["Kinh tế"]}})
    monthly = post("/api/v1/series", {
        "title": "Gặp mặt báo chí hằng tháng", "dtstart": "2026-12-25T14:00", "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 120, "rrule": "FREQ=MONTHLY;BYDAY=-1FR", "holiday_policy": "move_next_working_day",
        "venue": "Trung tâm Hội nghị tỉnh", "invite_lead_days": 10, "audience": {}})
    post("/api/v1/series", {
        "title": "Họp báo chuyên đề", "dtstart": "2026-12-03T08:30", "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=60",
        "skip_public_holidays": True, "venue": "Phòng họp số 1", "invite_lead_days": 5, "audience": {}})
    post("/api/v1/series", {
        "title": "Briefing for the Vietnamese community in Berlin", "dtstart": "2027-01-04T10:00",
        "timezone": "Europe/Berlin", "duration_minutes": 45, "rrule": "FREQ=MONTHLY;BYDAY=1MO",
        "skip_public_holidays": False, "online_url": "https://meet.example.de/vn", "invite_lead_days": 3,
        "audience": {}})
    # Berlin's clock changes: 02:30 does not exist on the last Sunday of March and happens twice on the last
    # Sunday of October; a 2-hour meeting from 01:30 spans both changes.
    post("/api/v1/series", {
        "title": "Night desk call, Berlin", "dtstart": "2026-11-29T02:30", "timezone": "Europe/Berlin",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=SU", "skip_public_holidays": False,
        "online_url": "https://meet.example.de/night", "invite_lead_days": 3, "audience": {}})
    post("/api/v1/series", {
        "title": "Long Sunday call, Berlin", "dtstart": "2026-11-29T01:30", "timezone": "Europe/Berlin",
        "duration_minutes": 120, "rrule": "FREQ=WEEKLY;BYDAY=SU;INTERVAL=1", "skip_public_holidays": False,
        "online_url": "https://meet.example.de/long", "invite_lead_days": 3, "audience": {}})
    adhoc = {"journalist_ids": [journalist_id]} if journalist_id else {}
    post("/api/v1/briefings", {"title": "Họp báo về bão số 3", "dtstart": "2026-12-10T10:00",
                               "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60, "venue": "UBND tỉnh",
                               "audience": adhoc})
    crisis = post("/api/v1/briefings", {"title": "Sự cố sạt lở đất", "dtstart": "2027-07-14T16:30",
                                        "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 45, "is_crisis": True,
                                        "online_url": "https://truc-tuyen.quangninh.gov.vn/khan", "audience": {}})
    cancelled_adhoc = post("/api/v1/briefings", {"title": "Họp báo bị huỷ", "dtstart": "2027-03-03T09:00",
                                                 "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60,
                                                 "venue": "UBND tỉnh", "audience": {}})
    assert api.patch(f"/api/v1/briefings/{cancelled_adhoc['id']}", json={"status": "cancelled"}).status_code == 200
    assert api.patch(f"/api/v1/briefings/{crisis['id']}", json={"venue": "Trụ sở Tỉnh uỷ"}).status_code == 200

    weekly_items = api.get(f"/api/v1/briefings?from=2026-12-01&to=2027-12-31&series_id={weekly['id']}"
                           "&per_page=200").get_json()["items"]
    by_day = {datetime.fromisoformat(i["start"]).astimezone(VN).date(): i for i in weekly_items}
    # move one by hand (another day and hour), cancel one, change one's venue and agenda
    moved = by_day[date(2026, 12, 15)]
    assert api.patch(f"/api/v1/briefings/{moved['id']}", json={
        "start": "2026-12-17T09:00:00+07:00", "end": "2026-12-17T10:30:00+07:00"}).status_code == 200
    assert api.patch(f"/api/v1/briefings/{by_day[date(2027, 1, 12)]['id']}",
                     json={"status": "cancelled"}).status_code == 200
    assert api.patch(f"/api/v1/briefings/{by_day[date(2027, 3, 9)]['id']}",
                     json={"venue": "Trung tâm Báo chí", "agenda": "Quý I"}).status_code == 200
    # an office closure after materialisation (→ a cancelled occurrence) and one beyond the horizon
    assert api.post("/api/v1/closures", json={"day": "2027-01-19", "name": "Nghỉ theo thông báo"}).status_code == 201
    assert api.post("/api/v1/closures", json={"day": "2029-06-12", "name": "Nghỉ xa"}).status_code == 201
    # 'this and following' from June 2027: 09:00, new venue
    split_from = by_day[date(2027, 6, 1)]
    response = api.patch(f"/api/v1/briefings/{split_from['id']}/following",
                         json={"dtstart": "2027-06-01T09:00", "venue": "Phòng họp lớn"})
    assert response.status_code == 200, response.get_json()
    new_series = response.get_json()
    # the monthly one: cancel one and move one by hand
    monthly_items = api.get(f"/api/v1/briefings?from=2027-01-01&to=2027-12-31&series_id={monthly['id']}"
                            ).get_json()["items"]
    assert api.patch(f"/api/v1/briefings/{monthly_items[2]['id']}", json={"status": "cancelled"}).status_code == 200
    assert api.patch(f"/api/v1/briefings/{monthly_items[5]['id']}", json={
        "start": monthly_items[5]["start"].replace("14:00:00", "08:00:00")}).status_code == 200
    db.session.expire_all()
    assert ops is not None
    return {"weekly": weekly, "monthly": monthly, "split": new_series}


def test_equivalence_public_feed_three_years(busy_calendar, client, api, office, icaljs, tmp_path, make_journalist):  # noqa: F811
    make_journalist(beats=["Kinh tế"])
    build_busy_schedule(api, office)
    start, end = _bounds()
    before_api = client.get("/calendar/quang-ninh.ics")  # beyond-horizon occurrences not materialised yet
    assert before_api.status_code == 200
    expected = api_occurrences(api, RANGE_FROM, RANGE_TO)
    statuses = {s for _, _, s in expected}
    assert {"scheduled", "moved", "cancelled"} <= statuses
    assert len(expected) > 250
    for body in (before_api.data, client.get("/calendar/quang-ninh.ics").data):
        assert expand_with_python(body, start, end) == expected
        assert expand_with_icaljs(icaljs, body, tmp_path, start, end) == expected


def test_equivalence_personal_and_beat_feeds(busy_calendar, client, api, office, icaljs, tmp_path, make_journalist):  # noqa: F811
    from coordinator.schedule import operations as ops

    journalist = make_journalist(beats=["Kinh tế"])
    make_journalist(beats=["Y tế"])
    ids = build_busy_schedule(api, office, journalist_id=journalist.id)
    _, token = ops.issue_feed_token(office.id, journalist.id)
    db.session.commit()
    start, end = _bounds()
    personal = client.get(f"/calendar/personal/{token}.ics")
    assert personal.status_code == 200
    beat = client.get("/calendar/quang-ninh/beats/kinh-te.ics")
    assert beat.status_code == 200
    weekly_parts = api_occurrences(api, RANGE_FROM, RANGE_TO, series_id=ids["weekly"]["id"]) + \
        api_occurrences(api, RANGE_FROM, RANGE_TO, series_id=ids["split"]["id"])
    storm = [(datetime(2026, 12, 10, 3, tzinfo=UTC), datetime(2026, 12, 10, 4, tzinfo=UTC), "scheduled")]
    assert expand_with_python(personal.data, start, end) == sorted(weekly_parts + storm)
    assert expand_with_icaljs(icaljs, personal.data, tmp_path, start, end) == sorted(weekly_parts + storm)
    assert expand_with_python(beat.data, start, end) == sorted(weekly_parts)
    assert expand_with_icaljs(icaljs, beat.data, tmp_path, start, end) == sorted(weekly_parts)


def test_feed_structure(busy_calendar, client, api, office, make_journalist):  # noqa: F811
    make_journalist(beats=["Kinh tế"])
    ids = build_busy_schedule(api, office)
    response = client.get("/calendar/quang-ninh.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.data.decode()
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text
    assert calendar["X-WR-CALNAME"] == calendar["NAME"] == "Lịch họp báo – Văn phòng UBND tỉnh Quảng Ninh"
    events = calendar.walk("VEVENT")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    # one VEVENT per series (7: the split made a second one) and per ad hoc briefing (3)
    assert len(masters) == 10
    assert sum(1 for e in masters if "RRULE" in e) == 7
    for event in events:
        for name in ("UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART"):
            assert name in event, name
        # a recurring master has an exact DURATION, never a DTEND (calendar programs agree on it)
        assert ("DURATION" in event) == ("RRULE" in event) and ("DTEND" in event) != ("RRULE" in event)
    tzids = {e["DTSTART"].params.get("TZID") for e in events} - {None}  # None: spelt out in UTC (a clock change)
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} >= tzids == {"Asia/Ho_Chi_Minh", "Europe/Berlin"}
    weekly = next(e for e in masters if e.get("SUMMARY") == "Họp báo định kỳ" and "UNTIL" in e["RRULE"])
    assert weekly["UID"] == ids["weekly"]["uid"] and int(weekly["SEQUENCE"]) == 1  # the split's UNTIL
    exdates = [d.dt.astimezone(VN).date() for prop in weekly.get("EXDATE") and
               (weekly["EXDATE"] if isinstance(weekly["EXDATE"], list) else [weekly["EXDATE"]]) for d in prop.dts]
    assert date(2027, 2, 9) in exdates  # Tết 2027
    overrides = [e for e in events if "RECURRENCE-ID" in e and e["UID"] == weekly["UID"]]
    cancelled = [e for e in overrides if e["STATUS"] == "CANCELLED"]
    assert {e["RECURRENCE-ID"].dt.astimezone(VN).date() for e in cancelled} >= {date(2027, 1, 12), date(2027, 1, 19)}
    moved = next(e for e in overrides if e["RECURRENCE-ID"].dt.astimezone(VN).date() == date(2026, 12, 15))
    assert moved["DTSTART"].dt.astimezone(VN) == datetime(2026, 12, 17, 9, tzinfo=VN) and int(moved["SEQUENCE"]) >= 1
    assert "Tham dự trực tuyến: https://truc-tuyen.quangninh.gov.vn/hop-bao" in str(weekly["DESCRIPTION"])
    # a second request gives the same bytes (DTSTAMP is the last change, not now)
    assert client.get("/calendar/quang-ninh.ics").data == response.data


def test_uids_stable_and_sequence_bumped(client, api, office):
    series = api.post("/api/v1/series", json={
        "title": "Họp báo định kỳ", "dtstart": iso_local(next_weekday(TUESDAY)), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
        "invite_lead_days": 7, "audience": {}}).get_json()
    first = icalendar.Calendar.from_ical(client.get("/calendar/quang-ninh.ics").data).walk("VEVENT")[0]
    assert api.patch(f"/api/v1/series/{series['id']}", json={"venue": "Hội trường B"}).status_code == 200
    second = icalendar.Calendar.from_ical(client.get("/calendar/quang-ninh.ics").data).walk("VEVENT")[0]
    assert first["UID"] == second["UID"] == series["uid"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert second["LOCATION"] == "Hội trường B"


def test_etag_and_if_none_match(client, api, office):
    api.post("/api/v1/series", json={
        "title": "Họp báo định kỳ", "dtstart": iso_local(next_weekday(TUESDAY)), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
        "invite_lead_days": 7, "audience": {}})
    first = client.get("/calendar/quang-ninh.ics")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/calendar/quang-ninh.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/calendar/quang-ninh.ics", headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert client.get("/calendar/quang-ninh.ics", headers={"If-None-Match": '"other"'}).status_code == 200
    items = api.get(f"/api/v1/briefings?from={next_weekday(TUESDAY).date()}&to={month_end(2)}").get_json()["items"]
    api.patch(f"/api/v1/briefings/{items[0]['id']}", json={"venue": "Phòng khác"})
    changed = client.get("/calendar/quang-ninh.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_last_modified_monotonic_and_if_modified_since(client, api, office):
    series = api.post("/api/v1/series", json={
        "title": "Họp báo định kỳ", "dtstart": iso_local(next_weekday(TUESDAY)), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
        "invite_lead_days": 7, "audience": {}}).get_json()
    other = api.post("/api/v1/series", json={
        "title": "Họp báo chuyên đề", "dtstart": iso_local(next_weekday(THURSDAY, hour=9)),
        "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TH", "skip_public_holidays": True,
        "invite_lead_days": 7, "audience": {}}).get_json()
    first = client.get("/calendar/quang-ninh.ics")
    last_modified = first.headers["Last-Modified"]
    assert client.get("/calendar/quang-ninh.ics", headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get("/calendar/quang-ninh.ics",
                      headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    # the newest series leaves the public feed: the newest item in it is now older, but Last-Modified
    # must not go backwards
    assert api.patch(f"/api/v1/series/{other['id']}", json={"is_public": False}).status_code == 200
    second = client.get("/calendar/quang-ninh.ics")
    assert second.headers["ETag"] != first.headers["ETag"]
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(second.headers["Last-Modified"]) > parsedate_to_datetime(last_modified)
    assert series["id"]


def test_personal_feed_token_revoked_and_rotated(client, office, make_journalist):  # noqa: F811
    from coordinator.schedule import operations as ops

    journalist = make_journalist()
    _, token = ops.issue_feed_token(office.id, journalist.id)
    db.session.commit()
    assert client.get(f"/calendar/personal/{token}.ics").status_code == 200
    _, new_token = ops.rotate_feed_token(office.id, journalist.id)
    db.session.commit()
    assert client.get(f"/calendar/personal/{token}.ics").status_code == 404
    response = client.get(f"/calendar/personal/{new_token}.ics")
    assert response.status_code == 200 and "Cache-Control" in response.headers
    assert "private" in response.headers["Cache-Control"]
    ops.revoke_feed_tokens(office.id, journalist.id)
    db.session.commit()
    assert client.get(f"/calendar/personal/{new_token}.ics").status_code == 404
    assert client.get("/calendar/personal/nonsense.ics").status_code == 404


def test_unknown_office_and_beat(client, office):
    assert client.get("/calendar/khong-co.ics").status_code == 404
    assert client.get("/calendar/quang-ninh/beats/khong-co.ics").status_code == 404


def test_feed_token_api(api, office, other_office, make_journalist):  # noqa: F811
    journalist = make_journalist()
    stranger = make_journalist(target=other_office)
    response = api.post(f"/api/v1/journalists/{journalist.id}/feed-token")
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"].startswith("http://briefings.test/calendar/personal/")
    assert body["webcal_url"].startswith("webcal://briefings.test/calendar/personal/")
    assert api.post(f"/api/v1/journalists/{stranger.id}/feed-token").status_code == 404
    assert api.delete(f"/api/v1/journalists/{journalist.id}/feed-token").status_code == 204
