"""Issue 26.5: API tokens have a scope enforced on every endpoint (read-only reads; writes need read-write;
the office's staff and administration need admin), an expiry, a last-used time; they are stored as a
SHA-256 hash only, shown and revocable on the staff token page."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coordinator.contacts.models import Beat
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.users.models import ApiToken
from coordinator.users.operations import create_api_token
from tests.conftest import ApiClient


def token_for(user, scope: str | None = None, days: int | None = None) -> str:
    _row, token = create_api_token(user, "test", scope=scope, days=days)
    db.session.commit()
    return token


def beats() -> int:
    return db.session.scalar(select(func.count()).select_from(Beat))


def test_a_read_only_token_reads_and_cannot_write(client, admin):
    api = ApiClient(client, token_for(admin, "read_only"))
    assert api.get("/api/v1/journalists").status_code == 200
    assert client.head("/api/v1/journalists", headers=api.headers).status_code == 200
    before = beats()
    for method, path, body in (("post", "/api/v1/beats", {"name": "Y tế"}),
                               ("post", "/api/v1/network/offers", {"journalist_ids": [1]})):
        refused = getattr(api, method)(path, json=body)
        assert refused.status_code == 403, path
        error = refused.get_json()["error"]
        assert error["code"] == "forbidden" and "chỉ được đọc" in error["message"]
        assert set(error) == {"code", "message", "fields"}
    assert beats() == before


def test_a_read_write_token_writes_but_does_not_administer(client, admin):
    api = ApiClient(client, token_for(admin, "read_write"))
    assert api.post("/api/v1/beats", json={"name": "Y tế"}).status_code == 201
    for refused in (api.get("/api/v1/users"), api.get(f"/api/v1/users/{admin.id}"),
                    api.post("/api/v1/network/offers", json={"journalist_ids": [1], "audience": "all"})):
        assert refused.status_code == 403 and "quyền quản trị" in refused.get_json()["error"]["message"]
    admin_api = ApiClient(client, token_for(admin, "admin"))
    assert admin_api.get("/api/v1/users").status_code == 200


def test_the_role_still_limits_a_token_and_only_admins_get_the_admin_scope(client, office, make_user):
    viewer = make_user(office, "viewer", email="xem@quangninh.gov.vn")
    with pytest.raises(ValidationError) as refused:
        create_api_token(viewer, "x", scope="admin")
    assert "scope" in refused.value.fields
    db.session.rollback()
    with pytest.raises(ValidationError) as bad_days:
        create_api_token(viewer, "x", scope="read_only", days=10_000)
    assert "days" in bad_days.value.fields
    db.session.rollback()
    api = ApiClient(client, token_for(viewer, "read_write"))
    assert api.post("/api/v1/beats", json={"name": "Y tế"}).status_code == 403  # the role says no


def test_an_expired_token_is_refused_and_last_use_is_recorded(client, clock, admin):
    token = token_for(admin, "admin", days=30)
    api = ApiClient(client, token)
    row = db.session.scalar(select(ApiToken))
    assert row.last_used_at is None
    assert row.expires_at - row.created_at == timedelta(days=30)
    assert api.get("/api/v1/users").status_code == 200
    db.session.refresh(row)
    first = row.last_used_at
    assert first is not None
    clock.pin(first + timedelta(days=3))
    assert api.get("/api/v1/users").status_code == 200
    db.session.refresh(row)
    assert row.last_used_at >= first + timedelta(days=3)
    clock.pin(row.created_at + timedelta(days=30, seconds=1))
    expired = api.get("/api/v1/users")
    assert expired.status_code == 401
    assert expired.get_json()["error"]["code"] == "unauthorized" and "hết hạn" in expired.get_json()["error"]["message"]


def test_only_a_hash_is_stored(app, admin):
    token = token_for(admin)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr([getattr(row, column.key) for column in ApiToken.__table__.columns])


def test_the_token_page_creates_shows_and_revokes(client, auth, office, admin, make_user):
    coordinator = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    theirs, _token = create_api_token(coordinator, "Cổng tỉnh", scope="read_write", days=90)
    db.session.commit()
    auth.login(coordinator.email)
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert 'value="admin"' not in page  # no admin scope offered to a coordinator
    refused = client.post("/admin/tokens", data={"name": "x", "scope": "admin", "days": "30"})
    assert refused.status_code == 422 and "Chỉ quản trị viên được tạo mã quản trị." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1
    auth.logout()

    auth.login(admin.email)
    created = client.post("/admin/tokens", data={"name": "Báo cáo", "scope": "read_only", "days": "30"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and 'id="new-token"' in html
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Báo cáo"))
    assert row.scope == "read_only" and row.expires_at - row.created_at == timedelta(days=30)
    # The admin sees the office's tokens, the coordinator's too, with scope, expiry and last use.
    assert "Cổng tỉnh" in html and "dieuphoi@quangninh.gov.vn" in html and "Chỉ đọc" in html
    assert "Đọc và ghi" in html and "Chưa dùng" in html
    assert client.post(f"/admin/tokens/{theirs.id}/revoke").status_code == 302
    db.session.refresh(theirs)
    assert theirs.revoked_at is not None


def test_the_cli_gives_a_scope_and_a_lifetime(runner, office, make_user):
    viewer = make_user(office, "viewer", email="xem@quangninh.gov.vn")
    made = runner.invoke(args=["create-api-token", viewer.email, "--scope", "read_only", "--days", "7"])
    assert made.exit_code == 0, made.output
    row = db.session.scalar(select(ApiToken))
    assert row.scope == "read_only" and row.expires_at - row.created_at == timedelta(days=7)
    refused = runner.invoke(args=["create-api-token", viewer.email, "--scope", "admin"])
    assert refused.exit_code == 1 and "scope" in refused.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1
