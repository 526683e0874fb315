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
    from coordinator.core import limits
    from coordinator.extensions import db

    limits.init_app(app, [mapper.class_ for mapper in db.Model.registry.mappers])
    _register_blueprints(app)

    from coordinator import cli, security
    from coordinator.core import i18n
    from coordinator.web import errors, navigation

    i18n.init_app(app)
    security.init_app(app)
    from coordinator.auth import twofactor

    # After i18n's hook, which loads the signed-in user afresh: the gate then sees this request's user.
    app.before_request(twofactor.gate)
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


# Every domain registers itself (its blueprints, its API endpoints, its reactions) in its package's
# ``init_app``; this list is the only place that names them.
DOMAINS = ("health", "auth", "web", "admin", "mail", "contacts", "schedule", "invitations", "packs",
           "attendance", "monitoring", "policies", "network", "privacy", "portal")


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in DOMAINS:
        import_module(f"coordinator.{name}").init_app(app)
    from coordinator.api import bp as api_bp

    app.register_blueprint(api_bp)  # last: every domain has added its endpoints to it
