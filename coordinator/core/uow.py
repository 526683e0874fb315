"""One unit of work per request and per job.

A request (or an RQ job, or a CLI command) changes the database through operations that only flush;
the unit commits once, at its end, and rolls back on error:

- a request commits after its view returns a response below 400, and rolls back otherwise (a form
  shown again with its errors, an API error, an exception);
- a job commits when its function returns and rolls back when it raises (``jobs.worker``);
- outbox events, and callbacks registered with :func:`after_commit`, run only once that commit has
  succeeded, so no mail or job ever leaves for a change that was not saved.

Views never call ``db.session.commit()``. Two deliberate exceptions are spelt out here, not improvised:
:func:`abandon` throws away what a request did (a form with errors answered with a 200 page), and
:func:`keep_even_if_refused` saves a request's changes although it answers 4xx (a failed login is counted
even though the login is refused). Bookkeeping that others must see at once, whatever becomes of the
unit (an event's lease, a message's claim, a fan-out's progress), goes through its own short transaction
(:func:`independent`), never through the unit's session.

With ``UOW_STRICT`` (on in the tests), a request that commits the session more than once fails loudly.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from coordinator.extensions import db

log = logging.getLogger(__name__)

AFTER_COMMIT_KEY = "coordinator.after_commit"


def init_app(app: Flask) -> None:
    app.config.setdefault("UOW_STRICT", False)
    app.before_request(_begin_request)
    app.after_request(_end_request)
    app.teardown_request(_discard)


def _begin_request() -> None:
    # ``g`` belongs to the app context, which a test may keep across several requests: start afresh.
    g.uow_commits = 0
    g.uow_keep = False
    g.uow_commit_stacks = []


def _end_request(response: Response) -> Response:
    """Commit the request's changes if it succeeded, roll them back if it did not."""
    if response.status_code < 400 or g.get("uow_keep"):
        db.session.commit()
    else:
        db.session.rollback()
    commits = g.get("uow_commits", 0)
    if commits > 1 and current_app.config["UOW_STRICT"]:
        stacks = "\n---\n".join(g.get("uow_commit_stacks", []))
        raise RuntimeError(f"this request committed {commits} times; a request commits once, at its end:\n{stacks}")
    return response


def _discard(exc: BaseException | None) -> None:
    """An exception escaped the view: nothing it changed is kept."""
    if exc is not None:
        db.session.rollback()


def abandon() -> None:
    """Throw away what this unit changed so far (e.g. before showing a form again with its errors)."""
    db.session.rollback()


def keep_even_if_refused() -> None:
    """Commit this request's changes although it answers 4xx (a refused login still counts the attempt)."""
    g.uow_keep = True


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current unit of work has committed (never if it rolls back)."""
    db.session.info.setdefault(AFTER_COMMIT_KEY, []).append(callback)


@contextmanager
def independent() -> Iterator[Connection]:
    """A short transaction of its own, committed at once whatever the unit of work does later.

    For bookkeeping other workers must see at once (leases, claims, progress), not for domain changes.
    """
    with db.engine.begin() as connection:
        yield connection


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: the unit of work has not committed yet
    if has_request_context():
        g.uow_commits = g.get("uow_commits", 0) + 1
        if current_app.config["UOW_STRICT"]:
            import traceback

            g.setdefault("uow_commit_stacks", []).append("".join(traceback.format_stack(limit=12)[:-1]))
    callbacks = session.info.pop(AFTER_COMMIT_KEY, None)
    for callback in callbacks or ():
        try:
            callback()
        except Exception:  # the change is saved; what follows it is retried by its own safety net
            log.warning("after-commit callback %r failed", callback, exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # back to a savepoint: the transaction, and what it will dispatch, goes on
    session.info.pop(AFTER_COMMIT_KEY, None)


def checkpoint() -> None:
    """End one unit of work and start the next, inside a job that works through independent items with
    network waits between them (a host's feeds, fetched one after another): each item's changes are
    saved on their own, and no write lock is held across the next item's network I/O. Never in a
    request, which is one unit."""
    if has_request_context():
        raise RuntimeError("a request is one unit of work: no checkpoint inside it")
    db.session.commit()


def commit_unit() -> None:
    """End a unit of work outside a request (a job, a CLI command): commit it."""
    db.session.commit()


def rollback_unit() -> None:
    db.session.rollback()


@contextmanager
def dry_run() -> Iterator[None]:
    """Make changes in a savepoint and throw them away (an import's preview): nothing of them is saved,
    and no outbox event or after-commit callback they recorded survives them."""
    saved = {key: list(db.session.info.get(key, ())) for key in (AFTER_COMMIT_KEY, _PENDING_EVENTS_KEY)}
    savepoint = db.session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        for key, value in saved.items():
            db.session.info[key] = value


_PENDING_EVENTS_KEY = "coordinator.pending_events"  # coordinator.core.events.PENDING_KEY
