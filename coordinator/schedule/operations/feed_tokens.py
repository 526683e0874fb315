"""Personal calendar feed tokens: issued, rotated and revoked per journalist. Only a token's hash and the
salt it is derived from (with SECRET_KEY) are stored, so the portal can show the same URL again."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from coordinator.core import audit, clock
from coordinator.core.errors import NotFound
from coordinator.extensions import db
from coordinator.schedule.models import JournalistFeedToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _journalist(office_id: int, journalist_id: int) -> Any:
    from coordinator.contacts.models import Journalist

    journalist = db.session.get(Journalist, journalist_id)
    if journalist is None or journalist.office_id != office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    return journalist


def _derive_token(salt: str) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"feed-token:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def feed_token_of(row: JournalistFeedToken) -> str:
    """The token of a row, recomputed from its salt and SECRET_KEY (never stored)."""
    return _derive_token(row.salt)


def issue_feed_token(office_id: int, journalist_id: int) -> tuple[JournalistFeedToken, str]:
    """A new personal feed token for a journalist (only its hash and a salt are stored)."""
    _journalist(office_id, journalist_id)
    salt = secrets.token_hex(16)
    token = _derive_token(salt)
    row = JournalistFeedToken(office_id=office_id, journalist_id=journalist_id, token_hash=_hash(token),
                              salt=salt, prefix=token[:8])
    db.session.add(row)
    db.session.flush()
    audit.record("feed_token.issued", row, data={"journalist_id": journalist_id, "prefix": row.prefix})
    return row, token


def revoke_feed_tokens(office_id: int, journalist_id: int) -> int:
    _journalist(office_id, journalist_id)
    now = clock.now()
    result = db.session.execute(update(JournalistFeedToken).where(
        JournalistFeedToken.office_id == office_id, JournalistFeedToken.journalist_id == journalist_id,
        JournalistFeedToken.revoked_at.is_(None)).values(revoked_at=now))
    audit.record("feed_token.revoked", ("journalist", journalist_id), office_id=office_id)
    return result.rowcount or 0


def rotate_feed_token(office_id: int, journalist_id: int) -> tuple[JournalistFeedToken, str]:
    """Revoke every live token of the journalist and issue a new one (the old URL stops working)."""
    revoke_feed_tokens(office_id, journalist_id)
    return issue_feed_token(office_id, journalist_id)


def personal_feed_token(office_id: int, journalist_id: int) -> str:
    """The journalist's current personal feed token (the portal shows it on every visit); one is issued
    if they have none. Flushes only: the caller commits, or a newly issued token is lost."""
    row = active_feed_tokens(office_id, [journalist_id]).get(journalist_id)
    if row is not None:
        return feed_token_of(row)
    return issue_feed_token(office_id, journalist_id)[1]


def authenticate_feed_token(token: str) -> JournalistFeedToken | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(JournalistFeedToken).where(
        JournalistFeedToken.token_hash == _hash(token), JournalistFeedToken.revoked_at.is_(None)))


def active_feed_tokens(office_id: int, journalist_ids: Iterable[int]) -> dict[int, JournalistFeedToken]:
    ids = list(journalist_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(JournalistFeedToken).where(
        JournalistFeedToken.office_id == office_id, JournalistFeedToken.journalist_id.in_(ids),
        JournalistFeedToken.revoked_at.is_(None)).order_by(JournalistFeedToken.created_at))
    return {row.journalist_id: row for row in rows}

# What the package (``schedule.operations``) offers from this module.
__all__ = ["_derive_token", "_hash", "_journalist", "active_feed_tokens", "authenticate_feed_token",
    "feed_token_of", "issue_feed_token", "personal_feed_token", "revoke_feed_tokens", "rotate_feed_token"]
