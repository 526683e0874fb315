"""Journey: a coordinator creates a policy, plans it, links a briefing and sees the progress; a journalist
sends a consultation comment from a phone; staff triage it and the reply shows on the public page."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.support import domain

pytestmark = pytest.mark.browser


def test_policy_from_plan_to_consultation(visitor, live_server, admin, office, new_context):
    from coordinator.invitations.tokens import portal_token

    hanh, other = domain.journalists(office, 2)
    briefing = domain.adhoc(office, [hanh, other], title="Họp báo về giá dịch vụ tham quan vịnh",
                            start=datetime.now(UTC) + timedelta(hours=3))
    staff = visitor.page
    visitor.login(admin.email)
    staff.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Chính sách").click()
    visitor.shot("chinh-sach")
    staff.get_by_role("link", name="Thêm chính sách").click()
    staff.get_by_role("button", name="Lưu").click()
    expect(staff.get_by_text("Vui lòng nhập tên chính sách.")).to_be_visible()
    visitor.shot("loi-ten")
    staff.get_by_label("Tên chính sách").fill("Quy định giá dịch vụ tham quan vịnh Hạ Long")
    staff.get_by_label("Cơ quan chủ trì soạn thảo").fill("Sở Du lịch")
    staff.get_by_label("Mở trang lấy ý kiến công khai (khi đang dự thảo)").check()
    staff.get_by_role("button", name="Lưu").click()
    expect(staff.get_by_role("heading", name="Quy định giá dịch vụ tham quan vịnh Hạ Long")).to_be_visible()
    policy_url = staff.url
    policy_id = int(policy_url.rstrip("/").rsplit("/", 1)[1])
    staff.get_by_label("Chọn để liên kết: Buổi họp báo").select_option(str(briefing.id))
    staff.locator("form").filter(has=staff.get_by_label("Chọn để liên kết: Buổi họp báo")).get_by_role(
        "button", name="Liên kết").click()
    expect(staff.get_by_text("Đã liên kết với chính sách.")).to_be_visible()
    expect(staff.get_by_role("link", name="Họp báo về giá dịch vụ tham quan vịnh")).to_be_visible()
    visitor.shot("da-lien-ket")

    staff.get_by_role("link", name="Kế hoạch năm").click()
    staff.get_by_role("button", name="Tạo kế hoạch").click()
    expect(staff.get_by_text("Đã tạo kế hoạch năm")).to_be_visible()
    staff.get_by_label("Chính sách", exact=True).select_option(str(policy_id))
    staff.get_by_label("Họp báo quý IV").fill("2")
    staff.get_by_label("Bộ tài liệu quý IV").fill("1")
    staff.get_by_label("Người phụ trách").fill("Sở Du lịch")
    staff.get_by_role("button", name="Thêm vào kế hoạch").click()
    expect(staff.get_by_text("Đã thêm chính sách vào kế hoạch.")).to_be_visible()
    visitor.shot("ke-hoach")

    staff.get_by_role("link", name="Tiến độ & cần chú ý").click()
    row = staff.get_by_role("row").filter(has_text="Quy định giá dịch vụ tham quan vịnh Hạ Long").first
    expect(row.get_by_role("cell", name="2/1/0")).to_be_visible()  # planned 2, scheduled 1, not held yet
    expect(staff.get_by_text("Quý 4: kế hoạch 2 buổi họp báo, mới lên lịch 1.")).to_be_visible()
    visitor.shot("tien-do")

    phone = new_context(viewport=PHONE).new_page()
    journalist = type(visitor)(phone, live_server, visitor.shots)
    journalist.goto(f"/consult/{office.slug}/{policy_id}?t={portal_token(hanh)}", "lay-y-kien")
    expect(phone.get_by_text("Bạn gửi góp ý với tư cách nhà báo")).to_be_visible()
    comment = "Đề nghị quy định mức trần giá lưu trú qua đêm trên vịnh vào mùa cao điểm."
    phone.get_by_label("Góp ý của bạn").fill(comment)
    phone.get_by_role("button", name="Gửi góp ý").click()
    expect(phone.get_by_text("Cảm ơn bạn. Góp ý đã được gửi tới cơ quan soạn thảo.")).to_be_visible()
    journalist.shot("da-gui-gop-y")

    staff.get_by_role("link", name="Góp ý dự thảo").click()
    card = staff.locator("section.card").filter(has_text=comment)
    expect(card).to_be_visible()
    card.get_by_label("Xử lý").select_option("answered")
    card.get_by_role("button", name="Lưu xử lý").click()
    expect(staff.get_by_text("Bắt buộc khi chọn")).to_be_visible()
    expect(staff.locator(".field__error").first).to_be_visible()
    visitor.shot("loi-tra-loi")
    card = staff.locator("section.card").filter(has_text=comment)
    card.get_by_label("Trả lời", exact=True).fill("Dự thảo đã bổ sung mức trần cho mùa cao điểm (Điều 5).")
    card.get_by_role("button", name="Lưu xử lý").click()
    expect(staff.get_by_text("Đã xử lý góp ý.")).to_be_visible()
    visitor.shot("da-xu-ly")

    journalist.goto(f"/consult/{office.slug}/{policy_id}", "tra-loi-cong-khai")
    expect(phone.get_by_text("Dự thảo đã bổ sung mức trần cho mùa cao điểm (Điều 5).")).to_be_visible()
    # The office's newsroom points to the consultation.
    journalist.goto(f"/newsroom/{office.slug}", "phong-tin")
    expect(phone.get_by_role("link", name="Quy định giá dịch vụ tham quan vịnh Hạ Long")).to_be_visible()
