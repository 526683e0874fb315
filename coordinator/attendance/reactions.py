"""What the attendance domain does when other domains speak (``coordinator.core.signals``)."""
from __future__ import annotations

from coordinator.attendance import operations as ops
from coordinator.core import signals


def connect() -> None:
    signals.attended.connect(_attended, weak=False)
    signals.journalists_merged.connect(_merged, weak=False)


def _attended(briefing) -> set[int]:
    return ops.attended_journalist_ids(briefing)


def _merged(keep, *, drop) -> None:
    ops.merge_journalists_hook(keep.id, drop.id)
