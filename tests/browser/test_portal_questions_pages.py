"""Issue 25.6 in a real browser, 390 px and desktop, Vietnamese and English: after sending a question from the
portal the confirmation is on screen (the top of the question box, where the page lands), the form stays on
the chosen briefing, and the journalist's questions are listed with status and answer; the invitation's
question page lists theirs for its briefing. Nothing scrolls sideways."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import horizontal_overflow
from tests.support import domain

pytestmark = pytest.mark.browser


def test_journalist_sees_the_question_sent_and_its_answer(visitor, live_server, office, new_context):
    from coordinator.attendance import operations as ops
    from coordinator.extensions import db
    from coordinator.invitations.tokens import invitation_token, portal_token
    from tests.support.attendance import briefing_with_invitations, invitation

    hanh = domain.journalists(office, 1)[0]
    soon = briefing_with_invitations(office, [hanh], start=datetime.now(UTC) + timedelta(hours=3),
                                     title="Họp báo về tình hình kinh tế - xã hội quý IV")
    later = briefing_with_invitations(office, [hanh], start=datetime.now(UTC) + timedelta(days=2),
                                      title="Họp báo về dự án đường ven biển Hạ Long - Cẩm Phả")
    answered = ops.ask(soon, hanh, "Tăng trưởng GRDP quý IV của tỉnh ước đạt bao nhiêu phần trăm?", source="portal")
    ops.set_question_status(answered, "answered_in_writing",
                            answer="GRDP quý IV ước tăng 10,2% so với cùng kỳ, cao nhất từ đầu năm.")
    db.session.commit()
    portal = f"/portal/{portal_token(hanh)}"
    questions_page = f"/i/{invitation_token(invitation(soon, hanh))}/questions?b={soon.id}"
    for viewport, label in ((PHONE, "390"), (DESKTOP, "desktop")):
        viewer = type(visitor)(new_context(viewport=viewport).new_page(), live_server, visitor.shots)
        page = viewer.page
        viewer.goto(portal, f"trang-phong-vien-{label}")
        page.get_by_label("Buổi họp báo").select_option(str(later.id))
        text = f"Khi nào dự án đường ven biển hoàn thành giải phóng mặt bằng? ({label})"
        page.get_by_label("Câu hỏi", exact=True).fill(text)
        page.get_by_role("button", name="Gửi câu hỏi").click()
        sent = page.locator("#question-sent")
        expect(sent).to_have_text("Đã gửi câu hỏi cho buổi họp báo "
                                  "“Họp báo về dự án đường ven biển Hạ Long - Cẩm Phả”.")
        expect(sent).to_be_in_viewport()
        expect(page.get_by_label("Buổi họp báo")).to_have_value(str(later.id))
        mine = page.locator("#questions .questions--mine")
        expect(mine.get_by_text(text)).to_be_visible()
        expect(mine.get_by_text("GRDP quý IV ước tăng 10,2%")).to_be_visible()
        viewer.shot(f"da-gui-cau-hoi-{label}-vi")
        assert horizontal_overflow(page) is None, horizontal_overflow(page)
        viewer.goto(f"{portal}?lang=en", f"trang-phong-vien-{label}-en")
        expect(page.locator("#questions").get_by_text("Answered in writing")).to_be_visible()
        expect(page.get_by_role("heading", name="Questions you have sent")).to_be_visible()
        assert horizontal_overflow(page) is None, horizontal_overflow(page)
        for lang in ("vi", "en"):
            viewer.goto(f"{questions_page}&lang={lang}", f"cau-hoi-loi-moi-{label}-{lang}")
            expect(page.get_by_text("GRDP quý IV ước tăng 10,2%")).to_be_visible()
            assert horizontal_overflow(page) is None, horizontal_overflow(page)
