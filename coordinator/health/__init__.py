"""``GET /healthz``: the database and Redis, each ``ok`` or what failed (503); and whether the provider
webhooks can be used (``webhooks``: ``ok``, or why they refuse every post; informative, never a 503)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from coordinator.core import tasks, uow
from coordinator.extensions import db

bp = Blueprint("health", __name__)

# The setting each webhook needs; without it the webhook answers 503 (coordinator.mail.webhooks,
# coordinator.invitations.inbound).
WEBHOOK_SETTINGS = ("SENDGRID_WEBHOOK_PUBLIC_KEY", "INBOUND_SECRET")


def webhook_status(config) -> str:
    missing = [name for name in WEBHOOK_SETTINGS if not config.get(name)]
    if not missing:
        return "ok"
    if config.get("DEV_INSECURE_WEBHOOKS"):
        return "insecure: DEV_INSECURE_WEBHOOKS=1 accepts unauthenticated posts (no " + ", ".join(missing) + ")"
    return "not configured: " + ", ".join(missing) + " not set, the webhooks answer 503"


@bp.get("/healthz")
def healthz():
    status = {}
    try:
        db.session.execute(text("SELECT 1"))
        status["database"] = "ok"
    except Exception as exc:  # report, never raise: this is what monitors read
        uow.abandon()
        status["database"] = f"error: {type(exc).__name__}"
    try:
        tasks.redis_connection().ping()
        status["redis"] = "ok"
    except Exception as exc:
        status["redis"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in status.values())
    status["webhooks"] = webhook_status(current_app.config)
    return jsonify(status), 200 if healthy else 503


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    app.register_blueprint(bp)
