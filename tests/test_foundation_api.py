"""The API's frame: bearer tokens, JSON errors, pagination, office scoping, the OpenAPI document."""
from __future__ import annotations

from coordinator.extensions import db
from coordinator.users.models import ApiToken
from coordinator.users.operations import revoke_api_token
from tests.conftest import ApiClient


def test_missing_or_bad_token_is_401(client, admin):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer pbc_" + "x" * 43}):
        response = client.get("/api/v1/users", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_list_users_is_paginated_and_scoped(api, office, other_office, make_user):
    for _ in range(3):
        make_user(office, "viewer")
    make_user(other_office, "admin")
    body = api.get("/api/v1/users?per_page=2").get_json()
    assert body["total"] == 4 and body["page"] == 1 and body["per_page"] == 2
    assert len(body["items"]) == 2
    page2 = api.get("/api/v1/users?per_page=2&page=2").get_json()
    assert len(page2["items"]) == 2
    emails = {u["email"] for u in body["items"] + page2["items"]}
    assert all(email.endswith("quang-ninh.gov.vn") or email.startswith("admin@quangninh") for email in emails)


def test_bad_pagination_is_422(api):
    response = api.get("/api/v1/users?page=0&per_page=1000")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"page", "per_page"}


def test_other_offices_user_is_404_like_a_missing_one(api, other_office, make_user):
    stranger = make_user(other_office, "admin")
    theirs = api.get(f"/api/v1/users/{stranger.id}")
    missing = api.get("/api/v1/users/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json()["error"]["code"] == "not_found"


def test_get_user(api, admin):
    body = api.get(f"/api/v1/users/{admin.id}").get_json()
    assert body["email"] == admin.email and body["role"] == "admin"


def test_revoked_token_stops_working_and_last_use_is_recorded(client, admin, make_token):
    token = make_token(admin)
    api = ApiClient(client, token)
    assert api.get("/api/v1/users").status_code == 200
    row = db.session.scalar(db.select(ApiToken))
    db.session.refresh(row)
    assert row.last_used_at is not None
    revoke_api_token(row)
    db.session.commit()
    assert api.get("/api/v1/users").status_code == 401


def test_inactive_users_token_stops_working(client, admin, make_token):
    api = ApiClient(client, make_token(admin))
    admin.active = False
    db.session.commit()
    assert api.get("/api/v1/users").status_code == 401


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert "/users" in doc["paths"] and "/users/{user_id}" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_tokens_page_creates_lists_and_revokes(client, auth, admin):
    auth.login(admin.email)
    page = client.post("/admin/tokens", data={"name": "Cổng thông tin"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "pbc_" in html
    row = db.session.scalar(db.select(ApiToken))
    assert row.name == "Cổng thông tin"
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert "Đã thu hồi" in client.get("/admin/tokens").get_data(as_text=True)


def test_cannot_revoke_another_offices_token(client, auth, admin, other_office, make_user, make_token):
    stranger = make_user(other_office, "admin")
    make_token(stranger)
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == stranger.id))
    auth.login(admin.email)
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None
