"""Pack release and follow-up, from outbox events (the outbox row is the schedule: a release survives
worker and Redis restarts). The planning lives in ``coordinator.packs.distribution``."""
from __future__ import annotations

from datetime import datetime

from coordinator.packs import approvers, distribution


def release_due(pack_id: int, *, event_id: int | None = None, now: datetime | None = None) -> str:
    return distribution.release_due(pack_id, now=now)


def follow_up_due(root_id: int, *, event_id: int | None = None, now: datetime | None = None) -> str:
    return distribution.follow_up_due(root_id, now=now)


def embargo_changed(pack_id: int, change: str, embargo_until: str | None, *, event_id: int | None = None) -> int:
    return distribution.tell_spokespeople(pack_id, change, embargo_until)


def submitted(pack_id: int, submission_round: int, *, event_id: int | None = None) -> int:
    """Tell the people who may approve the pack that it awaits them (once per round and person)."""
    return approvers.notify(pack_id, submission_round)
