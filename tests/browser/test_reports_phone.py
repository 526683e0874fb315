"""Reports a spokesperson can read on a phone (issue 25.7): charts drawn for the phone (no sideways scroll,
type as large as on a desktop), outlet names told apart, a month not over marked as such, and long
tables shown ten rows at a time; the desktop keeps its wide charts. In Vietnamese and in English."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, Visitor
from tests.support import domain

pytestmark = pytest.mark.browser

PLACES = ("TP Hạ Long", "TP Móng Cái", "TP Uông Bí", "TP Cẩm Phả", "huyện Vân Đồn", "huyện Cô Tô")

CHART_FACTS = """() => [...document.querySelectorAll('.chart-pair svg')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const box = svg.closest('.chart-box');
    const text = svg.querySelector('text:not([font-size="15"])');
    return {width: svg.getBoundingClientRect().width, room: box.clientWidth, scroll: box.scrollWidth,
            narrow: svg.classList.contains('chart--narrow'),
            type: text ? text.getBoundingClientRect().height : 0,
            labels: [...svg.querySelectorAll('.chart__bar > text:first-of-type')].map(t => t.textContent)};
  })"""


@pytest.fixture
def reports_office(office, make_user):
    from coordinator.attendance.demo import load_attendance_demo
    from coordinator.extensions import db

    spokesperson = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    people = []
    for place in PLACES:  # outlets whose names differ only at the end
        outlet = domain.outlet(office, f"Trung tâm Truyền thông và Văn hoá {place}", kind="tv", level="local")
        for person in domain.journalists(office, 2, prefix=f"pv{len(people)}-"):
            person.outlet_id = outlet.id
            person.history[0].outlet_id = outlet.id
            people.append(person)
    db.session.commit()
    for n, days in enumerate((70, 40, 12, 3)):
        domain.adhoc(office, people, title=f"Họp báo định kỳ – lần {n + 1}",
                     start=datetime.now(UTC) - timedelta(days=days))
    load_attendance_demo(office.id)
    db.session.commit()
    return spokesperson


def _switch_to_english(visitor: Visitor) -> None:
    visitor.page.get_by_role("button", name="English").click()
    visitor.page.wait_for_load_state()


def test_reports_on_a_phone(new_context, live_server, shots, reports_office):
    visitor = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    page = visitor.page
    visitor.login(reports_office.email)
    visitor.goto("/reports/attendance?by=outlet", "bao-cao-tham-du-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    charts = page.evaluate(CHART_FACTS)
    assert charts and all(c["narrow"] for c in charts), charts
    for chart in charts:
        assert chart["width"] <= chart["room"] + 1 and chart["scroll"] <= chart["room"] + 1, chart
        assert chart["type"] >= 11, f"chart text drawn {chart['type']:.1f} px high on a phone"
    outlet_bars = next(c["labels"] for c in charts if any("Trung tâm" in label for label in c["labels"]))
    assert len(set(outlet_bars)) == len(outlet_bars), outlet_bars
    expect(page.locator("svg.chart--narrow").get_by_text("* Tháng chưa trọn:").first).to_be_visible()

    visitor.goto("/reports/attendance?by=journalist", "bao-cao-theo-nha-bao-390")
    rows = page.locator("table.table--numbers").first.locator("tbody tr")
    assert rows.count() == len(PLACES) * 2
    assert sum(row.is_visible() for row in rows.all()) == 10
    page.get_by_text(f"Xem tất cả {len(PLACES) * 2} dòng").click()
    assert sum(row.is_visible() for row in rows.all()) == len(PLACES) * 2
    visitor.shot("bao-cao-tham-du-390-tat-ca")

    _switch_to_english(visitor)
    visitor.goto("/reports/coverage", "coverage-390-en")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert all(c["narrow"] and c["type"] >= 11 for c in page.evaluate(CHART_FACTS))
    expect(page.locator("svg.chart--narrow").get_by_text("* Month not complete:").first).to_be_visible()


def test_reports_on_a_desktop_keep_wide_charts(new_context, live_server, shots, reports_office):
    visitor = Visitor(new_context(viewport=DESKTOP).new_page(), live_server, shots)
    visitor.login(reports_office.email)
    visitor.goto("/reports/attendance?by=outlet", "bao-cao-tham-du-desktop")
    charts = visitor.page.evaluate(CHART_FACTS)
    assert charts and not any(c["narrow"] for c in charts)
    assert all(c["scroll"] <= c["room"] + 1 for c in charts)
    labels = [label for c in charts for label in c["labels"] if "Trung tâm" in label]
    assert labels and len(set(labels)) == len(labels), labels
    rows = visitor.page.locator("table.table--numbers").first.locator("tbody tr")
    assert all(row.is_visible() for row in rows.all())
    assert not any(label.is_visible() for label in visitor.page.locator(".more-toggle__label").all())
    _switch_to_english(visitor)
    visitor.goto("/reports/", "overview-desktop-en")
    assert not any(c["narrow"] for c in visitor.page.evaluate(CHART_FACTS))
