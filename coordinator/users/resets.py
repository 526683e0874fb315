"""Forgot password: a link by mail, single use, valid ``RESET_VALID`` (1 hour). Functions flush, never commit.

The request only records an outbox event (``user.password_reset_requested``), and only for an active
account: the page answers the same whether or not the address has one. The worker then makes the link's
secret and mails it (``jobs/staff_mail.py``), so the secret is never written anywhere but into the mail: the
database keeps its SHA-256, the outbox event only the user's id. Setting the new password uses the link up
(and every other open link of that user), ends every session of the user and lifts a login lock.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from coordinator.core import audit, clock, events
from coordinator.extensions import db
from coordinator.users import operations
from coordinator.users.models import PasswordReset, User

RESET_VALID = timedelta(hours=1)
# At most this many links per account in ``BURST_WINDOW``: nobody can bury someone's inbox in them.
BURST_LIMIT = 3
BURST_WINDOW = timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> None:
    """Ask for a link to be mailed to ``email``, if it is an active account's (says nothing either way)."""
    user = operations.get_user_by_email(email)
    if user is None or not user.active:
        return
    recent = db.session.scalar(db.select(db.func.count(PasswordReset.id)).where(
        PasswordReset.user_id == user.id, PasswordReset.created_at > clock.now() - BURST_WINDOW)) or 0
    if recent >= BURST_LIMIT:
        return
    audit.record("user.password_reset_requested", user, actor_user_id=user.id, actor_label=user.email)
    events.emit("user.password_reset_requested", office_id=user.office_id, payload={"user_id": user.id})


def new_secret() -> str:
    """A link secret (256 bits); :func:`store` keeps its hash once the mail carrying it is sent."""
    return secrets.token_urlsafe(32)


def store(user: User, token: str) -> PasswordReset:
    """Keep the hash of link secret ``token`` for ``user``, valid ``RESET_VALID`` from now."""
    row = PasswordReset(user_id=user.id, token_hash=_hash(token), expires_at=clock.now() + RESET_VALID)
    db.session.add(row)
    db.session.flush()
    return row


def issue(user: User) -> str:
    """A new link secret for ``user``, stored hashed; returns the secret."""
    token = new_secret()
    store(user, token)
    return token


def find(token: str) -> PasswordReset | None:
    """The open link whose secret is ``token``: not used, not expired, of an active user; else None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= clock.now() or not row.user.active:
        return None
    return row


def complete(row: PasswordReset, password: str) -> None:
    """Set the new password from link ``row`` (raises ``ValidationError`` if the rule refuses it, changing
    nothing); the link and every other open link of the user are used up."""
    operations.set_password(row.user, password)
    now = clock.now()
    table = PasswordReset.__table__
    db.session.execute(table.update().where(table.c.user_id == row.user_id, table.c.used_at.is_(None))
                       .values(used_at=now))
    db.session.expire(row, ["used_at"])
    audit.record("user.password_reset", row.user, actor_user_id=row.user_id, actor_label=row.user.email)
