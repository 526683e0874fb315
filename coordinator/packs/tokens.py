"""Per-recipient signed download links (no password), like the invitation links: they carry the
journalist's ``links_version`` (staff can revoke them) and end ``JOURNALIST_LINK_DAYS`` after the pack's
release."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.tokens import link_days
from coordinator.packs.models import Pack


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="pack-download")


def download_token(pack: Pack, journalist: Journalist) -> str:
    return _serializer().dumps([pack.id, journalist.id, pack.office_id, journalist.links_version or 1])


def pack_link(token: str) -> tuple[tuple[Pack, Journalist] | None, str]:
    """((pack, journalist), "") for a live link; else (what it names if known, "invalid" | "expired" |
    "revoked"). Bad, or another office's: invalid."""
    try:
        pack_id, journalist_id, office_id, *rest = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    pack = db.session.get(Pack, pack_id) if isinstance(pack_id, int) else None
    journalist = db.session.get(Journalist, journalist_id) if isinstance(journalist_id, int) else None
    if pack is None or journalist is None or pack.office_id != office_id or journalist.office_id != office_id:
        return None, "invalid"
    if (rest[0] if rest else 1) != (journalist.links_version or 1):
        return (pack, journalist), "revoked"
    if pack.released_at is not None and clock.now() > pack.released_at + link_days():
        return (pack, journalist), "expired"
    return (pack, journalist), ""


def from_token(token: str) -> tuple[Pack, Journalist] | None:
    """The pack version and the journalist the link was made for, or None (bad, revoked, expired)."""
    found, problem = pack_link(token)
    return None if problem else found
