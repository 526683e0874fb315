"""Per-account login lockout with back-off, shared by every web worker through the database.

After ``LOGIN_LOCK_AFTER`` (5) failed logins for one e-mail address, the address is locked for
``LOGIN_LOCK_MINUTES`` (1); each further failure once the lock has ended doubles it, up to
``LOGIN_LOCK_MAX_MINUTES`` (60). A successful login (or a new password) clears the count; a day without a
failure forgets it. Unknown addresses are counted and locked the same way, so a lock says nothing about
whether an account exists.

The count is bookkeeping every worker must see at once, whatever becomes of the request (a refused login
answers 4xx and rolls back): it goes through its own short transaction (``uow.independent``), with atomic
increments, so parallel attempts from many places are all counted.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coordinator.core import clock, uow
from coordinator.extensions import db
from coordinator.users.models import LoginThrottle

FORGET_AFTER = timedelta(days=1)
_table = LoginThrottle.__table__


def _key(email: str) -> str:
    return (email or "").strip().lower()[:255]


def lock_minutes(failures: int) -> int:
    """How long the ``failures``-th failure locks the address (0: not locked)."""
    config = current_app.config
    after = int(config["LOGIN_LOCK_AFTER"])
    if failures < after:
        return 0
    return min(int(config["LOGIN_LOCK_MAX_MINUTES"]), int(config["LOGIN_LOCK_MINUTES"]) * 2 ** (failures - after))


def locked_until(email: str) -> datetime | None:
    """When the lock on ``email`` ends, if it is locked now."""
    with uow.independent() as connection:
        until = connection.scalar(select(_table.c.locked_until).where(_table.c.email == _key(email)))
    return until if until is not None and until > clock.now() else None


def minutes_left(until: datetime) -> int:
    return max(1, math.ceil((until - clock.now()).total_seconds() / 60))


def record_failure(email: str) -> datetime | None:
    """Count a failed login for ``email``; returns when the lock it caused ends (None: not locked)."""
    key, now = _key(email), clock.now()
    with uow.independent() as connection:
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(insert(_table).values(email=key, failures=0).on_conflict_do_nothing(
            index_elements=["email"]))
        connection.execute(update(_table).where(_table.c.email == key, _table.c.last_failure_at < now - FORGET_AFTER)
                           .values(failures=0))
        connection.execute(update(_table).where(_table.c.email == key)
                           .values(failures=_table.c.failures + 1, last_failure_at=now))
        failures = connection.scalar(select(_table.c.failures).where(_table.c.email == key))
        minutes = lock_minutes(failures)
        if not minutes:
            return None
        until = now + timedelta(minutes=minutes)
        connection.execute(update(_table).where(_table.c.email == key).values(locked_until=until))
    return until


def clear(email: str) -> None:
    """Forget the failures of ``email`` (it logged in, or its password was set anew): part of that unit."""
    db.session.execute(delete(_table).where(_table.c.email == _key(email)))


def forget_old() -> int:
    """Drop counts nobody added to for a day and no longer locked (the periodic tidy-up; part of its unit)."""
    now = clock.now()
    result = db.session.execute(delete(_table).where(_table.c.last_failure_at < now - FORGET_AFTER,
                                                     (_table.c.locked_until.is_(None)) | (_table.c.locked_until < now)))
    return result.rowcount or 0
