"""Issue 21 in a real browser, 390 px and desktop, Vietnamese and English: the journalist's "my data" page
(everything held, corrections, withdrawal, erasure request), the staff page of personal-data requests where
the request is carried out, and the consent card on the contact page. Nothing scrolls sideways."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import horizontal_overflow
from tests.support import domain

pytestmark = pytest.mark.browser


def test_my_data_page_and_the_staff_requests_page(visitor, live_server, office, admin, new_context):
    from coordinator.attendance import operations as attendance
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db
    from coordinator.invitations.tokens import portal_token
    from coordinator.privacy import operations as privacy
    from tests.support.attendance import briefing_with_invitations

    hanh, minh = domain.journalists(office, 2)
    today = datetime.now(domain.VN).date()
    past = briefing_with_invitations(office, [hanh, minh], title="Họp báo về tình hình kinh tế - xã hội quý III",
                                     start=datetime.combine(today - timedelta(days=30), time(9), domain.VN))
    briefing_with_invitations(office, [hanh], start=datetime.now(domain.VN) + timedelta(days=2),
                              title="Họp báo về dự án đường ven biển Hạ Long - Cẩm Phả")
    attendance.check_in(past, hanh, method="staff")
    attendance.ask(past, hanh, "Tăng trưởng GRDP quý III của tỉnh ước đạt bao nhiêu phần trăm?", source="staff")
    contacts.record_consent(hanh, {"basis": "consent", "purpose": "Mời họp báo và gửi tài liệu báo chí",
                                   "network_sharing": True}, source="portal")
    privacy.request_erasure(minh, "Tôi đã nghỉ hưu, xin xoá thông tin của tôi.")
    db.session.commit()
    mine = f"/portal/{portal_token(hanh)}/data"
    for viewport, label in ((PHONE, "390"), (DESKTOP, "desktop")):
        viewer = type(visitor)(new_context(viewport=viewport).new_page(), live_server, visitor.shots)
        page = viewer.page
        for lang in ("vi", "en"):
            viewer.goto(f"{mine}?lang={lang}", f"du-lieu-cua-toi-{label}-{lang}")
            expect(page.get_by_text("Tăng trưởng GRDP quý III")).to_be_visible()
            assert horizontal_overflow(page) is None, horizontal_overflow(page)
    page = visitor.page
    visitor.goto(mine, "du-lieu-cua-toi")
    page.get_by_label("Chức danh").fill("x" * 121)
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_text("Chức danh tối đa 120 ký tự.")).to_be_visible()
    visitor.shot("sua-thong-tin-loi")
    page.get_by_label("Chức danh").fill("Phóng viên thường trú")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.get_by_text("Đã lưu thông tin của bạn.")).to_be_visible()
    page.get_by_role("button", name="Rút lại sự đồng ý").click()
    expect(page.get_by_text("Bạn đã rút lại sự đồng ý.")).to_be_visible()
    visitor.shot("da-rut-dong-y")
    visitor.login(admin.email)
    for viewport, label in ((PHONE, "390"), (DESKTOP, "desktop")):
        context = new_context(viewport=viewport)
        context.add_cookies(visitor.page.context.cookies())
        viewer = type(visitor)(context.new_page(), live_server, visitor.shots)
        for lang in ("vi", "en"):
            viewer.goto(f"/privacy/requests?lang={lang}", f"yeu-cau-du-lieu-{label}-{lang}")
            assert horizontal_overflow(viewer.page) is None, horizontal_overflow(viewer.page)
            viewer.goto(f"/contacts/journalists/{hanh.id}?lang={lang}", f"ho-so-nha-bao-{label}-{lang}")
            assert horizontal_overflow(viewer.page) is None, horizontal_overflow(viewer.page)
    visitor.goto("/privacy/requests?lang=vi", "yeu-cau-truoc")
    expect(page.get_by_text("Tôi đã nghỉ hưu, xin xoá thông tin của tôi.")).to_be_visible()
    page.get_by_role("button", name="Xoá dữ liệu").click()
    expect(page.get_by_text("Đã xoá dữ liệu cá nhân của nhà báo")).to_be_visible()
    visitor.shot("yeu-cau-da-xoa")
    visitor.goto(f"/contacts/journalists/{hanh.id}", "ho-so-da-rut")
    expect(page.locator("#consent").get_by_text("đã rút").first).to_be_visible()
