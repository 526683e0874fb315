"""The pages journalists' links open (issues 21.4, 26.5) and the staff pages that manage links and tokens,
in a real browser on a phone and a desktop, in Vietnamese and English: the answer link's one button, the
page of a link that no longer works, the contact page's revocation, the token page, the share form."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations, target_of
from coordinator.invitations.tokens import invitation_token
from tests.browser.conftest import DESKTOP, PHONE
from tests.support import domain

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_journalist_answers_through_the_one_button_page_and_an_old_link_offers_a_new_one(
        live_server, new_context, shots, office, admin):
    hanh, lan = domain.journalists(office, 2)
    lan.language = "en"
    db.session.commit()
    briefing = domain.adhoc(office, [hanh, lan], title="Họp báo về tình hình mưa lũ và phương án ứng phó")
    sync_invitations(target_of(briefing))
    db.session.commit()
    tokens = {j.id: invitation_token(db.session.scalar(select(Invitation).where(Invitation.journalist_id == j.id)))
              for j in (hanh, lan)}

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_context(viewport=viewport).new_page()
        page.goto(live_server(f"/i/{tokens[hanh.id]}/rsvp/accepted"))
        expect(page.get_by_role("heading", name="Trả lời lời mời")).to_be_visible()
        no_sideways_scroll(page)
        shots.take(page, f"tra-loi-{size}")
        english = new_context(viewport=viewport).new_page()
        english.goto(live_server(f"/i/{tokens[lan.id]}/rsvp/declined"))
        expect(english.get_by_role("button", name="Confirm: Not attending")).to_be_visible()
        no_sideways_scroll(english)
        shots.take(english, f"answer-{size}")

    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server(f"/i/{tokens[hanh.id]}/rsvp/accepted"))
    page.get_by_role("button", name="Xác nhận: Tham dự").click()
    expect(page.get_by_role("button", name="Tham dự", exact=True)).to_have_attribute("aria-pressed", "true")
    shots.take(page, "da-tra-loi")

    # Staff revoke Lan's links from her contact page; her old link then offers a new one.
    staff = new_context(viewport=DESKTOP).new_page()
    staff.goto(live_server("/login"))
    staff.get_by_label("Email").fill(admin.email)
    from tests.conftest import DEFAULT_PASSWORD

    staff.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    staff.get_by_role("button", name="Đăng nhập").click()
    staff.wait_for_url(live_server("/"))
    staff.goto(live_server(f"/contacts/journalists/{lan.id}"))
    staff.get_by_role("button", name="Thu hồi mọi đường dẫn").click()
    expect(staff.get_by_text("Đã thu hồi mọi đường dẫn")).to_be_visible()
    shots.take(staff, "thu-hoi-duong-dan")
    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        old = new_context(viewport=viewport).new_page()
        response = old.goto(live_server(f"/i/{tokens[lan.id]}"))
        assert response.status == 410
        expect(old.get_by_role("heading", name="This link no longer works")).to_be_visible()
        expect(old.get_by_role("button", name="Send me a new link")).to_be_visible()
        no_sideways_scroll(old)
        shots.take(old, f"link-refused-{size}")

    staff.goto(live_server("/admin/tokens"))
    staff.get_by_label("Tên").fill("Cổng thông tin điện tử tỉnh")
    staff.get_by_label("Phạm vi").select_option("read_write")
    staff.get_by_label("Hết hạn sau").select_option("30")
    staff.get_by_role("button", name="Tạo mã").click()
    expect(staff.get_by_role("cell", name="Đọc và ghi")).to_be_visible()
    for path, name in (("/admin/tokens", "ma-api"), ("/network/offers", "chia-se")):
        for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
            staff.set_viewport_size(viewport)
            staff.goto(live_server(path))
            no_sideways_scroll(staff)
            shots.take(staff, f"{name}-{size}")
    expect(staff.get_by_text("Cảnh báo: “Tất cả các văn phòng”")).to_be_visible()
