"""The spokesperson's report pages: numbers as the API gives them, inline SVG charts (accessible, no
style attributes), downloads (CSV with BOM, XLSX with formulas neutralised, PDF with Vietnamese text),
clear errors for a bad period, scoped to the office."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from coordinator.attendance import operations as ops
from coordinator.extensions import db
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation, now_minus


@pytest.fixture
def spokesperson(office, make_user):
    return make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")


@pytest.fixture
def data(office):
    people = domain.journalists(office, 5)
    sneaky = domain.outlet(office, "=HYPERLINK(\"http://evil\")", kind="social", level="local")
    people[4].outlet = sneaky
    people[4].outlet_id = sneaky.id
    people[4].history[0].outlet_id = sneaky.id
    db.session.commit()
    briefing = briefing_with_invitations(office, people, start=now_minus(60 * 24 * 3), title="Họp báo thường kỳ")
    from coordinator.invitations.operations import set_rsvp

    for person in people[:3]:
        set_rsvp(invitation(briefing, person), "accepted", source="staff")
    for person in (people[0], people[1], people[4]):
        ops.check_in(briefing, person, method="staff")
    ops.create_coverage(office.id, {"url": "https://baoquangninh.vn/a", "outlet_id": people[0].outlet_id,
                                    "briefing_id": briefing.id, "tone": "negative"})
    question = ops.ask(briefing, people[0], "Câu hỏi về giải phóng mặt bằng")
    ops.set_question_status(question, "answered_at_briefing")
    db.session.commit()
    return briefing, people


PAGES = ["/reports/", "/reports/attendance", "/reports/attendance?by=journalist", "/reports/attendance?by=month",
         "/reports/attendance?by=level", "/reports/attendance?by=kind", "/reports/attendance?by=briefing",
         "/reports/coverage", "/reports/coverage?by=level", "/reports/questions", "/reports/questions?by=outlet"]


def test_pages_for_spokespeople(client, auth, spokesperson, data):
    auth.login(spokesperson.email)
    for path in PAGES:
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert 'style="' not in html, path
        assert "css/reports.css" in html
    overview = client.get("/reports/").get_data(as_text=True)
    assert "<svg" in overview and "<title" in overview and "<desc" in overview and 'role="img"' in overview
    table = client.get("/reports/attendance").get_data(as_text=True)
    assert "60%" in table  # 3 of 5 invited came to the one briefing
    coverage = client.get("/reports/coverage").get_data(as_text=True)
    assert "Có mặt nhưng không đưa tin" in coverage


def test_viewer_reads_and_another_office_sees_nothing(client, auth, make_user, office, other_office, data):
    viewer = make_user(office, "viewer")
    auth.login(viewer.email)
    assert client.get("/reports/attendance").status_code == 200
    auth.logout()
    stranger = make_user(other_office, "admin", email="a@hanoi.gov.vn")
    auth.login(stranger.email)
    html = client.get("/reports/attendance?by=briefing").get_data(as_text=True)
    assert "Họp báo thường kỳ" not in html


def test_bad_period_is_explained(client, auth, spokesperson, data):
    auth.login(spokesperson.email)
    page = client.get("/reports/attendance?from=2001-06-01&to=2001-05-01")
    assert page.status_code == 422
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in page.get_data(as_text=True)
    assert client.get("/reports/attendance?from=hôm-qua").status_code == 422
    assert client.get("/reports/export/attendance.csv?from=2001-06-01&to=2001-05-01").status_code == 422


def test_exports(client, auth, spokesperson, data):
    auth.login(spokesperson.email)
    csv_response = client.get("/reports/export/attendance.csv?by=outlet")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    text = csv_response.data.decode("utf-8")
    assert text.startswith("\ufeff") and "Báo Quảng Ninh" in text
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    xlsx = client.get("/reports/export/attendance.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.data))
    first = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in first.iter_rows()]
    assert values[0][0] == "Cơ quan báo chí"
    assert any(row[0] == "'=HYPERLINK(\"http://evil\")" for row in values)
    quang_ninh = next(row for row in values if row[0] == "Báo Quảng Ninh")
    assert quang_ninh[1:5] == [4, 3, 2, 0.5]
    assert len(workbook.worksheets) == 4
    for name in ("attendance", "coverage", "questions"):
        pdf = client.get(f"/reports/export/{name}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"DejaVu" in pdf.data, name
    assert client.get("/reports/export/nothing.pdf").status_code == 404


def test_chart_downloads_are_standalone_svg(client, auth, spokesperson, data):
    auth.login(spokesperson.email)
    for name in ("trend", "rate-trend", "outlet", "journalist", "level", "kind", "tone", "coverage-outlet",
                 "questions"):
        response = client.get(f"/reports/charts/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", name
        svg = response.data.decode()
        assert svg.startswith("<?xml") and 'xmlns="http://www.w3.org/2000/svg"' in svg
        assert "<title" in svg and "<desc" in svg and "style=" not in svg
    import xml.etree.ElementTree as ET

    ET.fromstring(client.get("/reports/charts/outlet.svg").data)  # well-formed


def test_charts_escape_labels():
    from coordinator.attendance import charts

    svg = str(charts.bar_chart([("<script>alert(1)</script> & co", 0.5)], title="T", fmt=charts.percent))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_default_period_is_twelve_months(app):
    from coordinator.attendance.reports import default_period

    period = default_period("Asia/Ho_Chi_Minh", today=datetime(2026, 3, 15).date())
    assert (period.start.isoformat(), period.end.isoformat()) == ("2025-04-01", "2026-03-15")
    assert len(period.months()) == 12
    period = default_period("Asia/Ho_Chi_Minh", today=datetime(2026, 12, 31).date())
    assert period.start.isoformat() == "2026-01-01"
    assert timedelta(days=1)


def test_count_axes_have_whole_grid_steps():
    from coordinator.attendance.charts import _nice_max

    for value in (0, 1, 2.4, 3, 5, 7, 13, 37, 99, 101, 950, 12345):
        top = _nice_max(value)
        assert top >= value and top % 4 == 0  # four grid steps, each a whole number
        assert top <= max(4, value * 2.5)  # and not needlessly tall


def test_bar_labels_stay_apart_when_shortened():
    from coordinator.attendance.charts import unique_labels

    names = [f"Trung tâm Truyền thông và Văn hoá {place}" for place in ("TP Hạ Long", "TP Móng Cái", "TP Uông Bí")]
    short = unique_labels(names, 30)
    assert len(set(short)) == 3 and all(len(label) <= 30 for label in short)
    assert short[0].startswith("Trung tâm") and short[0].endswith("Hạ Long")
    twins = unique_labels(["Báo Công an nhân dân điện tử"] * 2 + ["Báo Nhân Dân"], 20)
    assert len(set(twins)) == 3 and twins[2] == "Báo Nhân Dân" and all(len(label) <= 20 for label in twins)


def test_months_not_whole_are_marked(app):
    import time_machine

    from coordinator.attendance.reports import Period

    with time_machine.travel(datetime(2026, 5, 10, 3, 0), tick=False):
        period = Period(datetime(2026, 1, 15).date(), datetime(2026, 6, 30).date(), "Asia/Ho_Chi_Minh")
        cut = period.partial_months()
        assert set(cut) == {"2026-01", "2026-05", "2026-06"}
        assert cut["2026-01"][0].day == 15 and cut["2026-05"][1].day == 10
        assert Period(datetime(2026, 2, 1).date(), datetime(2026, 3, 31).date(), "Asia/Ho_Chi_Minh"
                      ).partial_months() == {}
    with time_machine.travel(datetime(2026, 5, 31, 3, 0), tick=False):  # the month's last day is not over
        assert set(Period(datetime(2026, 4, 1).date(), datetime(2026, 5, 31).date(), "Asia/Ho_Chi_Minh"
                          ).partial_months()) == {"2026-05"}


def test_pages_draw_each_chart_for_a_desktop_and_a_phone(client, auth, spokesperson, data):
    auth.login(spokesperson.email)
    html = client.get("/reports/attendance").get_data(as_text=True)
    pairs = html.count('class="chart-pair"')
    assert pairs >= 4 and html.count("chart--narrow") == pairs
    assert "Tháng chưa trọn" in html  # the period runs to today: this month is not over
    svg = client.get("/reports/charts/trend.svg").get_data(as_text=True)
    assert svg.count("<svg") == 1 and "chart--narrow" not in svg and 'width="720"' in svg
