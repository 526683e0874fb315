"""Policies and the annual communication plan: each policy's communication measured from drafting to
implementation (briefings, packs, questions, coverage and public consultation comments)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.policies import api, consult, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    app.register_blueprint(consult.bp)
