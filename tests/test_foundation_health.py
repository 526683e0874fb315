"""/healthz reports each part, and 503 with the failing part."""
from __future__ import annotations


def test_healthz_ok(make_app):
    app = make_app(SENDGRID_WEBHOOK_PUBLIC_KEY="a-key", INBOUND_SECRET="an-inbound-secret-1234")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "redis": "ok", "webhooks": "ok"}


def test_healthz_says_why_the_webhooks_refuse(make_app):
    """Without their keys the webhooks answer 503: the health endpoint names what is missing (but the app
    itself is up: 200)."""
    response = make_app(INBOUND_SECRET="an-inbound-secret-1234").test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["webhooks"] == \
        "not configured: SENDGRID_WEBHOOK_PUBLIC_KEY not set, the webhooks answer 503"
    neither = make_app().test_client().get("/healthz").get_json()["webhooks"]
    assert neither.startswith("not configured: SENDGRID_WEBHOOK_PUBLIC_KEY, INBOUND_SECRET")
    local = make_app(DEV_INSECURE_WEBHOOKS=True).test_client().get("/healthz").get_json()["webhooks"]
    assert local.startswith("insecure: DEV_INSECURE_WEBHOOKS=1")


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
