"""Staff sessions that end: one ``UserSession`` row per signed-in browser. Functions flush, never commit.

The session cookie carries a random secret (stored here only as its SHA-256); every request finds the row by
it and refuses a row that is revoked, idle too long, of a deactivated user or of another office. Logging out
revokes the row; a password change, a role change and a deactivation revoke every row of the user, so a
cookie copied before any of these no longer works anywhere.

"Remember me" is a second cookie, ``<row id>.<secret>``, valid at most ``REMEMBER_COOKIE_DAYS`` (30) days from
the login. Each use replaces its secret (the old one is accepted for ``REMEMBER_GRACE_SECONDS`` more, for the
browser's requests already under way); a replaced secret presented later means the cookie was copied, and the
session is revoked.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from coordinator.core import audit, clock, uow
from coordinator.extensions import db
from coordinator.users.models import User, UserSession

LAST_SEEN_EVERY = timedelta(seconds=60)
MAX_REMEMBER_DAYS = 30


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(days=int(current_app.config["SESSION_MAX_IDLE_DAYS"]))


def remember_days() -> int:
    return max(1, min(MAX_REMEMBER_DAYS, int(current_app.config["REMEMBER_COOKIE_DAYS"])))


def is_live(row: UserSession) -> bool:
    user = row.user
    return (row.revoked_at is None and user is not None and user.active and user.office_id == row.office_id
            and row.last_seen_at > clock.now() - idle_limit())


def start(user: User, *, remember: bool, user_agent: str, ip: str) -> tuple[UserSession, str, str | None]:
    """A new session for ``user``: the row, the session secret, and the remember cookie's value (if asked)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = UserSession(user_id=user.id, office_id=user.office_id, token_hash=_hash(token), created_at=now,
                      last_seen_at=now, user_agent=(user_agent or "")[:255], ip=(ip or "")[:64])
    remember_secret = None
    if remember:
        remember_secret = secrets.token_urlsafe(32)
        row.remember_hash = _hash(remember_secret)
        row.remember_until = now + timedelta(days=remember_days())
    db.session.add(row)
    db.session.flush()
    return row, token, (f"{row.id}.{remember_secret}" if remember_secret else None)


def find(token: str) -> UserSession | None:
    """The live session whose secret is ``token``, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(UserSession).where(UserSession.token_hash == _hash(token)))
    return row if row is not None and is_live(row) else None


def touch(row: UserSession, *, user_agent: str, ip: str) -> None:
    """Note that the session was used (at most once a minute, so a busy page writes nothing more)."""
    now = clock.now()
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
        row.ip = (ip or "")[:64]
        row.user_agent = (user_agent or "")[:255]


def resume(cookie: str) -> tuple[UserSession, str | None, str | None] | None:
    """A session from a remember cookie: ``(row, new session secret, new cookie value)``, or None.

    A fresh secret replaces the presented one (both secrets rotate), in a short transaction of its own and
    only if nobody replaced it first, so the new cookie stays valid whatever the request answers and two
    requests racing with one cookie cannot both rotate it. The secret just replaced answers
    ``(row, None, None)`` for a few seconds (the browser's requests already under way) and, after that,
    revokes the session: the cookie was copied.
    """
    row_id, _, secret = (cookie or "").partition(".")
    if not row_id.isdigit() or not secret or len(secret) > 100 or len(row_id) > 18:
        return None
    row = db.session.get(UserSession, int(row_id), populate_existing=True)
    now = clock.now()
    if row is None or not is_live(row) or row.remember_hash is None or row.remember_until is None \
            or row.remember_until <= now:
        return None
    presented = _hash(secret)
    table = UserSession.__table__
    if hmac.compare_digest(presented, row.remember_hash):
        token, new_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with uow.independent() as connection:
            swapped = connection.execute(update(table).where(table.c.id == row.id,
                                                             table.c.remember_hash == presented).values(
                remember_previous_hash=presented, remember_rotated_at=now, remember_hash=_hash(new_secret),
                token_hash=_hash(token))).rowcount
        if swapped:
            return row, token, f"{row.id}.{new_secret}"
        return row, None, None  # another request rotated it a moment ago
    if row.remember_previous_hash and hmac.compare_digest(presented, row.remember_previous_hash):
        grace = timedelta(seconds=float(current_app.config["REMEMBER_GRACE_SECONDS"]))
        if row.remember_rotated_at is not None and now - row.remember_rotated_at <= grace:
            return row, None, None
        with uow.independent() as connection:
            connection.execute(update(table).where(table.c.id == row.id, table.c.revoked_at.is_(None)).values(
                revoked_at=now, revoked_reason="remember_reused"))
    return None


def revoke(row: UserSession, reason: str) -> None:
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        row.revoked_reason = reason[:40]
        db.session.flush()


def revoke_all(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End every session of ``user`` (but ``keep``); returns how many were live."""
    rows = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id,
                                                           UserSession.revoked_at.is_(None))).all()
    ended = 0
    for row in rows:
        if keep is not None and row.id == keep.id:
            continue
        revoke(row, reason)
        ended += 1
    if ended:
        audit.record("user.sessions_revoked", user, data={"reason": reason, "count": ended})
    return ended


def forget_old(keep_days: int = 90) -> int:
    """Delete sessions that ended (or went unused) more than ``keep_days`` ago; returns how many."""
    cutoff = clock.now() - timedelta(days=keep_days)
    rows = db.session.scalars(db.select(UserSession).where(
        (UserSession.revoked_at < cutoff) | (UserSession.last_seen_at < cutoff))).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


def active(user: User) -> list[UserSession]:
    """The user's sessions that still work, most recently used first."""
    rows = db.session.scalars(db.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
        UserSession.last_seen_at > clock.now() - idle_limit()).order_by(UserSession.last_seen_at.desc(),
                                                                          UserSession.id.desc())).all()
    return [row for row in rows if is_live(row)]


def device_label(user_agent: str) -> tuple[str, str]:
    """``("Chrome", "Windows")`` from a User-Agent header: browser and system, or empty strings."""
    ua = user_agent or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("CocCoc", "Cốc Cốc"),
                                              ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                              ("Chromium/", "Chromium"), ("Safari/", "Safari"))
                    if token in ua), "")
    system = next((name for token, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                             ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
                                             ("Linux", "Linux"))
                   if token in ua), "")
    return browser, system
