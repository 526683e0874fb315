"""What the invitations domain does when other domains speak (``coordinator.core.signals``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from coordinator.core import signals

if TYPE_CHECKING:
    from coordinator.schedule.models import Briefing


def connect() -> None:
    signals.briefing_recorded.connect(_recorded, weak=False)


def _recorded(briefing: Briefing) -> None:
    """A briefing recorded after it happened: its audience, as it resolves now, is its invitations (rows
    never sent: no fan-out is planned, and updates or a cancel only reach those sent a REQUEST), so the
    reports count it like any other and attendance can be entered against it."""
    from coordinator.invitations.delivery import mark_audience_checked
    from coordinator.invitations.operations import sync_invitations

    sync_invitations(briefing)
    mark_audience_checked(briefing)
