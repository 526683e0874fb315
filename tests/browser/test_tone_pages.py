"""The tone proposed for each article, in a real browser: the review queue shows it with its confidence and the
phrases that decided it; a coordinator accepts one in one click and corrects another, then confirms the
corrected article as coverage with the corrected tone already chosen; the article page shows the same.
Photographed on a desktop and a 390 px phone, in Vietnamese and English."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, Visitor
from tests.browser.helpers import axe_violations, english_words
from tests.support import domain

pytestmark = pytest.mark.browser

ARTICLES = [
    ("Mưa lũ ở Bình Liêu: sạt lở vùi lấp nhà dân, hai người mất tích",
     "Nước lũ dâng cao khiến hàng trăm hộ dân bị cô lập, thiệt hại nặng nề về nhà cửa và hoa màu."),
    ("Bình Liêu sơ tán kịp thời người dân vùng sạt lở, không có thương vong",
     "Nhờ chủ động sơ tán từ sớm, toàn bộ người dân vùng nguy hiểm đã được đưa đến nơi an toàn."),
]


def _seed(office):
    from coordinator.extensions import db
    from coordinator.monitoring import operations as monitoring
    from coordinator.monitoring.models import FeedItem, MatchProposal

    people = domain.journalists(office, 1)
    start = datetime.now(UTC) - timedelta(days=1)
    briefing = domain.adhoc(office, people, start=start,
                            title="Họp báo về khắc phục hậu quả mưa lũ, sạt lở tại huyện Bình Liêu",
                            agenda="Sơ tán người dân vùng sạt lở\nHỗ trợ hộ dân bị thiệt hại do mưa lũ")
    db.session.commit()
    items = []
    for n, (title, lead) in enumerate(ARTICLES):
        url = f"https://baoquangninh.vn/tin/binh-lieu-{n}.html"
        item = FeedItem(office_id=office.id, outlet_id=people[0].outlet_id, url=url, link=url, title=title,
                        summary=lead, text="", published_at=start + timedelta(hours=n + 2))
        db.session.add(item)
        db.session.flush()
        monitoring.propose_tone(item)
        monitoring.match_item(item)
        items.append(item)
    db.session.commit()
    proposals = [db.session.scalar(select(MatchProposal).where(MatchProposal.item_id == i.id)) for i in items]
    assert all(p is not None and p.briefing_id == briefing.id for p in proposals)
    return items, proposals


def test_tone_in_the_queue_accept_correct_and_confirm(admin, office, live_server, new_context, shots, axe_source):
    from coordinator.attendance.models import Coverage
    from coordinator.extensions import db

    (flood, rescue), (p_flood, p_rescue) = _seed(office)
    assert (flood.tone.proposed, rescue.tone.proposed) == ("negative", "positive")

    staff = Visitor(new_context().new_page(), live_server, shots)
    staff.login(admin.email)
    staff.goto("/coverage/proposals", "hang-doi-sac-thai")
    panel = staff.page.locator(f"#article-tone-{flood.id}-{p_flood.id}")
    expect(panel).to_contain_text("Sắc thái đề xuất: Tiêu cực")
    expect(panel).to_contain_text("độ tin cậy")
    expect(panel.locator("mark").first).to_be_visible()
    assert axe_violations(staff.page, axe_source) == []

    panel.get_by_role("button", name="Đúng: Tiêu cực").click()
    expect(staff.page.get_by_text("Đã ghi nhận sắc thái.")).to_be_visible()
    expect(staff.page.locator(f"#article-tone-{flood.id}-{p_flood.id}")).to_contain_text("đề xuất đã được xác nhận")
    staff.shot("da-xac-nhan-sac-thai")

    staff.page.locator(f"#article-tone-{rescue.id}-{p_rescue.id}").get_by_role("button", name="Trung lập").click()
    expect(staff.page.get_by_text("Cảm ơn: sửa đổi này giúp mô hình")).to_be_visible()
    expect(staff.page.locator(f"#article-tone-{rescue.id}-{p_rescue.id}")).to_contain_text("đã sửa (đề xuất: Tích cực)")
    staff.shot("da-sua-sac-thai")
    db.session.expire_all()
    assert (flood.tone.label, flood.tone.label_source) == ("negative", "accepted")
    assert (rescue.tone.label, rescue.tone.label_source) == ("neutral", "corrected")

    # Confirming the corrected article as coverage: its tone is already chosen.
    proposal = staff.page.locator(f"#proposal-{p_rescue.id}")
    expect(proposal.get_by_label("Sắc thái", exact=True)).to_have_value("neutral")
    proposal.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(staff.page.get_by_text("Đã xác nhận: tin bài được ghi vào danh sách đưa tin.")).to_be_visible()
    db.session.expire_all()
    coverage = db.session.scalar(select(Coverage).where(Coverage.url == rescue.url))
    assert coverage is not None and coverage.tone == "neutral"

    staff.page.get_by_role("link", name="Mọi tin bài tìm thấy và sắc thái").click()
    expect(staff.page.get_by_role("heading", level=1, name="Mọi tin bài tìm thấy")).to_be_visible()
    staff.page.get_by_label("Sắc thái", exact=True).select_option("neutral")
    staff.page.get_by_role("button", name="Lọc").click()
    expect(staff.page.get_by_role("link", name=ARTICLES[1][0])).to_be_visible()
    expect(staff.page.get_by_role("link", name=ARTICLES[0][0])).to_have_count(0)
    staff.shot("moi-tin-bai-trung-lap")
    assert axe_violations(staff.page, axe_source) == [] and english_words(staff.page) == []
    staff.goto("/coverage/proposals", "hang-doi-lai")
    staff.page.locator(f"#proposal-{p_flood.id}").get_by_role("link", name="Chi tiết tin bài").click()
    expect(staff.page.get_by_role("heading", level=1)).to_have_text(ARTICLES[0][0])
    expect(staff.page.get_by_text("Mô hình: global-1")).to_be_visible()
    staff.shot("trang-tin-bai")
    assert axe_violations(staff.page, axe_source) == [] and english_words(staff.page) == []
    staff.page.get_by_role("button", name="English").click()
    expect(staff.page.get_by_role("heading", name="Tone", exact=True)).to_be_visible()
    staff.shot("trang-tin-bai-en")
    staff.goto("/coverage/proposals", "hang-doi-en")
    expect(staff.page.locator(f"#article-tone-{flood.id}-{p_flood.id}")).to_contain_text("Tone: Negative")

    phone = Visitor(new_context(viewport=PHONE).new_page(), live_server, shots)
    phone.login(admin.email)
    phone.goto("/coverage/proposals", "dien-thoai-hang-doi")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/coverage/articles", "dien-thoai-moi-tin-bai")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"/coverage/articles/{flood.id}", "dien-thoai-tin-bai")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.page.get_by_role("button", name="English").click()
    expect(phone.page.get_by_role("heading", name="Tone", exact=True)).to_be_visible()
    phone.shot("dien-thoai-tin-bai-en")
    phone.goto("/coverage/articles", "dien-thoai-moi-tin-bai-en")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/coverage/proposals?status=confirmed", "dien-thoai-da-xac-nhan-en")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/coverage/proposals", "dien-thoai-hang-doi-en")
