"""What the packs domain does when other domains speak (``coordinator.core.signals``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from coordinator.core import signals

if TYPE_CHECKING:
    from coordinator.schedule.models import Briefing


def connect() -> None:
    signals.briefing_changed.connect(_briefing_changed, weak=False)


def _briefing_changed(briefing: Briefing) -> None:
    """Embargoes that follow the briefing move, hold or resume with it, in the same unit."""
    from coordinator.packs.operations import follow_briefing

    follow_briefing(briefing)
