"""Issue 19.8: attendance across a series (and several series), per outlet and per journalist: how many of
the series' occurrences each attended, no-shows (accepted and absent, only for occurrences already started),
the trend across occurrences; page, CSV/XLSX exports and the API. Expected figures are counted here from the
rows the test made."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from coordinator.attendance import operations as ops
from coordinator.contacts import operations as contacts
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support.clock import VN, local_today


@pytest.fixture
def series_data(office):
    today = local_today()
    paper = domain.outlet(office, "Báo Quảng Ninh")
    tv = domain.outlet(office, "QTV", kind="tv")
    people = {}
    for key, outlet in (("a1", paper), ("a2", paper), ("b1", tv), ("b2", tv)):
        people[key] = contacts.create_journalist(office.id, {
            "full_name": f"Phóng viên {key}", "email": f"{key}@example.vn", "outlet_id": outlet.id},
            since=today - timedelta(days=400))
    db.session.commit()
    weekly = domain.weekly_series(office, list(people.values()), title="Giao ban báo chí hằng tuần",
                                  start=datetime.combine(today - timedelta(days=45), time(15, 0)),
                                  skip_public_holidays=False)
    other = domain.weekly_series(office, [people["a1"], people["b1"]], title="Họp báo chuyên đề",
                                 start=datetime.combine(today - timedelta(days=20), time(9, 0)),
                                 skip_public_holidays=False)
    outside = domain.adhoc(office, list(people.values()), title="Đột xuất ngoài chuỗi",
                           start=datetime.combine(today - timedelta(days=10), time(10, 0), VN))
    for target in (weekly, other, outside):
        sync_invitations(target)
    for invitation in db.session.scalars(select(Invitation)):
        invitation.rsvp = "accepted"
    db.session.commit()
    now = clock.now()

    def started(series):
        return list(db.session.scalars(select(Briefing).where(
            Briefing.series_id == series.id, Briefing.start <= now, Briefing.status != "cancelled")
            .order_by(Briefing.start)))

    held = started(weekly)
    assert len(held) >= 6
    present = {"a1": held, "a2": held[:2], "b1": [], "b2": held[:1]}
    for key, briefings in present.items():
        for briefing in briefings:
            ops.check_in(briefing, people[key], user_id=None)
    for briefing in started(other):
        ops.check_in(briefing, people["b1"], user_id=None)
    ops.check_in(outside, people["b1"], user_id=None)
    db.session.commit()
    return {"people": people, "weekly": weekly, "other": other, "held": held, "held_other": started(other),
            "paper": paper, "tv": tv}


def by_key(items):
    return {i["key"]: i for i in items}


def test_api_attendance_across_one_series(api, series_data):
    people, held = series_data["people"], series_data["held"]
    n = len(held)
    body = api.get(f"/api/v1/reports/attendance?series_id={series_data['weekly'].id}&by=journalist"
                   "&per_page=100").get_json()
    assert body["occurrences"] == n and body["series_ids"] == [series_data["weekly"].id]
    assert body["series"] == ["Giao ban báo chí hằng tuần"]
    assert body["from"] == held[0].start.astimezone(VN).date().isoformat()  # from the first occurrence
    items = by_key(body["items"])
    expected = {"a1": (n, 0), "a2": (2, n - 2), "b1": (0, n), "b2": (1, n - 1)}
    for key, (attended, no_shows) in expected.items():
        item = items[people[key].id]
        # invited only to occurrences already held: the future ones count for nobody, no-shows included
        assert (item["invited"], item["accepted"], item["attended"], item["occurrences_attended"],
                item["no_shows"]) == (n, n, attended, attended, no_shows), key
    outlets = by_key(api.get(f"/api/v1/reports/attendance?series_id={series_data['weekly'].id}&by=outlet")
                     .get_json()["items"])
    paper, tv = outlets[series_data["paper"].id], outlets[series_data["tv"].id]
    assert (paper["invited"], paper["attended"], paper["occurrences_attended"]) == (2 * n, n + 2, n)
    assert (tv["invited"], tv["attended"], tv["occurrences_attended"], tv["no_shows"]) == (2 * n, 1, 1, 2 * n - 1)
    trend = api.get(f"/api/v1/reports/attendance?series_id={series_data['weekly'].id}&by=briefing"
                    "&per_page=100").get_json()["items"]
    assert [i["key"] for i in trend] == [b.id for b in held]
    assert [i["attended"] for i in trend] == [3, 2] + [1] * (n - 2)


def test_api_attendance_across_several_series_and_bad_ids(api, series_data, other_office, make_user):
    people = series_data["people"]
    n, m = len(series_data["held"]), len(series_data["held_other"])
    both = f"{series_data['weekly'].id},{series_data['other'].id}"
    body = api.get(f"/api/v1/reports/attendance?series_id={both}&by=journalist").get_json()
    assert body["occurrences"] == n + m
    b1 = by_key(body["items"])[people["b1"].id]
    assert (b1["invited"], b1["attended"], b1["no_shows"]) == (n + m, m, n)  # the ad hoc one stays out
    repeated = api.get(f"/api/v1/reports/attendance?series_id={series_data['weekly'].id}"
                       f"&series_id={series_data['other'].id}&by=journalist").get_json()
    assert repeated["items"] == body["items"]
    foreign = domain.weekly_series(other_office, domain.journalists(other_office, 1, prefix="x"))
    for bad in ("abc", str(foreign.id), "999999"):
        response = api.get(f"/api/v1/reports/attendance?series_id={bad}")
        assert response.status_code == 422 and "series_id" in response.get_json()["error"]["fields"], bad


def test_report_page_and_exports_across_a_series(client, auth, admin, series_data):
    auth.login(admin.email)
    n = len(series_data["held"])
    sid = series_data["weekly"].id
    page = client.get(f"/reports/attendance?series_id={sid}&by=journalist")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"{n} buổi đã diễn ra trong khoảng này" in html and "Giao ban báo chí hằng tuần" in html
    assert f">2/{n}<" in html and "Diễn biến tham dự qua các buổi của chuỗi" in html
    assert f"series_id={sid}" in html.split('class="exports')[1].split("</p>")[0]
    english = client.get(f"/reports/attendance?series_id={sid}&by=journalist&lang=en").get_data(as_text=True)
    assert "Briefings attended" in english and "briefings held in this period" in english
    exported = client.get(f"/reports/export/attendance.csv?series_id={sid}&by=journalist&first=1")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    header = next(r for r in rows if r and r[0] == "Nhà báo")
    assert header[-1] == f"Số buổi có mặt (trên {n} buổi)"
    a2 = next(r for r in rows if r and r[0] == "Phóng viên a2")
    assert a2[-1] == "2" and a2[1] == str(n)
    assert client.get(f"/reports/export/attendance.xlsx?series_id={sid}").status_code == 200
    assert client.get(f"/reports/charts/occurrences.svg?series_id={sid}").status_code == 200
    bad = client.get("/reports/attendance?series_id=abc")
    assert bad.status_code == 422 and "Mã chuỗi họp không hợp lệ: abc." in bad.get_data(as_text=True)
    assert client.get("/reports/export/attendance.csv?series_id=abc").status_code == 422
