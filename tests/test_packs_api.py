"""Packs through the API (CONTRACT.md shapes): create with files, submit, approve, reject, release;
roles, the two-approver rule, state conflicts, another office's ids, the OpenAPI document."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack
from tests.support import domain
from tests.support import packs as files


def multipart(title="Thông cáo báo chí", body=None, embargo_until=None, uploads=None, **extra):
    data = {"title": title, **extra}
    if body is not None:
        data["body"] = body
    if embargo_until is not None:
        data["embargo_until"] = embargo_until
    data["files"] = [(io.BytesIO(content), name) for name, content in (uploads or [])]
    return data


def post_pack(api, briefing_id, **kwargs):
    return api.client.post(f"/api/v1/briefings/{briefing_id}/packs", data=multipart(**kwargs),
                           headers=api.headers, content_type="multipart/form-data")


@pytest.fixture
def briefing(office):
    people = domain.journalists(office, 2)
    return domain.adhoc(office, people)


@pytest.fixture
def roles(office, make_user, api_as, admin):
    return {"admin": api_as(admin),
            "coordinator": api_as(make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")),
            "spokesperson": api_as(make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")),
            "spokesperson2": api_as(make_user(office, "spokesperson", email="phatngon2@quangninh.gov.vn")),
            "viewer": api_as(make_user(office, "viewer", email="xem@quangninh.gov.vn"))}


def test_create_pack_with_files_answers_the_contract_shape(roles, briefing):
    embargo = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    response = post_pack(roles["coordinator"], briefing.id, title="Tài liệu họp báo <script>alert(1)</script>",
                         body='<p onclick="x()">Nội dung <script>alert(1)</script><a href="javascript:x">l</a></p>',
                         embargo_until=embargo.isoformat(),
                         uploads=[("Báo cáo tình hình.pdf", files.pdf()), ("Số liệu.xlsx", files.xlsx()),
                                  ("Ảnh hiện trường.png", files.png())])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) >= {"id", "status", "version", "embargo_until", "files", "approvals"}
    assert body["status"] == "draft" and body["version"] == 1 and body["approvals"] == []
    assert datetime.fromisoformat(body["embargo_until"]) == embargo
    assert [f["name"] for f in body["files"]] == ["Báo cáo tình hình.pdf", "Số liệu.xlsx", "Ảnh hiện trường.png"]
    assert [f["content_type"] for f in body["files"]] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "image/png"]
    assert all(f["size"] > 0 for f in body["files"])
    # The title is kept as text (escaped wherever shown); the body lost its script, handler and javascript: link.
    assert body["title"] == "Tài liệu họp báo <script>alert(1)</script>"
    assert "<script" not in body["body"] and "onclick" not in body["body"] and "javascript:" not in body["body"]
    assert "Nội dung" in body["body"]
    again = roles["viewer"].get(f"/api/v1/packs/{body['id']}")
    assert again.status_code == 200 and again.get_json()["files"] == body["files"]


def test_full_approval_flow_and_audit(roles, briefing, app):
    created = post_pack(roles["coordinator"], briefing.id, uploads=[("a.pdf", files.pdf())]).get_json()
    pack_id = created["id"]
    assert roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit").get_json()["status"] == "submitted"
    approved = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    (approval,) = approved.get_json()["approvals"]
    assert approval["decision"] == "approved" and approval["user"] == "phatngon@quangninh.gov.vn"
    event = db.session.scalar(select(OutboxEvent).where(OutboxEvent.kind == "pack.release_due"))
    assert event.payload == {"pack_id": pack_id}
    released = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/release")
    assert released.status_code == 200 and released.get_json()["status"] == "released"
    actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.target_type == "pack",
                                                                    AuditLog.target_id == pack_id)
                                      .order_by(AuditLog.id)))
    assert actions == ["pack.created", "pack.submitted", "pack.approved", "pack.release_scheduled", "pack.released"]


def test_reject_needs_a_reason_and_goes_back_to_draft(roles, briefing):
    pack_id = post_pack(roles["coordinator"], briefing.id).get_json()["id"]
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    missing = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/reject", json={})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    rejected = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/reject", json={"reason": "Sai số liệu quý III"})
    body = rejected.get_json()
    assert rejected.status_code == 200 and body["status"] == "draft"
    assert body["rejection_reason"] == "Sai số liệu quý III"
    assert body["approvals"][0]["decision"] == "rejected" and body["approvals"][0]["reason"] == "Sai số liệu quý III"


def test_roles(roles, briefing):
    assert post_pack(roles["viewer"], briefing.id).status_code == 403
    assert post_pack(roles["spokesperson"], briefing.id).status_code == 403
    pack_id = post_pack(roles["coordinator"], briefing.id).get_json()["id"]
    assert roles["viewer"].post(f"/api/v1/packs/{pack_id}/submit").status_code == 403
    assert roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit").status_code == 200
    for who in ("viewer", "coordinator"):
        response = roles[who].post(f"/api/v1/packs/{pack_id}/approve")
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
        assert roles[who].post(f"/api/v1/packs/{pack_id}/reject", json={"reason": "x"}).status_code == 403
    assert roles["admin"].post(f"/api/v1/packs/{pack_id}/approve").status_code == 200
    assert roles["coordinator"].post(f"/api/v1/packs/{pack_id}/release").status_code == 403


def test_bad_transitions_answer_409(roles, briefing):
    pack_id = post_pack(roles["coordinator"], briefing.id).get_json()["id"]
    for action in ("approve", "release"):
        response = roles["admin"].post(f"/api/v1/packs/{pack_id}/{action}")
        assert response.status_code == 409 and response.get_json()["error"]["message"]
    assert roles["admin"].post(f"/api/v1/packs/{pack_id}/reject", json={"reason": "x"}).status_code == 409
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    assert roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit").status_code == 409
    edit = roles["coordinator"].patch(f"/api/v1/packs/{pack_id}", json={"title": "Khác"})
    assert edit.status_code == 409
    roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    assert roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve").status_code == 409


def test_release_before_embargo_is_refused_unless_sent_under_embargo(roles, briefing):
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    pack_id = post_pack(roles["coordinator"], briefing.id, embargo_until=later).get_json()["id"]
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    body = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve").get_json()
    assert body["status"] == "approved"
    assert datetime.fromisoformat(body["release_due_at"]) == datetime.fromisoformat(later)
    response = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/release")
    assert response.status_code == 409 and "embargo" in response.get_json()["error"]["message"]


def test_two_approvers_required(roles, briefing, office, admin):
    ops.update_settings(office.id, two_approvers=True)
    db.session.commit()
    # An admin who drafted and submitted the pack may not approve it.
    pack_id = post_pack(roles["admin"], briefing.id).get_json()["id"]
    roles["admin"].post(f"/api/v1/packs/{pack_id}/submit")
    own = roles["admin"].post(f"/api/v1/packs/{pack_id}/approve")
    assert own.status_code == 403
    assert "hai người duyệt" in own.get_json()["error"]["message"]
    first = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve").get_json()
    assert first["status"] == "submitted" and first["approvals_needed"] == 2
    twice = roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    assert twice.status_code == 409
    second = roles["spokesperson2"].post(f"/api/v1/packs/{pack_id}/approve").get_json()
    assert second["status"] == "approved" and len(second["approvals"]) == 2


def test_two_approvers_count_per_submission(roles, briefing, office):
    ops.update_settings(office.id, two_approvers=True)
    db.session.commit()
    pack_id = post_pack(roles["coordinator"], briefing.id).get_json()["id"]
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    roles["spokesperson2"].post(f"/api/v1/packs/{pack_id}/reject", json={"reason": "Thiếu ảnh"})
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    # The approval of the earlier round does not count any more.
    body = roles["spokesperson2"].post(f"/api/v1/packs/{pack_id}/approve").get_json()
    assert body["status"] == "submitted"
    assert roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve").get_json()["status"] == "approved"


def test_frozen_pack_edit_makes_a_new_version(roles, briefing):
    pack_id = post_pack(roles["coordinator"], briefing.id, uploads=[("a.pdf", files.pdf())]).get_json()["id"]
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/release")
    response = roles["coordinator"].patch(f"/api/v1/packs/{pack_id}", json={"summary": "Số liệu đã đính chính"})
    assert response.status_code == 201
    new = response.get_json()
    assert new["id"] != pack_id and new["version"] == 2 and new["status"] == "draft"
    assert new["root_id"] == pack_id and new["summary"] == "Số liệu đã đính chính"
    assert [f["name"] for f in new["files"]] == ["a.pdf"]
    old = roles["coordinator"].get(f"/api/v1/packs/{pack_id}").get_json()
    assert old["status"] == "released" and old["summary"] == ""
    # Only the newest version can be edited; the new one needs approval again.
    assert roles["coordinator"].patch(f"/api/v1/packs/{pack_id}", json={"title": "x"}).status_code == 409
    assert roles["spokesperson"].post(f"/api/v1/packs/{new['id']}/approve").status_code == 409
    edited = roles["coordinator"].patch(f"/api/v1/packs/{new['id']}", json={"title": "Tiêu đề mới"})
    assert edited.status_code == 200 and edited.get_json()["id"] == new["id"]


def test_approved_unreleased_pack_edit_voids_its_release(roles, briefing):
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    pack_id = post_pack(roles["coordinator"], briefing.id, release_at=later).get_json()["id"]
    roles["coordinator"].post(f"/api/v1/packs/{pack_id}/submit")
    roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/approve")
    new = roles["coordinator"].patch(f"/api/v1/packs/{pack_id}", json={"title": "Bản sửa"}).get_json()
    assert new["version"] == 2
    assert db.session.get(Pack, pack_id).superseded_at is not None
    assert roles["spokesperson"].post(f"/api/v1/packs/{pack_id}/release").status_code == 409


def test_standalone_press_release_and_lists(roles, briefing):
    response = roles["coordinator"].client.post(
        "/api/v1/packs", data=multipart(title="Thông cáo độc lập", uploads=[("tt.pdf", files.pdf())],
                                        summary="Tóm tắt", language="en"),
        headers=roles["coordinator"].headers, content_type="multipart/form-data")
    assert response.status_code == 201
    body = response.get_json()
    assert body["briefing_id"] is None and body["language"] == "en" and body["summary"] == "Tóm tắt"
    json_created = roles["coordinator"].post("/api/v1/packs", json={"title": "JSON", "briefing_id": briefing.id})
    assert json_created.status_code == 201 and json_created.get_json()["briefing_id"] == briefing.id
    listing = roles["viewer"].get("/api/v1/packs?status=draft").get_json()
    assert listing["total"] == 2 and {"items", "page", "per_page"} <= set(listing)
    assert roles["viewer"].get(f"/api/v1/briefings/{briefing.id}/packs").get_json()["total"] == 1
    assert roles["viewer"].get("/api/v1/packs?status=bogus").status_code == 422


def test_audience_extension_is_validated(roles, briefing):
    bad = post_pack(roles["coordinator"], briefing.id, beats="khong-co-linh-vuc-nay")
    assert bad.status_code == 422 and "audience" in bad.get_json()["error"]["fields"]
    bad_time = post_pack(roles["coordinator"], briefing.id, embargo_until="ngày mai")
    assert bad_time.status_code == 422 and "embargo_until" in bad_time.get_json()["error"]["fields"]
    missing = post_pack(roles["coordinator"], briefing.id, title="")
    assert missing.status_code == 422 and "title" in missing.get_json()["error"]["fields"]


def test_another_offices_ids_answer_404(roles, briefing, other_office, make_user, make_token, client):
    from tests.conftest import ApiClient

    pack_id = post_pack(roles["coordinator"], briefing.id).get_json()["id"]
    stranger = ApiClient(client, make_token(make_user(other_office, "admin", email="admin@hanoi.gov.vn")))
    assert post_pack(stranger, briefing.id).status_code == 404
    assert stranger.get(f"/api/v1/briefings/{briefing.id}/packs").status_code == 404
    assert stranger.get(f"/api/v1/packs/{pack_id}").status_code == 404
    assert stranger.patch(f"/api/v1/packs/{pack_id}", json={"title": "x"}).status_code == 404
    assert stranger.get(f"/api/v1/packs/{pack_id}/downloads").status_code == 404
    for action in ("submit", "approve", "reject", "release"):
        assert stranger.post(f"/api/v1/packs/{pack_id}/{action}", json={"reason": "x"}).status_code == 404
    standalone = stranger.post("/api/v1/packs", json={"title": "x", "briefing_id": briefing.id})
    assert standalone.status_code == 404
    assert stranger.get("/api/v1/packs").get_json()["total"] == 0


def test_openapi_describes_the_pack_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/briefings/{briefing_id}/packs"]
    for path in ("/packs/{pack_id}/submit", "/packs/{pack_id}/approve", "/packs/{pack_id}/reject",
                 "/packs/{pack_id}/release"):
        assert "post" in paths[path]
    assert "get" in paths["/packs/{pack_id}"] and "patch" in paths["/packs/{pack_id}"]
    assert "multipart/form-data" in paths["/briefings/{briefing_id}/packs"]["post"]["requestBody"]["content"]
