"""Personal data: the retention period each office set."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def retention() -> dict[str, int]:
    """Periodic (``privacy-retention``): erase journalists inactive longer than their office's retention
    period. Idempotent (an erased journalist is never erased again)."""
    from coordinator.privacy.operations import retention_sweep

    done = retention_sweep()
    if done["erased"]:
        log.info("retention: erased %(erased)d inactive journalist(s)", done)
    return done
