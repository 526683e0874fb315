"""Staff pages: policies, plan, progress, comments; Vietnamese errors next to the field with the input kept,
nothing half-written, roles, the link box on other domains' pages, English."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.policies import operations as ops
from coordinator.policies.models import CommunicationPlan, PlanItem, Policy, PolicyBriefing, PolicyComment
from tests.support import domain
from tests.support import policies as support
from tests.support.clock import local_today


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_policy_form_errors_keep_input_and_write_nothing(client, auth, admin):
    auth.login(admin.email)
    page = client.post("/policies/new", data={"name": "Quy định giá vé tham quan", "stage": "issued",
                                              "beat_id": "0", "description": "Mô tả giữ nguyên"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="document_number-error"' in html and "Chính sách đã ban hành phải có số văn bản." in html
    assert 'value="Quy định giá vé tham quan"' in html and "Mô tả giữ nguyên" in html
    assert _count(Policy) == 0
    empty = client.post("/policies/new", data={"name": "", "stage": "drafting", "beat_id": "0"})
    assert empty.status_code == 422 and "Vui lòng nhập tên chính sách." in empty.get_data(as_text=True)
    created = client.post("/policies/new", data={"name": "Quy định giá vé tham quan", "stage": "drafting",
                                                 "beat_id": "0", "consultation_open": "y"})
    assert created.status_code == 302
    policy_row = db.session.scalar(select(Policy))
    assert policy_row.consultation_open and policy_row.drafting_on is not None
    edit = client.post(f"/policies/{policy_row.id}/edit", data={"name": "Tên mới", "stage": "drafting",
                                                                "beat_id": "0", "drafting_on": "2001-05-01",
                                                                "issued_on": "2001-04-01"})
    assert edit.status_code == 422 and "không được trước" in edit.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Policy, policy_row.id).name == "Quy định giá vé tham quan"
    detail = client.get(f"/policies/{policy_row.id}").get_data(as_text=True)
    assert "Trang lấy ý kiến công khai" in detail and f"/consult/{admin.office.slug}/{policy_row.id}" in detail


def test_plan_pages(client, auth, admin, office):
    auth.login(admin.email)
    year = local_today().year
    policy_row = support.policy(office, "Chuyển đổi số cấp xã")
    assert f"Lập kế hoạch năm {year}" in client.get(f"/policies/plan?year={year}").get_data(as_text=True)
    bad = client.post("/policies/plans", data={"plan-year": "1800"})
    assert bad.status_code == 422 and "Năm phải từ 2000 đến 2100." in bad.get_data(as_text=True)
    assert client.post("/policies/plans", data={"plan-year": str(year)}).status_code == 302
    plan = db.session.scalar(select(CommunicationPlan))
    refused = client.post(f"/policies/plans/{plan.id}/items", data={"item-policy_id": "0", "item-b1": "2"})
    assert refused.status_code == 422 and "Hãy chọn một chính sách của cơ quan." in refused.get_data(as_text=True)
    negative = client.post(f"/policies/plans/{plan.id}/items", data={"item-policy_id": str(policy_row.id),
                                                                     "item-b1": "-1"})
    assert negative.status_code == 422 and "Từ 0 đến 500." in negative.get_data(as_text=True)
    assert _count(PlanItem) == 0
    added = client.post(f"/policies/plans/{plan.id}/items", data={
        "item-policy_id": str(policy_row.id), "item-b1": "1", "item-b2": "2", "item-p4": "1",
        "item-responsible": "Sở Thông tin"})
    assert added.status_code == 302
    item = db.session.scalar(select(PlanItem))
    assert item.planned_briefings == [1, 2, 0, 0] and item.planned_packs == [0, 0, 0, 1]
    page = client.get(f"/policies/plan?year={year}").get_data(as_text=True)
    assert "Chuyển đổi số cấp xã" in page and "1 · 2 · 0 · 0" in page
    edit = client.post(f"/policies/plans/{plan.id}/items/{item.id}/edit", data={
        "item-policy_id": str(policy_row.id), "item-b3": "4"})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanItem, item.id).planned_briefings == [0, 0, 4, 0]
    progress = client.get(f"/policies/progress?year={year}").get_data(as_text=True)
    assert "Cần chú ý" in progress and "Chuyển đổi số cấp xã" in progress
    assert client.post(f"/policies/plans/{plan.id}/items/{item.id}/delete").status_code == 302
    assert _count(PlanItem) == 0


def test_link_box_on_briefing_pack_and_coverage_pages(client, auth, admin, office):
    auth.login(admin.email)
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people)
    policy_row = support.policy(office, "An toàn giao thông")
    page = client.get(f"/schedule/briefings/{briefing.id}").get_data(as_text=True)
    assert "Chính sách liên quan" in page and "Chưa liên kết với chính sách nào." in page
    answer = client.post("/policies/links", data={"policy_id": str(policy_row.id), "kind": "briefing",
                                                  "object_id": str(briefing.id),
                                                  "next": f"/schedule/briefings/{briefing.id}"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/schedule/briefings/{briefing.id}")
    assert _count(PolicyBriefing) == 1
    page = client.get(f"/schedule/briefings/{briefing.id}").get_data(as_text=True)
    assert f"/policies/{policy_row.id}" in page
    client.post("/policies/links", data={"policy_id": str(policy_row.id), "kind": "briefing",
                                         "object_id": str(briefing.id), "action": "remove"})
    assert _count(PolicyBriefing) == 0
    outside = client.post("/policies/links", data={"policy_id": str(policy_row.id), "kind": "briefing",
                                                   "object_id": str(briefing.id), "next": "https://evil.example/"})
    assert outside.headers["Location"].endswith(f"/policies/{policy_row.id}")
    cov = support.coverage(office, domain.outlet(office), local_today())
    db.session.commit()
    assert "Chính sách liên quan" in client.get(f"/attendance/coverage/{cov.id}/edit").get_data(as_text=True)


def test_roles_on_pages(client, auth, office, make_user):
    policy_row = support.policy(office, consultation_open=True)
    note = support.comment(policy_row)
    year = local_today().year
    plan = ops.create_plan(office.id, {"year": year})
    db.session.commit()
    auth.login(make_user(office, "viewer", email="xem@quangninh.gov.vn").email)
    for path in ("/policies/", f"/policies/{policy_row.id}", f"/policies/plan?year={year}",
                 f"/policies/progress?year={year}", "/policies/comments", f"/policies/plans/{plan.id}/export.xlsx"):
        assert client.get(path).status_code == 200, path
    page = client.get(f"/policies/{policy_row.id}").get_data(as_text=True)
    assert "Liên kết chính sách" not in page and f"/policies/{policy_row.id}/edit" not in page
    assert client.get("/policies/new").status_code == 403
    assert client.post(f"/policies/{policy_row.id}/delete").status_code == 403
    assert client.post(f"/policies/comments/{note.id}/triage",
                       data={f"c{note.id}-status": "declined"}).status_code == 403
    auth.logout()
    auth.login(make_user(office, "spokesperson", email="sp@quangninh.gov.vn").email)
    assert client.get("/policies/new").status_code == 403
    assert client.post(f"/policies/comments/{note.id}/triage",
                       data={f"c{note.id}-status": "declined"}).status_code == 302
    assert db.session.get(PolicyComment, note.id).status == "declined"


def test_triage_page_errors_next_to_the_field(client, auth, admin, office):
    auth.login(admin.email)
    policy_row = support.policy(office, consultation_open=True)
    note = support.comment(policy_row, "Đề nghị tăng mức hỗ trợ cho hộ cận nghèo.")
    db.session.commit()
    page = client.get("/policies/comments").get_data(as_text=True)
    assert "Đề nghị tăng mức hỗ trợ cho hộ cận nghèo." in page
    refused = client.post(f"/policies/comments/{note.id}/triage?status=pending",
                          data={f"c{note.id}-status": "answered", f"c{note.id}-reply": ""})
    assert refused.status_code == 422
    assert f'id="c{note.id}-reply-error"' in refused.get_data(as_text=True)
    assert db.session.get(PolicyComment, note.id).status == "pending"
    done = client.post(f"/policies/comments/{note.id}/triage?status=pending",
                       data={f"c{note.id}-status": "answered", f"c{note.id}-reply": "Đã tiếp thu vào Điều 4."})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PolicyComment, note.id).reply == "Đã tiếp thu vào Điều 4."


def test_menu_and_tabs_in_english(client, auth, admin, office):
    support.policy(office, consultation_open=True)
    auth.login(admin.email)
    page = client.get("/policies/?lang=en").get_data(as_text=True)
    for text in ("Annual plan", "Progress & attention", "Draft comments", "Open for comments", "Add policy"):
        assert text in page, text
    assert "Kế hoạch năm" not in page


def test_deleting_a_plan_keeps_its_policies(client, auth, admin, office):
    auth.login(admin.email)
    policy_row = support.policy(office)
    year = local_today().year
    plan = ops.create_plan(office.id, {"year": year})
    ops.add_item(plan, {"policy_id": policy_row.id})
    db.session.commit()
    assert "Xoá kế hoạch" in client.get(f"/policies/plan?year={year}").get_data(as_text=True)
    assert client.post(f"/policies/plans/{plan.id}/delete").status_code == 302
    assert _count(CommunicationPlan) == 0 and _count(PlanItem) == 0 and _count(Policy) == 1
