"""Issue 25.9 and 25.10 in a real browser, desktop and 390 px, Vietnamese and English: the dashboard's
blocks and the mail page's search and paging. Nothing scrolls sideways; a bad search is said in words."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import horizontal_overflow

pytestmark = pytest.mark.browser


def _check(viewer, path: str, name: str, text: str) -> None:
    viewer.goto(path, name)
    expect(viewer.page.get_by_text(text).first).to_be_visible()
    assert horizontal_overflow(viewer.page) is None, (path, horizontal_overflow(viewer.page))


def test_dashboard_and_mail_search_at_desktop_and_phone(visitor, live_server, admin, office, new_context):
    from tests.test_admin_mail_search import _deliveries
    from tests.test_web_dashboard import _fill

    _fill(office, admin, "qn")
    _deliveries(office, 60, subject="Nhắc lịch họp báo định kỳ về tình hình kinh tế - xã hội tháng này")
    visitor.login(admin.email)
    cookies = visitor.page.context.cookies()
    pages = [("/", "tong-quan", "Buổi họp báo 7 ngày tới", "Briefings in the next 7 days"),
             ("/admin/mail?purpose=reminder", "hop-thu-di-loc", "Trang 1 / 2", "Page 1 of 2"),
             ("/admin/mail?state=failed", "thu-gui-loi", "loi@qn.vn", "loi@qn.vn")]
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "390")):
        context = new_context(viewport=viewport)
        context.add_cookies(cookies)
        viewer = type(visitor)(context.new_page(), live_server, visitor.shots)
        for path, name, vi, en in pages:
            _check(viewer, path, f"{name}-{label}-vi", vi)
            joiner = "&" if "?" in path else "?"
            _check(viewer, f"{path}{joiner}lang=en", f"{name}-{label}-en", en)
        viewer.page.goto(live_server("/admin/mail?page=abc&purpose=pack.approved"))
        expect(viewer.page.get_by_role("alert").last).to_contain_text("Số trang “abc” không hợp lệ")
        viewer.shot(f"tim-sai-{label}")
        viewer.page.get_by_label("Mục đích").select_option(label="Nhắc lịch")
        viewer.page.get_by_role("button", name="Tìm", exact=True).click()
        expect(viewer.page.get_by_text("Trang 1 / 2").first).to_be_visible()
        viewer.page.get_by_role("link", name="Trang sau").first.click()
        expect(viewer.page.get_by_text("Trang 2 / 2").first).to_be_visible()
        viewer.shot(f"trang-2-{label}")
