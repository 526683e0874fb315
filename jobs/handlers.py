"""Which job handles which domain event (``OutboxEvent.kind``), declared in one place."""
from __future__ import annotations

from collections.abc import Callable

from coordinator.core.events import OutboxEvent


def _welcome(event: OutboxEvent) -> None:
    from jobs.staff_mail import send_welcome

    send_welcome(event.payload["user_id"], event_id=event.id)


HANDLERS: dict[str, Callable[[OutboxEvent], None]] = {
    "user.created": _welcome,
}


def handler_for(kind: str) -> Callable[[OutboxEvent], None]:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no handler for event kind {kind!r}") from None
