"""Who was present at a briefing, as the attendance domain records it.

The invitations list reports ``attended`` for each journalist; the attendance domain
registers its lookup here (``ATTENDANCE_LOOKUPS.append(fn)``), so invitations never import it.
With no lookup registered nobody has been checked in, and the answer is the empty set.
"""
from __future__ import annotations

from collections.abc import Callable

from coordinator.schedule.models import Briefing

ATTENDANCE_LOOKUPS: list[Callable[[Briefing], set[int]]] = []


def attended_journalists(briefing: Briefing) -> set[int]:
    present: set[int] = set()
    for lookup in ATTENDANCE_LOOKUPS:
        present |= lookup(briefing)
    return present
