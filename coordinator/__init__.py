"""Press-briefing coordinator: the application factory."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from coordinator.config import default_instance_path, load_config

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides what the environment gives (tests use it)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH") or default_instance_path())
    instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "coordinator" / "static"),
    )
    app.config.update(load_config(instance_path))
    if config:
        app.config.update(config)

    from coordinator.core import logging as request_logging

    request_logging.init_app(app)
    _init_extensions(app)
    from coordinator.core import uow

    uow.init_app(app)
    _register_models()
    _register_blueprints(app)

    from coordinator import cli, security
    from coordinator.core import i18n
    from coordinator.web import errors, navigation

    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    cli.init_app(app)
    logging.getLogger(__name__).debug("app created for %s", app.config["SQLALCHEMY_DATABASE_URI"])
    return app


def _init_extensions(app: Flask) -> None:
    from coordinator.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"


def _register_models() -> None:
    """Import every domain's models so metadata (and Alembic) sees all tables."""
    from coordinator import models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from coordinator.admin.views import bp as admin_bp
    from coordinator.api import bp as api_bp
    from coordinator.attendance.report_views import bp as reports_bp
    from coordinator.attendance.views import bp as attendance_bp
    from coordinator.auth.views import bp as auth_bp
    from coordinator.contacts.views import bp as contacts_bp
    from coordinator.health import bp as health_bp
    from coordinator.invitations.inbound import bp as inbound_bp
    from coordinator.invitations.portal import bp as portal_bp
    from coordinator.invitations.views import bp as invitations_bp
    from coordinator.mail.webhooks import bp as webhooks_bp
    from coordinator.monitoring import api as monitoring_api  # noqa: F401 - its routes join the API blueprint
    from coordinator.network import api as network_api  # noqa: F401 - its routes join the API blueprint
    from coordinator.network.views import bp as network_bp
    from coordinator.packs.newsroom import bp as newsroom_bp
    from coordinator.packs.public import bp as packs_public_bp
    from coordinator.packs.views import bp as packs_bp
    from coordinator.schedule.feeds import bp as calendar_bp
    from coordinator.schedule.views import bp as schedule_bp
    from coordinator.web.views import bp as web_bp

    for blueprint in (health_bp, auth_bp, web_bp, admin_bp, api_bp, webhooks_bp, contacts_bp, schedule_bp,
                      calendar_bp, invitations_bp, portal_bp, inbound_bp):
        app.register_blueprint(blueprint)
    for blueprint in (packs_bp, packs_public_bp, newsroom_bp):
        app.register_blueprint(blueprint)
    for blueprint in (attendance_bp, reports_bp):
        app.register_blueprint(blueprint)
    from coordinator.monitoring.views import bp as monitoring_bp

    app.register_blueprint(monitoring_bp)
    from coordinator.policies.consult import bp as consult_bp
    from coordinator.policies.views import bp as policies_bp

    for blueprint in (policies_bp, consult_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(network_bp)
