"""Schedule jobs: keep every series' occurrences materialised over the rolling horizon."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def materialise_horizon() -> int:
    """Periodic (``schedule-materialise``): create the occurrences that entered the horizon since the
    last run. Idempotent: (series_id, recurrence_id) is unique and each series remembers how far it got."""
    from coordinator.schedule.operations import materialise_all

    created = materialise_all()
    if created:
        log.info("materialised %d briefing(s)", created)
    return created
