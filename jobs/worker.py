"""The RQ worker: a fresh app context per job, no database connection shared across fork."""
from __future__ import annotations

import logging
import signal
import sys

from flask import Flask
from rq import Queue, Worker
from rq.job import Job

from coordinator.core import events, processes, tasks, uow
from coordinator.extensions import db

log = logging.getLogger(__name__)


class CoordinatorJob(Job):
    """A job is one unit of work: it commits when its function returns and rolls back when it raises
    (then RQ retries it). Outbox events it emitted are dispatched after that commit."""

    def perform(self):
        try:
            result = super().perform()
        except BaseException:
            uow.rollback_unit()
            raise
        uow.commit_unit()
        return result


class CoordinatorWorker(Worker):
    """Each job runs in the forked work horse inside its own app context."""

    flask_app: Flask
    job_class = CoordinatorJob

    def perform_job(self, job, queue) -> bool:
        # The horse dies with the worker: a SIGKILLed worker leaves no job running unseen.
        processes.die_with_parent(signal.SIGKILL)
        with self.flask_app.app_context():
            # Connections inherited from the parent belong to it: drop them, open new ones.
            db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue)
            finally:
                db.session.remove()


def run_worker(app: Flask, *, burst: bool = False, queues: tuple[str, ...] = tasks.QUEUES,
               with_periodic: bool = True, name: str | None = None) -> None:
    """Run a worker. ``burst`` first enqueues every due outbox event, drains the queues, and exits."""
    with app.app_context():
        connection = tasks.redis_connection()
        if burst:
            swept = events.sweep(grace=False)
            log.info("burst: %d due event(s) enqueued", swept)
        db.session.remove()
        db.engine.dispose()
        worker_queues = [Queue(name_, connection=connection) for name_ in queues]
        CoordinatorWorker.flask_app = app
        worker = CoordinatorWorker(worker_queues, connection=connection, name=name, job_class=CoordinatorJob)
    scheduler = None
    if with_periodic and not burst:
        scheduler = processes.spawn([sys.executable, "-m", "flask", "--app", "wsgi", "periodic-scheduler"])
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        if scheduler is not None:
            processes.stop(scheduler)
