"""Staff account housekeeping: old sessions and old failed-login counts are dropped."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def tidy() -> dict[str, int]:
    """Periodic (``users-tidy``): delete sessions ended or unused for 90 days, and failed-login counts that
    no longer lock anything and saw no failure for a day. Idempotent."""
    from coordinator.users import lockout, sessions

    done = {"sessions": sessions.forget_old(), "throttles": lockout.forget_old()}
    if any(done.values()):
        log.info("tidied %(sessions)d old session(s), %(throttles)d failed-login count(s)", done)
    return done
