"""The network of offices: multi-point briefings, packs across the network, shared contacts."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.network import api, reactions, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    reactions.connect()
