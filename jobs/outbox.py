"""Run outbox events, and sweep for events that were never finished."""
from __future__ import annotations

import logging
import traceback

from flask import current_app
from rq import get_current_job

from coordinator.core import events, signals, tasks
from coordinator.core.heartbeat import Heartbeat
from jobs.handlers import handler_for

log = logging.getLogger(__name__)


def run_event(event_id: int) -> str:
    """Handle one event exactly as far as it is not yet done.

    Handlers are idempotent; the lease only keeps two workers from working on
    the same event at once. A failure raises so RQ retries with backoff; after
    EVENT_MAX_ATTEMPTS the event is marked failed for an admin to see and retry.
    """
    event = events.claim(event_id)
    if event is None:
        due_at = events.not_yet_due(event_id)
        if due_at is not None:
            job = get_current_job()
            tasks.enqueue_event(event_id, due_at, queue=job.origin if job is not None else None)
            return "not yet due"
        return "skipped"
    try:
        # While the handler works its lease is renewed; if this worker dies, the sweep hands the event
        # to another one within EVENT_LEASE_SECONDS.
        with Heartbeat(current_app._get_current_object(), lambda: events.renew_lease(event_id)):
            handler_for(event.kind)(event)
            signals.event_handled.send(event.kind, event=event)  # follow-up reactions, in the same unit
    except Exception as exc:
        from coordinator.extensions import db

        db.session.rollback()
        attempts = event.attempts
        job = get_current_job()
        retries_left = job.retries_left if job is not None and job.retries_left is not None else 0
        final = attempts >= current_app.config["EVENT_MAX_ATTEMPTS"] or retries_left <= 0
        summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        events.mark_attempt_failed(event_id, summary, final=final)
        log.warning("event %s (%s) attempt %s failed%s: %s", event_id, event.kind, attempts,
                    " for good" if final else "", summary)
        raise
    events.mark_done(event_id)
    return "done"


def sweep() -> int:
    """Periodic: enqueue due events nobody finished (Redis flushed, worker killed)."""
    count = events.sweep()
    if count:
        log.info("sweep re-enqueued %d event(s)", count)
    return count
