"""The sessions page in a real browser (issue 26.1): signed in on a desktop and on a phone that asked to be
remembered, the desktop lists both with "this device" marked and logs the phone out from there; the phone's
remember cookie no longer brings it back. Photographed at 1280 px and 390 px, in Vietnamese and English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Visitor
from tests.browser.helpers import axe_violations, english_words, horizontal_overflow
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def test_sessions_page_lists_devices_and_logs_one_out(admin, live_server, visitor, new_context, shots, axe_source):
    phone = Visitor(new_context(viewport=PHONE, user_agent=IPHONE).new_page(), live_server, shots)
    phone.goto("/login", "dien-thoai-dang-nhap")
    phone.page.get_by_label("Email").fill(admin.email)
    phone.page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    phone.page.get_by_label("Ghi nhớ đăng nhập").check()
    phone.page.get_by_role("button", name="Đăng nhập").click()
    phone.page.wait_for_url(live_server("/"))

    visitor.login(admin.email)
    page = visitor.page
    page.get_by_role("link", name="Phiên đăng nhập").click()
    expect(page.get_by_role("heading", level=1, name="Phiên đăng nhập của bạn")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Thiết bị này")
    expect(rows.nth(1)).to_contain_text("Safari · iPhone")
    expect(rows.nth(1)).to_contain_text("127.0.0.1")
    visitor.shot("phien-dang-nhap")
    assert horizontal_overflow(page) is None
    assert english_words(page) == []
    assert axe_violations(page, axe_source) == []

    phone.goto("/account/sessions", "dien-thoai-phien-dang-nhap")
    assert horizontal_overflow(phone.page) is None
    expect(phone.page.locator("tbody tr").first).to_contain_text("Thiết bị này")
    phone.page.get_by_role("button", name="English").click()
    expect(phone.page.get_by_role("heading", level=1, name="Your sessions")).to_be_visible()
    expect(phone.page.get_by_role("button", name="Log out everywhere else")).to_be_visible()
    phone.shot("dien-thoai-tieng-anh")
    assert horizontal_overflow(phone.page) is None

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1, name="Your sessions")).to_be_visible()
    visitor.shot("sessions-english")
    page.get_by_role("button", name="Tiếng Việt").click()

    page.get_by_role("button", name="Đăng xuất mọi nơi khác").click()
    expect(page.get_by_text("Đã đăng xuất 1 phiên khác.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    visitor.shot("da-dang-xuat-noi-khac")

    phone.page.goto(live_server("/"))
    phone.page.wait_for_url(lambda url: "/login" in url)
    assert not [c for c in phone.page.context.cookies() if c["name"] == "pbc_remember"]
    phone.shot("dien-thoai-da-bi-dang-xuat")
