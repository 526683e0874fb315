"""Questions: from the portal and the public form, duplicates merged, answers (a written one mailed to
each asker through a real worker, once), the running order."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordinator.attendance.models import Question
from coordinator.extensions import db
from coordinator.invitations.tokens import invitation_token, portal_token
from coordinator.mail.models import Delivery
from tests.support import domain
from tests.support.attendance import body_text, briefing_with_invitations, invitation, now_minus, outbox
from tests.support.processes import run_burst_worker


@pytest.fixture
def people(office):
    return domain.journalists(office, 3)


@pytest.fixture
def upcoming(office, people):
    return briefing_with_invitations(office, people, start=now_minus(-120), title="Họp báo quý IV")


def questions() -> list[Question]:
    db.session.expire_all()
    return list(db.session.scalars(select(Question).order_by(Question.id)))


def test_portal_and_public_form(client, upcoming, people, office):
    response = client.post(f"/portal/{portal_token(people[0])}/questions",
                           data={"briefing_id": upcoming.id, "text": "Khi nào cầu mới được thông xe?"})
    assert response.status_code == 302
    home = client.get(f"/portal/{portal_token(people[0])}")
    assert "Gửi câu hỏi trước buổi họp" in home.get_data(as_text=True)
    token = invitation_token(invitation(upcoming, people[1]))
    form = client.get(f"/i/{token}/questions")
    assert form.status_code == 200 and "Họp báo quý IV" in form.get_data(as_text=True)
    sent = client.post(f"/i/{token}/questions", data={"text": "Tiến độ giải phóng mặt bằng ra sao?"})
    assert sent.status_code == 302
    rows = questions()
    assert [(q.journalist_id, q.source, q.position) for q in rows] == [(people[0].id, "portal", 1),
                                                                         (people[1].id, "form", 2)]
    assert "Tiến độ giải phóng mặt bằng" in client.get(f"/i/{token}/questions").get_data(as_text=True)


def test_bad_questions_write_nothing(client, office, upcoming, people, other_office):
    token = invitation_token(invitation(upcoming, people[1]))
    assert client.post(f"/i/{token}/questions", data={"text": ""}).status_code == 422
    assert client.post(f"/i/{token}/questions", data={"text": "x" * 2500}).status_code == 422
    over = briefing_with_invitations(office, people, start=now_minus(180), title="Đã xong")
    late = client.post(f"/i/{invitation_token(invitation(over, people[1]))}/questions?b={over.id}",
                       data={"text": "Câu hỏi muộn"})
    assert late.status_code == 422 and "kết thúc" in late.get_data(as_text=True)
    # A briefing the journalist is not invited to, or another office's.
    foreigners = domain.journalists(other_office, 1, prefix="hn")
    foreign = briefing_with_invitations(other_office, foreigners, start=now_minus(-60))
    client.post(f"/portal/{portal_token(people[0])}/questions", data={"briefing_id": foreign.id, "text": "Hỏi"})
    client.post("/portal/garbage/questions", data={"briefing_id": upcoming.id, "text": "Hỏi gì đó"})
    assert questions() == []


def test_merge_answer_in_writing_mails_each_asker_once(app, app_env, client, auth, admin, upcoming, people):
    from coordinator.attendance import operations as ops

    first = ops.ask(upcoming, people[0], "Giá vé tham quan vịnh có tăng không?", source="portal")
    second = ops.ask(upcoming, people[1], "Giá vé vào vịnh Hạ Long năm tới thế nào?", source="form")
    third = ops.ask(upcoming, people[2], "Bao giờ khởi công bệnh viện mới?", source="form")
    db.session.commit()
    auth.login(admin.email)
    assert client.post(f"/attendance/questions/{second.id}/merge", data={"into_id": first.id}).status_code == 302
    page = client.get(f"/attendance/briefings/{upcoming.id}/questions").get_data(as_text=True)
    assert "1 câu hỏi trùng đã gộp" in page
    # A written answer needs a text; nothing changes otherwise.
    client.post(f"/attendance/questions/{first.id}/status", data={f"q{first.id}-status": "answered_in_writing"})
    assert questions()[0].status == "pending"
    client.post(f"/attendance/questions/{first.id}/status", data={
        f"q{first.id}-status": "answered_in_writing", f"q{first.id}-answer": "Giá vé giữ nguyên đến hết năm.",
        f"q{first.id}-mail_answer": "y"})
    client.post(f"/attendance/questions/{third.id}/status", data={f"q{third.id}-status": "declined"})
    rows = {q.id: q for q in questions()}
    assert rows[first.id].status == rows[second.id].status == "answered_in_writing"
    assert rows[second.id].answer == "Giá vé giữ nguyên đến hết năm."
    assert rows[third.id].status == "declined"
    run_burst_worker(app_env)
    answers = [m for m in outbox(app) if m["X-Coordinator-Purpose"] == "answer"]
    assert sorted(m["To"].addresses[0].addr_spec for m in answers) == sorted([people[0].email, people[1].email])
    assert all("Giá vé giữ nguyên" in body_text(m) for m in answers)
    # The job again (a retry, a second worker): nobody gets it twice.
    from coordinator.core import tasks

    tasks.enqueue("outbox.sweep")
    run_burst_worker(app_env)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.purpose == "answer")) == 2
    assert len([m for m in outbox(app) if m["X-Coordinator-Purpose"] == "answer"]) == 2


def test_running_order_prints_and_moves(client, auth, make_user, office, upcoming, people):
    from coordinator.attendance import operations as ops

    ops.ask(upcoming, people[0], "Câu hỏi thứ nhất về du lịch", source="portal")
    b = ops.ask(upcoming, people[1], "Câu hỏi thứ hai về đầu tư", source="portal")
    db.session.commit()
    spokesperson = make_user(office, "spokesperson")
    auth.login(spokesperson.email)
    client.post(f"/attendance/questions/{b.id}/move", data={"direction": "up"})
    page = client.get(f"/attendance/briefings/{upcoming.id}/questions/print")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "@media print" not in html  # print CSS lives in the stylesheet
    assert html.index("thứ hai về đầu tư") < html.index("thứ nhất về du lịch")
    assert "css/attendance.css" in html and "<script" not in html


def test_question_api(api, upcoming, people):
    url = f"/api/v1/briefings/{upcoming.id}/questions"
    created = api.post(url, json={"text": "Câu hỏi qua API", "journalist_id": people[0].id})
    assert created.status_code == 201 and created.json["status"] == "pending"
    assert api.post(url, json={"text": ""}).status_code == 422
    qid = created.json["id"]
    done = api.patch(f"/api/v1/questions/{qid}", json={"status": "answered_at_briefing"})
    assert done.status_code == 200 and done.json["status"] == "answered_at_briefing"
    bad = api.patch(f"/api/v1/questions/{qid}", json={"status": "lost"})
    assert bad.status_code == 422
    listing = api.get(url).json
    assert listing["total"] == 1 and set(listing) == {"items", "total", "page", "per_page"}


def test_portal_question_error_is_shown_next_to_the_box_and_the_text_is_kept(client, office):
    from coordinator.invitations.tokens import portal_token
    from tests.support.attendance import briefing_with_invitations

    people = domain.journalists(office, 1)
    briefing = briefing_with_invitations(office, people)
    token = portal_token(people[0])
    response = client.post(f"/portal/{token}/questions", data={"briefing_id": briefing.id, "text": "Hỏ"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'id="q-text-error"' in html and 'aria-describedby="q-text-error"' in html
    assert ">Hỏ</textarea>" in html  # what was typed is not lost
    assert 'class="flash flash--field-question"' not in html  # not repeated at the top
