"""The in-process event bus: how one domain reacts to another without importing it.

Each signal is declared here, once, with who sends it and what it carries. The domain that owns a fact
sends it; a domain that cares connects a receiver in its own ``reactions.py`` (connected when the app is
built, in the web process and in every worker alike). A receiver runs inside the sender's unit of work:
it flushes, never commits, and what it changes is saved or rolled back with the sender's change.

Signals with a return value (``attended``) are questions: the sender collects
every receiver's answer (``answers``), so the asking domain needs no import of the answering one.

Blinker is what Flask itself uses for its signals.
"""
from __future__ import annotations

from typing import Any

from blinker import Namespace

_bus = Namespace()

# contacts → network: a journalist's status changed (bounce, spam report, unsubscribe, reactivation).
#   sender: the Journalist; old: the previous status.
journalist_status_changed = _bus.signal("journalist-status-changed")

# contacts → attendance, ...: ``drop`` was merged into ``keep`` (move what belongs to the journalist).
#   sender: keep (Journalist); drop: the Journalist being merged away.
journalists_merged = _bus.signal("journalists-merged")

# invitations, packs → attendance (a question): who was present at this briefing?
#   sender: the Briefing; each receiver answers a set of journalist ids.
attended = _bus.signal("attended")

# schedule → invitations: a briefing that already happened was recorded (backfilled). Its audience becomes
#   its invitations as they stand, in the same unit, and nobody is mailed. sender: the Briefing.
briefing_recorded = _bus.signal("briefing-recorded")

# schedule → packs: one briefing changed (moved, cancelled, restored), in the request or job that changed it.
#   sender: the Briefing. Embargoes that follow the briefing move or hold with it in the same unit.
briefing_changed = _bus.signal("briefing-changed")

# outbox (jobs) → network, ...: a domain event was handled. sender: the event kind; event: the OutboxEvent.
#   Follow-up reactions (a host briefing's change carried to the connection points) connect here instead
#   of wrapping the handler.
event_handled = _bus.signal("event-handled")


def answers(signal, sender: Any, **kwargs: Any) -> list[Any]:
    """Every receiver's answer to a question signal, ``None`` answers left out."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]


def attended_journalists(briefing: Any) -> set[int]:
    """Who was present at ``briefing`` (the empty set when no domain records attendance)."""
    present: set[int] = set()
    for ids in answers(attended, briefing):
        present |= set(ids)
    return present
