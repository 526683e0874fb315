"""What the attendance domain does when other domains speak (``coordinator.core.signals``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from coordinator.attendance import operations as ops
from coordinator.core import signals

if TYPE_CHECKING:
    from coordinator.contacts.models import Journalist
    from coordinator.schedule.models import Briefing


def connect() -> None:
    signals.attended.connect(_attended, weak=False)
    signals.journalists_merged.connect(_merged, weak=False)


def _attended(briefing: Briefing) -> set[int]:
    return ops.attended_journalist_ids(briefing)


def _merged(keep: Journalist, *, drop: Journalist) -> None:
    ops.merge_journalists_hook(keep.id, drop.id)
