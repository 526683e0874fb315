"""Issue 25.6: a journalist sees that a question was sent. After sending from the portal the confirmation is
at the top of the question box (where the page lands), the form stays on the same briefing, and the portal
lists all the journalist's questions with their status and answers; the invitation's question page lists
theirs for that briefing."""
from __future__ import annotations

import re

from coordinator.attendance import operations as ops
from coordinator.attendance.models import Question
from coordinator.extensions import db
from coordinator.invitations.tokens import invitation_token, portal_token
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation, now_minus


def _question(text: str) -> Question:
    return db.session.scalar(db.select(Question).where(Question.text == text))


def test_portal_confirms_keeps_the_briefing_and_lists_questions_with_answers(client, office):
    me, other = domain.journalists(office, 2)
    first = briefing_with_invitations(office, [me, other], start=now_minus(-120), title="Họp báo quý IV")
    second = briefing_with_invitations(office, [me, other], start=now_minus(-60 * 48),
                                       title="Họp báo về dự án cảng biển")
    token = portal_token(me)
    sent = client.post(f"/portal/{token}/questions",
                       data={"briefing_id": second.id, "text": "Khi nào khởi công cảng biển Hòn Gai?"})
    assert sent.status_code == 302
    assert f"b={second.id}" in sent.location and sent.location.endswith("#questions")
    html = client.get(sent.location).get_data(as_text=True)
    box = html.split('id="questions"')[1]
    # The confirmation is inside the question box, before its form; not only at the top of the page.
    assert box.index('id="question-sent"') < box.index("<form")
    assert "Đã gửi câu hỏi cho buổi họp báo “Họp báo về dự án cảng biển”." in box
    assert "Đã gửi câu hỏi cho buổi họp báo" not in html.split('id="questions"')[0]
    # The form stays on the same briefing.
    assert re.search(rf'<option value="{second.id}" selected>', box)
    assert not re.search(rf'<option value="{first.id}" selected>', box)
    # The question is listed, waiting.
    mine = box.split('id="my-questions"')[1]
    assert "Khi nào khởi công cảng biển Hòn Gai?" in mine and "Chờ trả lời" in mine
    assert "Họp báo về dự án cảng biển" in mine

    # Answered in writing, and a duplicate merged into another's question that was answered at the briefing.
    ops.set_question_status(_question("Khi nào khởi công cảng biển Hòn Gai?"), "answered_in_writing",
                            answer="Dự kiến khởi công vào quý II năm sau.")
    mine_first = ops.ask(first, me, "Ngân sách cho cầu mới là bao nhiêu?", source="portal")
    theirs = ops.ask(first, other, "Tổng vốn đầu tư cây cầu mới?", source="portal")
    ops.set_question_status(theirs, "answered_at_briefing")
    ops.merge_questions(mine_first, theirs)
    ops.ask(first, other, "Câu hỏi của người khác", source="portal")
    db.session.commit()
    home = client.get(f"/portal/{token}").get_data(as_text=True)
    mine = home.split('id="my-questions"')[1]
    assert "Đã trả lời bằng văn bản" in mine and "Dự kiến khởi công vào quý II năm sau." in mine
    assert "Ngân sách cho cầu mới là bao nhiêu?" in mine and "Đã gộp với câu hỏi tương tự" in mine
    assert "Đã trả lời tại buổi họp" in mine
    assert "Câu hỏi của người khác" not in home and "Tổng vốn đầu tư" not in home

    # The invitation's question page: this briefing's questions only.
    page = client.get(f"/i/{invitation_token(invitation(first, me))}/questions?b={first.id}").get_data(as_text=True)
    assert "Ngân sách cho cầu mới là bao nhiêu?" in page and "Đã gộp với câu hỏi tương tự" in page
    assert "Khi nào khởi công cảng biển" not in page and "Câu hỏi của người khác" not in page


def test_the_invitation_page_confirms_and_stays_on_its_briefing(client, office):
    me = domain.journalists(office, 1)[0]
    first = briefing_with_invitations(office, [me], start=now_minus(-120), title="Họp báo quý IV")
    token = invitation_token(invitation(first, me))
    sent = client.post(f"/i/{token}/questions?b={first.id}", data={"text": "Tiến độ giải phóng mặt bằng ra sao?"})
    assert sent.status_code == 302 and f"b={first.id}" in sent.location
    page = client.get(sent.location).get_data(as_text=True)
    assert page.index("Đã gửi câu hỏi") < page.index('name="text"')  # above the question form
    assert "Tiến độ giải phóng mặt bằng ra sao?" in page and "Chờ trả lời" in page


def test_a_journalist_with_no_upcoming_briefing_still_sees_their_questions(client, office):
    me = domain.journalists(office, 1)[0]
    past = briefing_with_invitations(office, [me], start=now_minus(30), title="Họp báo vừa diễn ra")
    question = ops.ask(past, me, "Câu hỏi trong buổi họp", source="portal")
    ops.set_question_status(question, "answered_in_writing", answer="Đã có câu trả lời.")
    db.session.commit()
    home = client.get(f"/portal/{portal_token(me)}").get_data(as_text=True)
    assert "Câu hỏi trong buổi họp" in home and "Đã có câu trả lời." in home
