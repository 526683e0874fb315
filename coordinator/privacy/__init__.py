"""Personal data (Law 91/2025/QH15): what the office holds on a journalist (export), erasure, requests from
the portal that staff carry out or refuse, the office's basis, purpose and retention period.

Consent records themselves live with the contacts (``contacts.operations.consent``): the importer, the
fan-outs' suppression and the network all need them. This package sits above every domain whose rows it
reads or erases; only the portal imports it.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff page (called once, by ``create_app``)."""
    from coordinator.privacy import views

    app.register_blueprint(views.bp)
