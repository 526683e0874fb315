"""Staff pages of the schedule: they render in Vietnamese, show field errors, and change things.

Dates are computed from now (``tests/support/clock.py``), except in the tests marked with the
``calendar_of_2027`` fixture, whose point is a fact of a known calendar (Tết 2027).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coordinator.extensions import db
from tests.support.clock import (
    THURSDAY,
    days_from_now,
    iso_local,
    local_now,
    local_today,
    next_weekday,
    working_tuesday,
    ymd,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VI_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def vi_day(day: date) -> str:
    """A day the way the pages write it: ``Thứ Ba, 01/12/2026``."""
    return f"{VI_WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def first_tuesday() -> datetime:
    """Where the ``series`` fixture and the form start: the next Tuesday that, like the Tuesday after
    it, is not a public holiday (the tests open the first and the second briefing)."""
    return working_tuesday(weeks=2)


@pytest.fixture
def calendar_of_2027(clock):
    """For the tests whose point is Tết 2027 (Mùng bốn, Tuesday 9 February 2027, is skipped): "now" is
    pinned before it, on Friday 27 November 2026, so a preview from Tuesday 2 February 2027 lies ahead
    and the ``series`` fixture starts on Tuesday 1 December 2026. Request it before ``logged_in`` and
    ``series``."""
    clock.pin("2026-11-27T10:00")


@pytest.fixture
def logged_in(client, auth, admin):
    auth.login(admin.email)
    return client


@pytest.fixture
def series(office):
    from coordinator.schedule import operations as ops

    created = ops.create_series(office, {
        "title": "Họp báo định kỳ", "dtstart": iso_local(first_tuesday()), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "holiday_policy": "skip", "venue": "Hội trường",
        "audience": {}})
    db.session.commit()
    return created


def series_form(**overrides) -> dict:
    """The series builder's fields: weekly on Tuesday 15:00 from the ``series`` fixture's first day."""
    return {"title": "Họp báo định kỳ", "start_date": first_tuesday().date().isoformat(), "start_time": "15:00",
            "duration_minutes": "60", "timezone": "Asia/Ho_Chi_Minh", "freq": "WEEKLY", "interval": "1",
            "weekdays": ["TU"], "month_nth": "1", "month_weekday": "MO", "end_mode": "never",
            "holiday_policy": "skip", "venue": "Hội trường", "invite_lead_days": "7",
            "reminders": "1440, 60", "is_public": "y", **overrides}


def next_tet() -> date:
    """The next first day of Tết Nguyên Đán (today or later)."""
    from coordinator.schedule.holidays import public_holidays

    today = local_today()
    return min(day for year in (today.year, today.year + 1) for day, name in public_holidays(year).items()
               if name == "Tết Nguyên Đán" and day >= today)


def test_calendar_views(logged_in, series):
    first = first_tuesday().date()
    for view in ("month", "week", "agenda"):
        response = logged_in.get(f"/schedule/?view={view}&date={first}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Lịch họp báo" in text and "Họp báo định kỳ" in text
        assert "<script>" not in text and 'style="' not in text
        assert "css/schedule.css" in text
    week = logged_in.get(f"/schedule/?view=week&date={first}").get_data(as_text=True)
    assert vi_day(first) in week
    agenda = logged_in.get(f"/schedule/?view=agenda&date={first}").get_data(as_text=True)
    assert f"{vi_day(first)}, 15:00" in agenda
    filtered = logged_in.get(f"/schedule/?view=agenda&date={first}&series={series.id + 99}")
    assert filtered.status_code == 200
    tet_month = next_tet().replace(day=1)
    assert logged_in.get(f"/schedule/?view=month&date={tet_month}").get_data(as_text=True).count("Tết") >= 1


def test_calendar_needs_login(client):
    assert client.get("/schedule/").status_code in (302, 401)


def test_series_form_builds_rule_and_previews(calendar_of_2027, logged_in, office):
    from coordinator.schedule.models import Series

    page = logged_in.get("/schedule/series/new")
    assert page.status_code == 200 and "Chuỗi họp báo định kỳ mới" in page.get_data(as_text=True)
    preview = logged_in.post("/schedule/series/new", data=series_form(action="preview", start_date="2027-02-02"))
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Thứ Ba, 02/02/2027, 15:00" in text
    assert "bỏ qua" in text and "Tết" in text  # 9/2/2027
    assert db.session.scalar(db.select(db.func.count(Series.id))) == 0
    saved = logged_in.post("/schedule/series/new", data=series_form(action="save", freq="MONTHLY", month_nth="-1",
                                                                    month_weekday="FR", end_mode="count", count="12"))
    assert saved.status_code == 302
    created = db.session.scalar(db.select(Series))
    assert created.rrule == "FREQ=MONTHLY;COUNT=12;BYDAY=-1FR"
    detail = logged_in.get(saved.headers["Location"])
    assert detail.status_code == 200 and "Hằng tháng vào Thứ Sáu cuối cùng" in detail.get_data(as_text=True)


def test_series_form_every_other_week_with_until(logged_in):
    from coordinator.schedule.models import Series

    start = next_weekday(THURSDAY).date()
    until = start + timedelta(days=209)  # about seven months
    response = logged_in.post("/schedule/series/new", data=series_form(
        weekdays=["MO", "TH"], interval="2", end_mode="until", until=until.isoformat(),
        start_date=start.isoformat(), action="save"))
    assert response.status_code == 302
    rule = db.session.scalar(db.select(Series)).rrule
    # UNTIL is the end of that local day (23:59:59 in Hà Nội), in UTC
    assert rule.startswith(f"FREQ=WEEKLY;UNTIL={ymd(until)}T165959Z;INTERVAL=2;BYDAY=MO,TH")


def test_series_preview_json(calendar_of_2027, logged_in):
    response = logged_in.post("/schedule/series/preview", data=series_form(start_date="2027-02-02"))
    body = response.get_json()
    assert response.status_code == 200 and len(body["items"]) == 10
    assert body["items"][1]["kind"] == "skipped" and body["rule_text"] == "Hằng tuần vào Thứ Ba"  # 9/2/2027: Tết
    bad = logged_in.post("/schedule/series/preview", data=series_form(freq="CUSTOM", rrule="FREQ=NO"))
    assert bad.status_code == 422 and "rrule" in bad.get_json()["errors"]


def test_series_form_field_errors(logged_in):
    response = logged_in.post("/schedule/series/new", data=series_form(freq="CUSTOM", rrule="FREQ=WEEKLY;BYDAY=XX",
                                                                       action="save"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "field__error" in text and "BYDAY" in text
    response = logged_in.post("/schedule/series/new", data=series_form(title="", timezone="Sao/Hoa", action="save"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Vui lòng nhập tên." in text
    response = logged_in.post("/schedule/series/new", data=series_form(timezone="Sao/Hoa", action="save"))
    assert response.status_code == 422 and "Múi giờ không hợp lệ" in response.get_data(as_text=True)


def test_series_page_lists_skipped_and_moved(calendar_of_2027, logged_in, series):
    assert series.dtstart == datetime(2026, 12, 1, 15, 0)
    text = logged_in.get(f"/schedule/series/{series.id}").get_data(as_text=True)
    assert "Ngày bị bỏ qua, dời hoặc huỷ" in text
    assert "09/02/2027" in text and "Tết" in text


def test_whole_series_edit_page(logged_in, series):
    page = logged_in.get(f"/schedule/series/{series.id}/edit")
    assert page.status_code == 200 and "Sửa cả chuỗi" in page.get_data(as_text=True)
    response = logged_in.post(f"/schedule/series/{series.id}/edit", data=series_form(
        venue="Hội trường mới", version=str(series.version_id), action="save"))
    assert response.status_code == 302
    db.session.refresh(series)
    assert series.venue == "Hội trường mới" and series.sequence == 1


def _occurrence(series, day, *, or_later=False):
    """The series' briefing on local ``day`` (with ``or_later``: the first one on or after it, as a
    holiday may have skipped that very day)."""
    from coordinator.schedule.models import Briefing

    rows = db.session.scalars(db.select(Briefing).where(Briefing.series_id == series.id).order_by(Briefing.start))
    if or_later:
        return next(b for b in rows if b.start.astimezone(VN).date() >= day)
    return next(b for b in rows if b.start.astimezone(VN).date() == day)


def _second_day() -> date:
    """The day of the ``series`` fixture's second briefing (``first_tuesday`` makes sure it is no holiday)."""
    return first_tuesday().date() + timedelta(weeks=1)


def test_occurrence_edit_this_one(logged_in, series):
    row = _occurrence(series, _second_day())
    next_day = (_second_day() + timedelta(days=1)).isoformat()
    page = logged_in.get(f"/schedule/briefings/{row.id}")
    assert page.status_code == 200 and "Buổi này và các buổi sau" in page.get_data(as_text=True)
    response = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "this", "start_date": next_day, "start_time": "09:00", "end_time": "10:00",
        "venue": "Phòng 2", "agenda": "Tình hình kinh tế", "spokespeople": "Ông Lê Minh Đức",
        "status": "scheduled", "version": str(row.version_id)})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.status == "moved" and row.sequence == 1 and row.agenda == "Tình hình kinh tế"
    bad = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "this", "start_date": next_day, "start_time": "09:00", "end_time": "08:00",
        "status": "scheduled", "version": str(row.version_id)})
    assert bad.status_code == 422 and "Giờ kết thúc phải sau giờ bắt đầu." in bad.get_data(as_text=True)
    stale = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "this", "start_date": next_day, "start_time": "09:00", "end_time": "11:00",
        "status": "scheduled", "version": "1"})
    assert stale.status_code == 409 and "người khác" in stale.get_data(as_text=True)


def test_occurrence_edit_following_and_all(logged_in, series):
    from coordinator.schedule.models import Series

    row = _occurrence(series, first_tuesday().date() + timedelta(weeks=5), or_later=True)
    split_day = row.start.astimezone(VN).date()
    response = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "following", "start_date": split_day.isoformat(), "start_time": "09:00", "end_time": "10:30",
        "venue": "Phòng họp lớn", "status": "scheduled"})
    assert response.status_code == 302
    new = db.session.scalar(db.select(Series).where(Series.split_from_id == series.id))
    assert new is not None and new.dtstart == datetime.combine(split_day, time(9, 0)) and new.duration_minutes == 90
    first = _occurrence(series, _second_day())
    response = logged_in.post(f"/schedule/briefings/{first.id}", data={
        "scope": "all", "start_date": _second_day().isoformat(), "start_time": "15:00", "end_time": "16:00",
        "venue": "Hội trường A", "status": "scheduled"})
    assert response.status_code == 302
    db.session.refresh(series)
    assert series.venue == "Hội trường A" and series.sequence == 2
    later = _occurrence(new, split_day + timedelta(weeks=8), or_later=True)
    response = logged_in.post(f"/schedule/briefings/{later.id}", data={
        "scope": "following", "start_date": later.start.astimezone(VN).date().isoformat(), "start_time": "09:00",
        "end_time": "10:30", "status": "cancelled"})
    assert response.status_code == 302
    db.session.refresh(new)
    assert "UNTIL=" in new.rrule


def test_ad_hoc_form(logged_in):
    from coordinator.schedule.models import Briefing

    assert logged_in.get("/schedule/briefings/new").status_code == 200
    past = days_from_now(-90, hour=10)  # a briefing held three months ago, recorded afterwards
    response = logged_in.post("/schedule/briefings/new", data={
        "title": "Họp báo về bão", "start_date": past.date().isoformat(), "start_time": "10:00",
        "duration_minutes": "60", "venue": "UBND tỉnh", "is_public": "y"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Briefing)).status == "held"
    bad = logged_in.post("/schedule/briefings/new", data={"title": "", "start_date": "", "start_time": "10:00",
                                                          "duration_minutes": "0", "online_url": "ftp://x"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Vui lòng nhập tên." in text and "Vui lòng chọn ngày." in text


def test_crisis_form_defaults_and_urgent_event(logged_in, office):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule.models import Briefing

    page = logged_in.get("/schedule/crisis").get_data(as_text=True)
    soon = local_now() + timedelta(minutes=60)
    assert "Họp báo khẩn" in page
    assert f'value="{soon:%d/%m/%Y}"' in page
    assert re.search(r'name="start_time"[^>]*value="' + f"{soon:%H}:", page) or f'value="{soon:%H}:' in page
    missing = logged_in.post("/schedule/crisis", data={"title": "Sạt lở", "start_date": f"{soon:%Y-%m-%d}",
                                                       "start_time": f"{soon:%H:%M}", "duration_minutes": "60"})
    assert missing.status_code == 422 and "Cần địa điểm hoặc đường dẫn trực tuyến." in missing.get_data(as_text=True)
    data = {"title": "Sạt lở đất tại Hạ Long", "start_date": f"{soon:%Y-%m-%d}", "start_time": f"{soon:%H:%M}",
            "duration_minutes": "45", "online_url": "https://truc-tuyen.gov.vn/khan"}
    asked = logged_in.post("/schedule/crisis", data=data)  # who it reaches, before the first mail
    assert asked.status_code == 200 and "Kiểm tra trước khi gửi" in asked.get_data(as_text=True)
    assert db.session.scalar(db.select(Briefing)) is None
    data["confirm_audience"] = re.search(r'name="confirm_audience" value="(\w+)"',
                                         asked.get_data(as_text=True)).group(1)
    response = logged_in.post("/schedule/crisis", data=data)
    assert response.status_code == 302
    briefing = db.session.scalar(db.select(Briefing))
    assert briefing.is_crisis
    event = db.session.scalar(db.select(OutboxEvent).where(OutboxEvent.kind == "briefing.created"))
    assert event.payload["urgent"] is True


def test_closures_page(logged_in, series):
    closed = _second_day()  # still ahead: closures apply to briefings from now on
    page = logged_in.get("/schedule/closures")
    assert page.status_code == 200 and "Tết Nguyên Đán" in page.get_data(as_text=True)
    response = logged_in.post("/schedule/closures", data={"day": closed.isoformat(), "name": "Nghỉ bù"})
    assert response.status_code == 302
    assert _occurrence(series, closed).status == "cancelled"
    dup = logged_in.post("/schedule/closures", data={"day": closed.isoformat(), "name": "Nghỉ bù"})
    assert dup.status_code == 422 and "Ngày này đã có trong danh sách." in dup.get_data(as_text=True)
    empty = logged_in.post("/schedule/closures", data={"day": "", "name": ""})
    assert empty.status_code == 422 and "Vui lòng chọn ngày." in empty.get_data(as_text=True)
    from coordinator.schedule.models import OfficeClosure

    closure = db.session.scalar(db.select(OfficeClosure))
    assert logged_in.post(f"/schedule/closures/{closure.id}/delete").status_code == 302
    assert _occurrence(series, closed).status == "scheduled"


def test_feeds_page(logged_in, office):
    from tests.test_schedule_core import make_journalist as _unused  # noqa: F401

    page = logged_in.get("/schedule/feeds")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "webcal://briefings.test/calendar/quang-ninh.ics" in text
    assert "calendar.google.com" in text and "outlook.live.com" in text
    missing = logged_in.post("/schedule/feeds", data={"journalist_id": "9999", "action": "rotate"})
    assert missing.status_code == 404 and "Không tìm thấy nhà báo." in missing.get_data(as_text=True)


def test_other_office_pages_404(client, auth, other_office, make_user, series):
    user = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    auth.login(user.email)
    assert client.get(f"/schedule/series/{series.id}").status_code == 404
    row = _occurrence(series, _second_day())
    assert client.get(f"/schedule/briefings/{row.id}").status_code == 404


def test_viewer_reads_but_cannot_edit(client, auth, office, make_user, series):
    viewer = make_user(office, "viewer")
    auth.login(viewer.email)
    assert client.get("/schedule/").status_code == 200
    assert client.get("/schedule/series/new").status_code == 403
    row = _occurrence(series, _second_day())
    assert client.get(f"/schedule/briefings/{row.id}").status_code == 200
    assert client.post(f"/schedule/briefings/{row.id}", data={"scope": "this"}).status_code == 403
