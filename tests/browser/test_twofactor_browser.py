"""Two-factor sign-in in a real browser (issue 21.6): an admin signs in, is taken to the set-up page, scans
(reads) the key, confirms with a code and sees the recovery codes; logs out; logs in with the password and a
TOTP code. The set-up and code pages are photographed at 1280 px and 390 px, in Vietnamese and English."""
from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Visitor
from tests.browser.helpers import axe_violations, english_words, horizontal_overflow
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_env(app_env: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    """As in production: admins must use two-factor (the live server reads it from the environment)."""
    monkeypatch.setenv("TWOFACTOR_ADMIN_REQUIRED", "1")
    return {**app_env, "TWOFACTOR_ADMIN_REQUIRED": "1"}


def _password_step(visitor: Visitor, email: str, name: str) -> None:
    visitor.goto("/login", name)
    visitor.page.get_by_label("Email").fill(email)
    visitor.page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    visitor.page.get_by_role("button", name="Đăng nhập").click()


def _check(page, axe_source, *, vietnamese=True):
    assert horizontal_overflow(page) is None
    if vietnamese:
        assert english_words(page) == []
    assert axe_violations(page, axe_source) == []


def test_an_admin_enrols_then_logs_in_with_password_and_code(admin, make_user, office, live_server, visitor,
                                                             new_context, shots, axe_source):
    page = visitor.page
    _password_step(visitor, admin.email, "dang-nhap")
    page.wait_for_url(live_server("/account/two-factor"))
    expect(page.get_by_role("heading", level=1, name="Bật xác thực hai bước")).to_be_visible()
    expect(page.get_by_text("Tài khoản của bạn bắt buộc dùng xác thực hai bước.")).to_be_visible()
    expect(page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")).to_be_visible()
    visitor.shot("cai-dat-xac-thuc-hai-buoc")
    _check(page, axe_source)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1, name="Turn on two-step verification")).to_be_visible()
    visitor.shot("setup-english")
    page.get_by_role("button", name="Tiếng Việt").click()
    # Anything else leads back here until it is on.
    visitor.goto("/admin/staff", "bi-chan")
    assert page.url == live_server("/account/two-factor")

    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Mã xác thực").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_text("Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng xác thực.")).to_be_visible()
    visitor.shot("ma-sai")
    page.get_by_label("Mã xác thực").fill(totp.now())
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_role("heading", level=1, name="Mã khôi phục của bạn")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    visitor.shot("ma-khoi-phuc")
    _check(page, axe_source)
    page.get_by_role("link", name="Tôi đã lưu các mã").click()
    page.wait_for_url(live_server("/"))
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server("/login"))

    _password_step(visitor, admin.email, "dang-nhap-lai")
    page.wait_for_url(live_server("/login/code"))
    expect(page.get_by_role("heading", level=1, name="Xác thực hai bước")).to_be_visible()
    visitor.shot("nhap-ma")
    _check(page, axe_source)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1, name="Two-step verification")).to_be_visible()
    visitor.shot("code-english")
    page.get_by_role("button", name="Tiếng Việt").click()
    # The code that turned it on was used up; the next period's code is the one the app shows next.
    page.get_by_label("Mã xác thực").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(live_server("/"))
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    visitor.shot("da-dang-nhap")

    page.get_by_role("button", name="English").click()
    visitor.goto("/account/two-factor", "two-factor-on-english")
    expect(page.get_by_role("heading", level=1, name="Two-step verification")).to_be_visible()
    expect(page.get_by_role("button", name="Make new recovery codes")).to_be_visible()

    # On a phone, in English: the code page, and a coordinator's (optional) set-up page.
    phone = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    _password_step(phone, admin.email, "dien-thoai-dang-nhap")
    phone.page.wait_for_url(live_server("/login/code"))
    phone.shot("dien-thoai-nhap-ma")
    assert horizontal_overflow(phone.page) is None
    phone.page.get_by_role("button", name="English").click()
    expect(phone.page.get_by_role("heading", level=1, name="Two-step verification")).to_be_visible()
    expect(phone.page.get_by_label("Verification code")).to_be_visible()
    phone.shot("phone-code-english")
    _check(phone.page, axe_source, vietnamese=False)

    coordinator = make_user(office, "coordinator", email="dieu.phoi@quangninh.gov.vn")
    other = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    _password_step(other, coordinator.email, "dien-thoai-dieu-phoi")
    other.page.wait_for_url(live_server("/"))
    other.goto("/account/two-factor", "dien-thoai-cai-dat")
    expect(other.page.get_by_role("heading", level=1, name="Bật xác thực hai bước")).to_be_visible()
    _check(other.page, axe_source)
    other.page.get_by_role("button", name="English").click()
    expect(other.page.get_by_role("heading", level=1, name="Turn on two-step verification")).to_be_visible()
    other.shot("phone-setup-english")
    _check(other.page, axe_source, vietnamese=False)
