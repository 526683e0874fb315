"""Coverage found by itself: outlets' RSS/Atom feeds polled, new items matched to briefings, staff confirm."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.monitoring import api, tone_views, views  # noqa: F401 (api: routes on /api/v1; tone_views: on bp)

    app.register_blueprint(views.bp)
