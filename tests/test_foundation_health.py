"""/healthz reports each part, and 503 with the failing part."""
from __future__ import annotations


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "redis": "ok"}


def test_healthz_reports_redis_down(make_app, tmp_path):
    app = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok" and body["redis"].startswith("error")


def test_healthz_reports_database_down(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/x/y.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["redis"] == "ok" and body["database"].startswith("error")
