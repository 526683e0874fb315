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

from coordinator.core import clock, tasks

log = logging.getLogger(__name__)

LEADER_KEY = "coordinator:periodic:leader"
LEADER_TTL = 30


@dataclass(frozen=True)
class Periodic:
    id: str  # stable: the slot keys depend on it
    task: str  # a name in coordinator.core.tasks.TASKS
    every: int  # seconds


PERIODIC: tuple[Periodic, ...] = (
    # OUTBOX_SWEEP_SECONDS: how soon lost work is picked up again (fault-injection runs shorten it).
    Periodic("outbox-sweep", "outbox.sweep", every=int(os.environ.get("OUTBOX_SWEEP_SECONDS", "30"))),
    Periodic("schedule-materialise", "schedule.materialise", every=3600),
    Periodic("invitation-reminders", "invitations.reminders", every=60),
    Periodic("invitations-due", "invitations.dispatch_due", every=300),
    Periodic("attendance-weekly-digest", "attendance.weekly_digest", every=3600),
    Periodic("monitoring-poll", "monitoring.poll", every=60),
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
            tasks.enqueue(job.task)
            enqueued.append(job.id)
    return enqueued


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
