"""Fan-out jobs: thin entry points into the engine (``coordinator.mail.fanout``)."""
from __future__ import annotations

from coordinator.core.events import OutboxEvent
from coordinator.mail import fanout


def run(event: OutboxEvent) -> None:
    """The ``fanout.run`` event: the owning run of one fan-out."""
    fanout.run(event.payload["fan_id"])


def assist(fan_id: int, part: int, parts: int) -> int:
    """A helper on a large fan-out (no outbox event: the owner finishes whatever a helper leaves)."""
    return fanout.assist(fan_id, part, parts)
