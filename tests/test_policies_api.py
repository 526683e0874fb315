"""Policies API: CRUD with Vietnamese validation, roles, links, the annual plan and its items, comment triage."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.policies.models import CommunicationPlan, PlanItem, Policy, PolicyBriefing, PolicyComment
from coordinator.policies.service import policies_for_office, policy_names_for_briefing
from tests.support import domain
from tests.support import policies as support
from tests.support.clock import day_from_today, local_today


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_policy_crud_and_filters(api):
    year = local_today().year
    drafting_on, issued_on = day_from_today(-60).isoformat(), day_from_today(-5).isoformat()
    created = api.post("/api/v1/policies", json={"name": "  Hỗ trợ người dân vùng lũ ", "stage": "drafting",
                                                 "owner_department": "Sở Lao động", "consultation_open": True})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["name"] == "Hỗ trợ người dân vùng lũ" and body["consultation_open"] is True
    assert body["drafting_on"]  # reaching a stage without a date dates it today
    pid = body["id"]
    issued = api.patch(f"/api/v1/policies/{pid}", json={"stage": "issued", "document_number": f"15/{year}/NQ-HĐND",
                                                        "issued_on": issued_on, "drafting_on": drafting_on})
    assert issued.status_code == 200 and issued.get_json()["issued_on"] == issued_on
    api.post("/api/v1/policies", json={"name": "Chuyển đổi số", "stage": "drafting"})
    listed = api.get("/api/v1/policies?stage=issued").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == pid
    assert set(listed) == {"items", "total", "page", "per_page"}
    assert api.get("/api/v1/policies?stage=nope").status_code == 422
    assert api.get(f"/api/v1/policies/{pid}").get_json()["document_number"] == f"15/{year}/NQ-HĐND"
    assert api.delete(f"/api/v1/policies/{pid}").status_code == 204
    assert api.get(f"/api/v1/policies/{pid}").status_code == 404


@pytest.mark.parametrize(("payload", "field", "words"), [
    ({"name": "   "}, "name", "tên chính sách"),
    ({"name": "X", "stage": "done"}, "stage", "Giai đoạn"),
    ({"name": "X", "stage": "issued"}, "document_number", "số văn bản"),
    ({"name": "X", "drafting_on": "2001-13-01"}, "drafting_on", "Ngày không hợp lệ"),
    ({"name": "X", "drafting_on": "2001-05-01", "issued_on": "2001-04-01", "stage": "issued",
      "document_number": "1/QĐ"}, "issued_on", "trước ngày"),
    ({"name": "X", "beat_id": 999999}, "beat_id", "lĩnh vực"),
    ({"name": "X", "consultation_open": "yes"}, "consultation_open", "true hoặc false"),
    ({"name": "X", "colour": "red"}, "colour", "không được hỗ trợ"),
])
def test_policy_validation_is_vietnamese_and_writes_nothing(api, payload, field, words):
    response = api.post("/api/v1/policies", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and words in error["fields"][field]
    assert _count(Policy) == 0


def test_roles(app, office, make_user, api_as, api):
    pid = api.post("/api/v1/policies", json={"name": "Chính sách A"}).get_json()["id"]
    viewer = api_as(make_user(office, "viewer", email="viewer@quangninh.gov.vn"))
    assert viewer.get("/api/v1/policies").status_code == 200
    assert viewer.get("/api/v1/plans").status_code == 200
    assert viewer.post("/api/v1/policies", json={"name": "B"}).status_code == 403
    assert viewer.patch(f"/api/v1/policies/{pid}", json={"name": "B"}).status_code == 403
    assert viewer.post("/api/v1/plans", json={"year": local_today().year}).status_code == 403
    spokesperson = api_as(make_user(office, "spokesperson", email="sp@quangninh.gov.vn"))
    assert spokesperson.post("/api/v1/policies", json={"name": "B"}).status_code == 403
    coordinator = api_as(make_user(office, "coordinator", email="co@quangninh.gov.vn"))
    assert coordinator.post("/api/v1/policies", json={"name": "B"}).status_code == 201
    note = support.comment(db.session.get(Policy, pid))
    db.session.commit()
    path = f"/api/v1/policies/{pid}/comments/{note.id}"
    assert viewer.patch(path, json={"status": "accepted"}).status_code == 403
    assert spokesperson.patch(path, json={"status": "accepted"}).status_code == 200


def test_links_and_service(api, office):
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people)
    other = domain.adhoc(office, people, title="Họp báo khác")
    first = support.policy(office, "Bảo vệ môi trường vịnh")
    second = support.policy(office, "An toàn giao thông")
    for policy_row in (first, second):
        answer = api.post(f"/api/v1/policies/{policy_row.id}/links", json={"kind": "briefing", "id": briefing.id})
        assert answer.status_code == 201
    again = api.post(f"/api/v1/policies/{first.id}/links", json={"kind": "briefing", "id": briefing.id})
    assert again.status_code == 200 and again.get_json()["briefing"] == [briefing.id]
    assert _count(PolicyBriefing) == 2
    assert policy_names_for_briefing(briefing.id) == ["An toàn giao thông", "Bảo vệ môi trường vịnh"]
    assert policy_names_for_briefing(other.id) == []
    assert [p.name for p in policies_for_office(office.id)] == ["An toàn giao thông", "Bảo vệ môi trường vịnh"]
    bad = api.post(f"/api/v1/policies/{first.id}/links", json={"kind": "memo", "id": briefing.id})
    assert bad.status_code == 422 and "Loại liên kết" in bad.get_json()["error"]["fields"]["kind"]
    missing = api.post(f"/api/v1/policies/{first.id}/links", json={"kind": "pack", "id": 424242})
    assert missing.status_code == 422 and "Không tìm thấy" in missing.get_json()["error"]["fields"]["id"]
    assert api.delete(f"/api/v1/policies/{first.id}/briefings/{briefing.id}").status_code == 204
    assert api.delete(f"/api/v1/policies/{first.id}/briefings/{briefing.id}").status_code == 404
    assert api.get(f"/api/v1/policies/{first.id}/links").get_json() == {
        "briefing": [], "pack": [], "question": [], "coverage": []}
    # Deleting the briefing removes its links (ON DELETE CASCADE).
    db.session.delete(briefing)
    db.session.commit()
    assert _count(PolicyBriefing) == 0


def test_links_to_another_offices_objects_are_refused(api, office, other_office):
    theirs = domain.adhoc(other_office, domain.journalists(other_office, 1, prefix="hn"))
    mine = support.policy(office)
    answer = api.post(f"/api/v1/policies/{mine.id}/links", json={"kind": "briefing", "id": theirs.id})
    assert answer.status_code == 422
    assert _count(PolicyBriefing) == 0


def test_plan_and_items(api, office):
    year = local_today().year
    pid = support.policy(office).id
    plan = api.post("/api/v1/plans", json={"year": year, "responsible": "Phòng Báo chí"})
    assert plan.status_code == 201
    body = plan.get_json()
    assert body["title"] == f"Kế hoạch truyền thông chính sách năm {year}" and body["items"] == []
    duplicate = api.post("/api/v1/plans", json={"year": year})
    assert duplicate.status_code == 422 and "đã có kế hoạch" in duplicate.get_json()["error"]["fields"]["year"]
    assert api.post("/api/v1/plans", json={"year": 1999}).status_code == 422
    plan_id = body["id"]
    item = api.post(f"/api/v1/plans/{plan_id}/items", json={
        "policy_id": pid, "planned_briefings": [1, 2, 0, 1], "planned_packs": [0, 1, 0, 0],
        "audience": {"beat_ids": [], "list_ids": []}, "responsible": "Sở Lao động"})
    assert item.status_code == 201, item.get_json()
    item_id = item.get_json()["id"]
    twice = api.post(f"/api/v1/plans/{plan_id}/items", json={"policy_id": pid})
    assert twice.status_code == 422 and "đã có trong kế hoạch" in twice.get_json()["error"]["fields"]["policy_id"]
    for bad in ({"planned_briefings": [1, 2, 3]}, {"planned_briefings": [1, -1, 0, 0]},
                {"audience": {"beat_ids": [999999]}}, {"policy_id": 999999}):
        answer = api.patch(f"/api/v1/plans/{plan_id}/items/{item_id}", json=bad)
        assert answer.status_code == 422, bad
    assert db.session.get(PlanItem, item_id).planned_briefings == [1, 2, 0, 1]
    changed = api.patch(f"/api/v1/plans/{plan_id}/items/{item_id}", json={"planned_packs": [1, 1, 1, 1]})
    assert changed.get_json()["planned_packs"] == [1, 1, 1, 1]
    assert api.get(f"/api/v1/plans?year={year}").get_json()["items"][0]["items"][0]["policy_id"] == pid
    assert api.get(f"/api/v1/policies?year={year}").get_json()["total"] == 1
    assert api.get(f"/api/v1/policies?year={year - 1}").get_json()["total"] == 0
    progress = api.get(f"/api/v1/plans/{plan_id}/progress").get_json()
    assert progress["policies"][0]["quarters"][1]["briefings_planned"] == 2
    assert api.patch(f"/api/v1/plans/{plan_id}", json={"title": "Kế hoạch sửa"}).get_json()["title"] == "Kế hoạch sửa"
    assert api.delete(f"/api/v1/plans/{plan_id}/items/{item_id}").status_code == 204
    assert api.delete(f"/api/v1/plans/{plan_id}").status_code == 204
    assert _count(CommunicationPlan) == 0 and db.session.get(Policy, pid) is not None


def test_item_of_another_plan_answers_404(api, office):
    pid = support.policy(office).id
    year = local_today().year
    first = api.post("/api/v1/plans", json={"year": year}).get_json()["id"]
    second = api.post("/api/v1/plans", json={"year": year + 1}).get_json()["id"]
    item = api.post(f"/api/v1/plans/{first}/items", json={"policy_id": pid}).get_json()["id"]
    assert api.patch(f"/api/v1/plans/{second}/items/{item}", json={"responsible": "x"}).status_code == 404


def test_comment_triage(api, office):
    policy_row = support.policy(office, consultation_open=True)
    note = support.comment(policy_row)
    db.session.commit()
    path = f"/api/v1/policies/{policy_row.id}/comments/{note.id}"
    listed = api.get(f"/api/v1/policies/{policy_row.id}/comments?status=pending").get_json()
    assert listed["total"] == 1 and listed["items"][0]["is_citizen"] is True
    refused = api.patch(path, json={"status": "answered"})
    assert refused.status_code == 422 and "trả lời" in refused.get_json()["error"]["fields"]["reply"]
    assert db.session.get(PolicyComment, note.id).status == "pending"
    bad = api.patch(path, json={"status": "closed"})
    assert bad.status_code == 422
    done = api.patch(path, json={"status": "answered", "reply": "Dự thảo đã tiếp thu ý kiến này."})
    assert done.status_code == 200
    assert done.get_json()["status"] == "answered" and done.get_json()["triaged_at"]
    assert api.get(f"/api/v1/policies/{policy_row.id}/comments?status=pending").get_json()["total"] == 0
    other = support.policy(office, "Chính sách khác")
    assert api.get(f"/api/v1/policies/{other.id}/comments/{note.id}").status_code == 404


def test_export_requires_a_known_format(api, office):
    plan = api.post("/api/v1/plans", json={"year": local_today().year}).get_json()["id"]
    answer = api.get(f"/api/v1/plans/{plan}/export?format=doc")
    assert answer.status_code == 422 and "xlsx" in answer.get_json()["error"]["fields"]["format"]
    assert api.get(f"/api/v1/plans/{plan}/export?format=xlsx").status_code == 200


def test_openapi_documents_every_policy_endpoint(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/policies", "/policies/{policy_id}", "/policies/{policy_id}/links",
                 "/policies/{policy_id}/briefings/{briefing_id}", "/policies/{policy_id}/comments/{comment_id}",
                 "/plans", "/plans/{plan_id}", "/plans/{plan_id}/items/{item_id}", "/plans/{plan_id}/progress",
                 "/plans/{plan_id}/export"):
        assert path in paths, path
