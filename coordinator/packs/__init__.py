"""Briefing packs: documents for a briefing (or a standalone press release), approved, released under
embargo rules, distributed to journalists with signed download links, corrected by new versions, and
published in the office's public newsroom."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.packs import api, dashboard, mail_about, newsroom, reactions, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    app.register_blueprint(newsroom.bp)
    reactions.connect()
    mail_about.connect()
