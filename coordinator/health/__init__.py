"""``GET /healthz``: the database and Redis, each ``ok`` or what failed (503)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from coordinator.core import tasks, uow
from coordinator.extensions import db

bp = Blueprint("health", __name__)


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
    return jsonify(status), 200 if healthy else 503


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    app.register_blueprint(bp)
