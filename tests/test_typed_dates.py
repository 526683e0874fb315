"""Days and times typed the same way in every browser (issue 25): pages use text fields written
08/12/2026 and 15:00, never the browser's date and time controls (which an English Chrome draws as
12/08/2026 and 03:00 PM); ISO dates are still taken; a bad value gets a clear error under its field and
changes nothing."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from coordinator.core.dates import format_day, parse_typed_day, parse_typed_time
from coordinator.extensions import db
from tests.support.clock import local_today
from tests.test_schedule_pages import _occurrence, _second_day, series, series_form  # noqa: F401 (fixture)

BROWSER_CONTROLS = re.compile(r'type="(date|time|datetime-local)"')


@pytest.mark.parametrize("text, day", [("08/12/2026", date(2026, 12, 8)), ("8/12/2026", date(2026, 12, 8)),
                                       (" 08-12-2026 ", date(2026, 12, 8)), ("08.12.2026", date(2026, 12, 8)),
                                       ("2026-12-08", date(2026, 12, 8)), ("29/02/2028", date(2028, 2, 29))])
def test_days_as_people_type_them(text, day):
    assert parse_typed_day(text) == day
    assert format_day(day) == day.strftime("%d/%m/%Y")


@pytest.mark.parametrize("text", ["31/02/2026", "12/2026", "2026/12/08", "08/13/2026", "08/12/0001", "hôm nay", ""])
def test_bad_days_are_refused(text):
    with pytest.raises(ValueError):
        parse_typed_day(text)


def test_times_on_the_24_hour_clock():
    assert parse_typed_time("15:00") == time(15, 0)
    assert parse_typed_time("9:05") == time(9, 5)
    assert parse_typed_time("15h") == time(15, 0) and parse_typed_time("15h30") == time(15, 30)
    for bad in ("25:00", "15:7", "3 PM", "15:60", "giờ"):
        with pytest.raises(ValueError):
            parse_typed_time(bad)


@pytest.fixture
def logged_in(client, auth, admin):
    auth.login(admin.email)
    return client


PAGES = ["/schedule/series/new", "/schedule/briefings/new", "/packs/new", "/reports/", "/reports/coverage",
         "/admin/audit", "/admin/audit?from=01/12/2026&to=2026-12-31",
         "/network/report", "/policies/new"]


def test_no_page_uses_the_browsers_date_controls(logged_in):
    for path in PAGES:
        page = logged_in.get(path)
        assert page.status_code in (200, 404), path
        html = page.get_data(as_text=True)
        assert not BROWSER_CONTROLS.search(html), path
    builder = logged_in.get("/schedule/series/new").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy"' in builder and 'placeholder="hh:mm"' in builder


def test_series_form_takes_a_typed_day_and_shows_it_back(logged_in, office):
    start = local_today() + timedelta(days=30)
    while start.weekday() != 1:
        start += timedelta(days=1)
    typed = f"{start.day}/{start.month}/{start.year}"
    preview = logged_in.post("/schedule/series/preview", data=series_form(start_date=typed, start_time="15h"))
    assert preview.status_code == 200
    assert preview.json["items"][0]["label"].endswith(f"{start:%d/%m/%Y}, 15:00")
    page = logged_in.post("/schedule/series/new", data=series_form(action="preview", start_date=typed,
                                                                  start_time="15h"))
    html = page.get_data(as_text=True)
    assert f'value="{typed}"' in html and 'value="15h"' in html  # shown back as typed
    assert not BROWSER_CONTROLS.search(html)


def test_a_bad_typed_day_is_explained_and_changes_nothing(logged_in, series):  # noqa: F811
    row = _occurrence(series, _second_day())
    before = (row.start, row.sequence)
    response = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "this", "start_date": "31/02/2027", "start_time": "09:00", "end_time": "10:00",
        "status": "scheduled", "version": str(row.version_id)})
    assert response.status_code == 422
    assert "Ngày không hợp lệ: nhập ngày/tháng/năm, ví dụ 08/12/2026." in response.get_data(as_text=True)
    assert 'value="31/02/2027"' in response.get_data(as_text=True)  # what was typed is kept
    db.session.refresh(row)
    assert (row.start, row.sequence) == before
    moved = (_second_day() + timedelta(days=1))
    ok = logged_in.post(f"/schedule/briefings/{row.id}", data={
        "scope": "this", "start_date": f"{moved:%d/%m/%Y}", "start_time": "9h30", "end_time": "10:30",
        "status": "scheduled", "version": str(row.version_id)})
    assert ok.status_code == 302
    db.session.refresh(row)
    local = row.start.astimezone(series.tz)
    assert (local.date(), local.time()) == (moved, time(9, 30))


def test_report_period_typed_day_first(logged_in):
    today = local_today()
    first = today.replace(day=1)
    page = logged_in.get("/reports/attendance", query_string={"from": f"{first:%d/%m/%Y}", "to": f"{today:%d/%m/%Y}"})
    assert page.status_code == 200
    assert f'value="{first:%d/%m/%Y}"' in page.get_data(as_text=True)
    bad = logged_in.get("/reports/attendance", query_string={"from": "12/31/2026"})
    assert bad.status_code == 422 and "nhập ngày/tháng/năm" in bad.get_data(as_text=True)
