"""The public consultation page: open only in drafting with consultation on; citizens only if allowed,
journalists only by their portal link (a typed address proves nothing); CSRF, rate limit, isolation;
linked from the newsroom and the journalist portal."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.invitations.tokens import portal_token
from coordinator.policies import operations as ops
from coordinator.policies.models import PolicyComment
from tests.support import domain
from tests.support import policies as support
from tests.support.clock import local_today

TEXT = "Đề nghị niêm yết giá vé tại bến tàu bằng nhiều thứ tiếng."


def _count() -> int:
    return db.session.scalar(select(func.count(PolicyComment.id)))


def test_only_open_drafts_have_a_page(client, office):
    year = local_today().year
    open_one = support.policy(office, "Dự thảo mở", consultation_open=True)
    closed = support.policy(office, "Dự thảo chưa mở")
    issued = support.policy(office, "Đã ban hành", stage="issued", document_number=f"1/{year}/QĐ-UBND",
                            consultation_open=True)
    page = client.get(f"/consult/{office.slug}/{open_one.id}")
    assert page.status_code == 200 and "Lấy ý kiến dự thảo: Dự thảo mở" in page.get_data(as_text=True)
    assert client.get(f"/consult/{office.slug}/{closed.id}").status_code == 404
    assert client.get(f"/consult/{office.slug}/{issued.id}").status_code == 404
    assert client.get(f"/consult/no-such-office/{open_one.id}").status_code == 404
    ops.update_policy(open_one, {"stage": "issued", "document_number": f"2/{year}/QĐ-UBND"})
    db.session.commit()
    assert client.get(f"/consult/{office.slug}/{open_one.id}").status_code == 404
    assert client.post(f"/consult/{office.slug}/{open_one.id}", data={"text": TEXT}).status_code == 404


def test_another_offices_policy_is_not_reachable_by_this_offices_slug(client, office, other_office):
    theirs = support.policy(other_office, "Chính sách Hà Nội", consultation_open=True, citizen_comments=True)
    assert client.get(f"/consult/{other_office.slug}/{theirs.id}").status_code == 200
    assert client.get(f"/consult/{office.slug}/{theirs.id}").status_code == 404
    assert client.post(f"/consult/{office.slug}/{theirs.id}",
                       data={"text": TEXT, "name": "An", "email": "an@example.vn"}).status_code == 404
    assert _count() == 0


def test_journalists_only_refuses_citizens(client, office):
    policy_row = support.policy(office, consultation_open=True)
    page = client.get(f"/consult/{office.slug}/{policy_row.id}").get_data(as_text=True)
    assert "Trang này nhận góp ý của nhà báo có trong danh bạ của cơ quan" in page
    assert 'name="text"' not in page and "/portal" in page  # no form: the way in is the portal link
    refused = client.post(f"/consult/{office.slug}/{policy_row.id}",
                          data={"text": TEXT, "email": "nguoidan@example.vn", "name": "Người dân"})
    assert refused.status_code == 422
    assert "Chỉ nhà báo có trong danh bạ" in refused.get_data(as_text=True)
    assert _count() == 0


def test_journalist_only_by_portal_link_never_by_a_typed_address(client, office, other_office):
    policy_row = support.policy(office, consultation_open=True)
    journalist = domain.journalists(office, 1)[0]
    stranger = domain.journalists(other_office, 1, prefix="hn")[0]
    # Anyone can type a journalist's address: it must neither post in their name nor reveal it is known.
    by_email = client.post(f"/consult/{office.slug}/{policy_row.id}", data={"text": TEXT,
                                                                             "email": journalist.email.upper()})
    unknown = client.post(f"/consult/{office.slug}/{policy_row.id}", data={"text": TEXT,
                                                                            "email": "ai-do@example.vn"})
    assert by_email.status_code == unknown.status_code == 422
    assert by_email.get_data(as_text=True).replace(journalist.email.upper(), "X") == \
        unknown.get_data(as_text=True).replace("ai-do@example.vn", "X")
    assert _count() == 0
    token = portal_token(journalist)
    page = client.get(f"/consult/{office.slug}/{policy_row.id}?t={token}").get_data(as_text=True)
    assert "Bạn gửi góp ý với tư cách nhà báo" in page and 'name="email"' not in page
    by_link = client.post(f"/consult/{office.slug}/{policy_row.id}", data={"text": TEXT + " (2)", "t": token})
    assert by_link.status_code == 302 and f"t={token}" in by_link.headers["Location"]
    comment = db.session.scalar(select(PolicyComment))
    assert comment.journalist_id == journalist.id and not comment.is_citizen and comment.status == "pending"
    # Another office's journalist's portal link is nobody here.
    assert client.post(f"/consult/{office.slug}/{policy_row.id}",
                       data={"text": TEXT, "t": portal_token(stranger)}).status_code == 422
    bad_link = client.post(f"/consult/{office.slug}/{policy_row.id}", data={"text": TEXT, "t": "forged"})
    assert bad_link.status_code == 422 and _count() == 1


def test_portal_lists_open_consultations_with_the_journalists_link(client, office):
    journalist = domain.journalists(office, 1)[0]
    open_one = support.policy(office, "Dự thảo quy định giá vé tham quan", consultation_open=True)
    support.policy(office, "Dự thảo chưa mở")
    token = portal_token(journalist)
    page = client.get(f"/portal/{token}").get_data(as_text=True)
    assert "Dự thảo quy định giá vé tham quan" in page and "Dự thảo chưa mở" not in page
    assert f"/consult/{office.slug}/{open_one.id}?t={token}" in page


def test_citizens_when_allowed(client, office):
    policy_row = support.policy(office, consultation_open=True, citizen_comments=True)
    assert "người dân nhập họ tên và email" in client.get(
        f"/consult/{office.slug}/{policy_row.id}").get_data(as_text=True)
    missing = client.post(f"/consult/{office.slug}/{policy_row.id}", data={"text": TEXT, "email": "x"})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "Vui lòng nhập họ tên." in html and "Email không hợp lệ." in html
    short = client.post(f"/consult/{office.slug}/{policy_row.id}",
                        data={"text": "ngắn", "email": "hoa@example.vn", "name": "Nguyễn Thị Hoa"})
    assert short.status_code == 422 and "Góp ý quá ngắn" in short.get_data(as_text=True)
    assert _count() == 0
    sent = client.post(f"/consult/{office.slug}/{policy_row.id}",
                       data={"text": TEXT, "email": "Hoa@Example.vn", "name": "Nguyễn Thị Hoa"}, follow_redirects=True)
    assert "Cảm ơn bạn" in sent.get_data(as_text=True)
    comment = db.session.scalar(select(PolicyComment))
    assert comment.is_citizen and comment.author_email == "hoa@example.vn" and comment.author_name == "Nguyễn Thị Hoa"
    # Answered comments are shown on the page, without the author.
    ops.triage_comment(comment, {"status": "answered", "reply": "Dự thảo đã bổ sung quy định niêm yết."}, user_id=None)
    db.session.commit()
    page = client.get(f"/consult/{office.slug}/{policy_row.id}").get_data(as_text=True)
    assert "Dự thảo đã bổ sung quy định niêm yết." in page and "hoa@example.vn" not in page


def test_csrf_is_required(make_app, office):
    policy_row = support.policy(office, consultation_open=True, citizen_comments=True)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    path = f"/consult/{office.slug}/{policy_row.id}"
    data = {"text": TEXT, "email": "hoa@example.vn", "name": "Nguyễn Thị Hoa"}
    assert client.post(path, data=data).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert client.post(path, data={**data, "csrf_token": token.group(1)}).status_code == 302
    assert _count() == 1


def test_rate_limited(make_app, office):
    policy_row = support.policy(office, consultation_open=True, citizen_comments=True)
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    path = f"/consult/{office.slug}/{policy_row.id}"
    answers = [client.post(path, data={"text": f"{TEXT} {n}", "email": "hoa@example.vn", "name": "Hoa"}).status_code
               for n in range(11)]
    assert answers[:10] == [302] * 10 and answers[10] == 429
    assert client.get(path).status_code == 200  # reading stays open
    assert _count() == 10


def test_newsroom_links_open_consultations(client, office):
    open_one = support.policy(office, "Dự thảo đang lấy ý kiến", consultation_open=True)
    support.policy(office, "Dự thảo kín")
    page = client.get(f"/newsroom/{office.slug}").get_data(as_text=True)
    assert "Đang lấy ý kiến dự thảo" in page and f"/consult/{office.slug}/{open_one.id}" in page
    assert "Dự thảo kín" not in page
