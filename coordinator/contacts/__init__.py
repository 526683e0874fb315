"""The media-contact network: outlets, journalists, beats, distribution lists."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    # Importing the packages registers every module in them: api/ (outlets, journalists, imports, beats,
    # lists, spec) on the shared /api/v1 blueprint, views/ (journalists, outlets, beats, lists, imports) on bp.
    from coordinator.contacts import api, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
