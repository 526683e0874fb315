"""The review queue of articles found in feeds, in a real browser: a coordinator confirms one article
with its tone and rejects two at once; the confirmed one is in the coverage list; the outlet page shows
its feeds' health and the flag of an outlet without a working feed. Photographed on a desktop and a
390 px phone, in Vietnamese and English."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, Visitor
from tests.support import domain
from tests.support.monitoring import seed_monitoring

pytestmark = pytest.mark.browser


def test_review_queue_confirm_one_bulk_reject_two(admin, office, live_server, new_context, shots):
    from coordinator.attendance.models import Coverage
    from coordinator.extensions import db
    from coordinator.monitoring.models import MatchProposal

    people = domain.journalists(office, 2)
    domain.outlet(office, "Đài Phát thanh và Truyền hình Quảng Ninh", kind="tv")
    past = domain.adhoc(office, people, start=datetime.now(UTC) - timedelta(days=1),
                        title="Họp báo kết quả phát triển kinh tế – xã hội quý III",
                        agenda="Tăng trưởng GRDP quý III đạt 9,1%\nThu ngân sách nhà nước",
                        spokespeople="Ông Đỗ Văn Long, Phó Chủ tịch UBND tỉnh")
    seeded = seed_monitoring(office, past)
    pending = list(db.session.scalars(select(MatchProposal).where(MatchProposal.status == "pending")
                                      .order_by(MatchProposal.id)))
    assert len(pending) == 3  # the unrelated article got no proposal

    staff = Visitor(new_context().new_page(), live_server, shots)
    staff.login(admin.email)
    staff.goto("/attendance", "diem-danh")
    staff.page.get_by_role("link", name="Tin bài tự động").click()
    expect(staff.page.get_by_role("heading", level=1, name="Tin bài tự động")).to_be_visible()
    expect(staff.page.locator("mark").first).to_be_visible()
    staff.shot("hang-doi")

    first = staff.page.locator(f"#proposal-{pending[0].id}")
    first.get_by_label("Sắc thái", exact=True).select_option(label="Tích cực")
    first.get_by_role("button", name="Xác nhận").click()
    expect(staff.page.get_by_text("Đã xác nhận: tin bài được ghi vào danh sách đưa tin.")).to_be_visible()
    staff.shot("da-xac-nhan")

    for proposal in pending[1:]:
        staff.page.locator(f"#pick-{proposal.id}").check()
    staff.page.get_by_role("button", name="Loại các mục đã chọn").click()
    expect(staff.page.get_by_text("Đã xử lý các đề xuất đã chọn.")).to_be_visible()
    expect(staff.page.get_by_text("Không có đề xuất nào ở trạng thái này.")).to_be_visible()
    staff.shot("da-loai-hai")

    db.session.expire_all()
    statuses = [db.session.get(MatchProposal, p.id).status for p in pending]
    assert statuses == ["confirmed", "rejected", "rejected"]
    coverage = db.session.scalar(select(Coverage))
    assert coverage.tone == "positive" and coverage.source == "feed" and coverage.briefing_id == past.id

    staff.page.get_by_role("link", name="Đã xác nhận (1)").click()
    staff.page.get_by_role("link", name="Xem tin bài đã ghi nhận").click()
    expect(staff.page.get_by_label("Sắc thái")).to_have_value("positive")
    staff.shot("tin-bai-da-ghi")

    staff.goto(f"/contacts/outlets/{seeded['working'].outlet_id}/edit", "co-quan-nguon-tin-tot")
    expect(staff.page.get_by_text("Nguồn tin hoạt động", exact=True).first).to_be_visible()
    staff.goto(f"/contacts/outlets/{seeded['failing'].outlet_id}/edit", "co-quan-khong-co-nguon-tin")
    expect(staff.page.get_by_role("heading", level=1)).to_contain_text("Không có nguồn tin hoạt động")
    staff.page.get_by_label("Địa chỉ RSS/Atom").fill("không phải địa chỉ")
    staff.page.get_by_role("button", name="Thêm nguồn tin").click()
    expect(staff.page.locator("#feed-url-error")).to_be_visible()
    expect(staff.page.get_by_label("Địa chỉ RSS/Atom")).to_have_value("không phải địa chỉ")
    staff.shot("loi-them-nguon-tin")

    phone = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    phone.login(admin.email)
    phone.goto("/coverage/proposals?status=rejected", "dien-thoai-da-loai")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone.page.get_by_role("button", name="English").click()
    expect(phone.page.get_by_role("heading", level=1, name="Articles found automatically")).to_be_visible()
    phone.shot("dien-thoai-tieng-anh")
    phone.goto(f"/contacts/outlets/{seeded['failing'].outlet_id}/edit", "dien-thoai-co-quan-en")
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text("No working feed")
