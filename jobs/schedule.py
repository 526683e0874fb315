"""Periodic jobs, declared once with stable ids, and the scheduler that enqueues them.

Any number of workers may run the scheduler loop: a Redis lock elects one
leader, and each (job id, time slot) is enqueued at most once, so neither a
redeploy nor a second worker ever doubles a periodic job.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass

from flask import Flask
from redis import Redis
from werkzeug.utils import import_string

from coordinator.core import clock, tasks, uow
from coordinator.extensions import db

log = logging.getLogger(__name__)

LEADER_KEY = "coordinator:periodic:leader"
LEADER_TTL = 15  # a dead leader's scheduler is replaced within seconds (it renews every second)


@dataclass(frozen=True)
class Periodic:
    id: str  # stable: the slot keys depend on it
    task: str  # a name in coordinator.core.tasks.TASKS
    every: int  # seconds
    # Run by the leader's scheduler process itself instead of a queue: the outbox sweep must never wait
    # behind a long job on a busy worker, since it is what hands a dead worker's crisis work to another.
    inline: bool = False


PERIODIC: tuple[Periodic, ...] = (
    # OUTBOX_SWEEP_SECONDS: how soon lost work is picked up again (fault-injection runs shorten it).
    Periodic("outbox-sweep", "outbox.sweep", every=int(os.environ.get("OUTBOX_SWEEP_SECONDS", "10")), inline=True),
    Periodic("schedule-materialise", "schedule.materialise", every=3600),
    Periodic("invitation-reminders", "invitations.reminders", every=60),
    Periodic("invitations-due", "invitations.dispatch_due", every=300),
    Periodic("attendance-weekly-digest", "attendance.weekly_digest", every=3600),
    Periodic("monitoring-poll", "monitoring.poll", every=60),
    Periodic("monitoring-tone", "monitoring.tone_due", every=300),
    Periodic("users-tidy", "users.tidy", every=3600),
    Periodic("privacy-retention", "privacy.retention", every=86400),
)


def slot_key(job: Periodic, now: float) -> str:
    return f"coordinator:periodic:{job.id}:{int(now // job.every)}"


def tick(redis: Redis, identity: str, now: float | None = None) -> list[str]:
    """One pass: keep or take the leader lock; as leader, enqueue every job whose slot is new."""
    now = clock.timestamp() if now is None else now
    if not redis.set(LEADER_KEY, identity, nx=True, ex=LEADER_TTL):
        if (redis.get(LEADER_KEY) or b"").decode() != identity:
            return []
        redis.expire(LEADER_KEY, LEADER_TTL)
    enqueued = []
    for job in PERIODIC:
        if redis.set(slot_key(job, now), identity, nx=True, ex=job.every * 3):
            if job.inline:
                _run_inline(job)
            else:
                tasks.enqueue(job.task)
            enqueued.append(job.id)
    return enqueued


def _run_inline(job: Periodic) -> None:
    """One unit of work in the scheduler process (a fresh session each time)."""
    try:
        import_string(tasks.TASKS[job.task].path)()
        uow.commit_unit()
    except Exception:
        uow.rollback_unit()
        log.warning("periodic %s failed", job.id, exc_info=True)
    finally:
        db.session.remove()


def run_scheduler(app: Flask, interval: float = 1.0) -> None:
    """The loop behind ``flask worker``'s scheduler process; stops on SIGTERM."""
    identity = f"{socket.gethostname()}:{os.getpid()}"
    with app.app_context():
        redis = tasks.redis_connection()
        log.info("periodic scheduler %s started", identity)
        while True:
            try:
                tick(redis, identity)
            except Exception:  # Redis restarting: keep trying, never die
                log.warning("periodic scheduler tick failed", exc_info=True)
            time.sleep(interval)
