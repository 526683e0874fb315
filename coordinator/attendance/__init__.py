"""Attendance (check-in at the door, online self check-in, the roster), questions, coverage, and the
spokesperson's reports built on them."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    # api: routes on /api/v1; coverage_views: routes on views.bp (imported before it is registered)
    from coordinator.attendance import api, coverage_views, dashboard, reactions, report_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(report_views.bp)
    reactions.connect()
