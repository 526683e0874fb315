"""Per-recipient signed download links (no password), like the invitation links."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from coordinator.contacts.models import Journalist
from coordinator.extensions import db
from coordinator.packs.models import Pack


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="pack-download")


def download_token(pack: Pack, journalist: Journalist) -> str:
    return _serializer().dumps([pack.id, journalist.id, pack.office_id])


def from_token(token: str) -> tuple[Pack, Journalist] | None:
    """The pack version and the journalist the link was made for, or None (bad, or another office's)."""
    try:
        pack_id, journalist_id, office_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    pack = db.session.get(Pack, pack_id)
    journalist = db.session.get(Journalist, journalist_id)
    if pack is None or journalist is None or pack.office_id != office_id or journalist.office_id != office_id:
        return None
    return pack, journalist
