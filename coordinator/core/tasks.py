"""Queues and tasks, declared in one place.

The app enqueues by dotted path (``jobs.outbox.run_event``) and never imports
``jobs``: the worker imports both. Periodic jobs are declared in
``jobs/schedule.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask import current_app
from redis import Redis
from rq import Queue, Retry

from coordinator.core import clock

# Highest priority first: a worker listening on all of them drains them in this order.
QUEUES = ("urgent", "default", "mail", "bulk")


@dataclass(frozen=True)
class Task:
    path: str
    queue: str = "default"
    timeout: int = 600
    retry_intervals: tuple[int, ...] = field(default=(5, 30, 120, 600, 1800))

    def retry(self) -> Retry | None:
        if not self.retry_intervals:
            return None
        return Retry(max=len(self.retry_intervals), interval=list(self.retry_intervals))


TASKS: dict[str, Task] = {
    "outbox.run_event": Task("jobs.outbox.run_event", queue="default"),
    "outbox.sweep": Task("jobs.outbox.sweep", queue="default", timeout=120, retry_intervals=()),
    "invitations.reminders": Task("jobs.invitations.send_due_reminders", queue="mail", timeout=1800,
                                  retry_intervals=()),
    # A helper on a large fan-out: the owner finishes whatever a helper leaves, so no retries here. On the
    # lowest-priority queue (or the urgent one, for an urgent fan-out; see coordinator.mail.fanout).
    "fanout.assist": Task("jobs.fanout.assist", queue="bulk", timeout=3600, retry_intervals=()),
    "invitations.dispatch_due": Task("jobs.invitations.dispatch_due_invitations", queue="mail", timeout=1800,
                                     retry_intervals=()),
    "schedule.materialise": Task("jobs.schedule_jobs.materialise_horizon", queue="bulk", timeout=1800,
                                 retry_intervals=(60, 300)),
    "attendance.weekly_digest": Task("jobs.attendance_jobs.send_weekly_digests", queue="mail", timeout=1800,
                                     retry_intervals=()),
    "contacts.import": Task("jobs.contacts_jobs.run_import", queue="bulk", timeout=1800, retry_intervals=(10, 60)),
    "monitoring.poll": Task("jobs.monitoring_jobs.poll", queue="default", timeout=120, retry_intervals=()),
    "monitoring.fetch_host": Task("jobs.monitoring_jobs.fetch_host", queue="bulk", timeout=1800, retry_intervals=()),
    "monitoring.match_item": Task("jobs.monitoring_jobs.match_item", queue="default", timeout=300,
                                  retry_intervals=(10, 60)),
    # Tone: proposals for articles that have none, and office models retrained once enough labels exist.
    "monitoring.tone_due": Task("jobs.monitoring_jobs.tone_due", queue="bulk", timeout=600, retry_intervals=()),
    "monitoring.tone_retrain": Task("jobs.monitoring_jobs.tone_retrain", queue="bulk", timeout=900,
                                    retry_intervals=(60,)),
    "users.tidy": Task("jobs.users_jobs.tidy", queue="bulk", timeout=300, retry_intervals=()),
    "privacy.retention": Task("jobs.privacy_jobs.retention", queue="bulk", timeout=1800, retry_intervals=()),
}


@lru_cache(maxsize=8)
def _redis_for(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)


def redis_connection() -> Redis:
    return _redis_for(current_app.config["REDIS_URL"])


def queue(name: str) -> Queue:
    if name not in QUEUES:
        raise KeyError(f"unknown queue {name!r}")
    return Queue(name, connection=redis_connection())


_queue = queue  # ``enqueue`` takes a parameter of that name


def enqueue(task_name: str, *args: object, at: datetime | None = None, job_id: str | None = None,
            queue: str | None = None, **kwargs: object):
    """Enqueue a declared task by name; ``at`` defers it to the RQ scheduler; ``queue`` overrides the
    task's own (an event of the urgent lane)."""
    task = TASKS[task_name]
    q = _queue(queue or task.queue)
    options = {"job_timeout": task.timeout, "retry": task.retry(), "job_id": job_id,
               "failure_ttl": 7 * 24 * 3600, "result_ttl": 3600,
               "description": f"{task_name}{args!r}"}
    if at is not None and at > clock.now():
        return q.enqueue_at(at, task.path, *args, **options, **kwargs)
    return q.enqueue(task.path, *args, **options, **kwargs)


def enqueue_event(event_id: int, due_at: datetime | None = None, *, queue: str | None = None):
    return enqueue("outbox.run_event", event_id, at=due_at, queue=queue if queue in QUEUES else None)
