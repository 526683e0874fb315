"""Periodic jobs: declared once with stable ids; one leader; one enqueue per slot."""
from __future__ import annotations

from redis import Redis
from rq import Queue

from jobs import schedule


def urgent_count(app_env) -> int:
    return Queue("urgent", connection=Redis.from_url(app_env["REDIS_URL"])).count


def test_ids_are_unique_and_tasks_declared():
    from coordinator.core.tasks import TASKS

    ids = [job.id for job in schedule.PERIODIC]
    assert len(ids) == len(set(ids))
    assert all(job.task in TASKS for job in schedule.PERIODIC)


def test_only_the_leader_enqueues_and_each_slot_once(app, app_env):
    redis = Redis.from_url(app_env["REDIS_URL"])
    now = 1_000_000.0
    first = schedule.tick(redis, "worker-a", now)
    assert set(first) == {job.id for job in schedule.PERIODIC}  # every job's first slot
    assert schedule.tick(redis, "worker-b", now) == []  # not the leader
    assert schedule.tick(redis, "worker-a", now + 1) == []  # same slot: a redeploy does not double it
    assert "outbox-sweep" in schedule.tick(redis, "worker-a", now + 11)
    # The sweep runs in the scheduler itself and nothing periodic is put on the urgent lane.
    assert urgent_count(app_env) == 0


def test_leadership_passes_when_the_leader_is_gone(app, app_env):
    redis = Redis.from_url(app_env["REDIS_URL"])
    schedule.tick(redis, "worker-a", 2_000_000.0)
    redis.delete(schedule.LEADER_KEY)  # its lock expired
    assert "outbox-sweep" in schedule.tick(redis, "worker-b", 2_000_011.0)
