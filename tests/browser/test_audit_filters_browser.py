"""The audit log's filters and CSV export in a real browser (issue 21.6), photographed at 1280 px and 390 px,
in Vietnamese and English."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from coordinator.core import audit
from coordinator.extensions import db
from tests.browser.conftest import PHONE, Visitor
from tests.browser.helpers import axe_violations, english_words, horizontal_overflow

pytestmark = pytest.mark.browser


def test_the_audit_log_filters_and_exports(admin, make_user, office, live_server, visitor, new_context, shots,
                                           axe_source):
    colleague = make_user(office, "coordinator", email="dieu.phoi@quangninh.gov.vn", full_name="Lê Thu Hà")
    for action in ("briefing.created", "pack.approved", "briefing.created"):
        audit.record(action, ("office", office.id), office_id=office.id, actor_user_id=colleague.id,
                     actor_label=colleague.email, data={"title": "Họp báo thường kỳ"})
    db.session.commit()

    visitor.login(admin.email)
    page = visitor.page
    visitor.goto("/admin/audit", "nhat-ky")
    page.get_by_label("Người thực hiện").select_option(label="Lê Thu Hà")
    page.get_by_label("Thao tác").select_option(label="Phê duyệt gói tài liệu")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(page.locator("td[data-action]")).to_have_count(1)
    expect(page.locator("td[data-action]")).to_have_attribute("data-action", "pack.approved")
    visitor.shot("nhat-ky-da-loc")
    assert horizontal_overflow(page) is None
    assert english_words(page) == []
    assert axe_violations(page, axe_source) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.count("pack.approved") == 1 and "briefing.created" not in text

    phone = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    phone.login(admin.email)
    phone.goto(f"/admin/audit?actor={colleague.id}", "dien-thoai-nhat-ky")
    assert horizontal_overflow(phone.page) is None
    phone.page.get_by_role("button", name="English").click()
    expect(phone.page.get_by_role("button", name="Download CSV")).to_be_visible()
    phone.shot("phone-audit-english")
    assert horizontal_overflow(phone.page) is None
