"""Create and change the schedule. Functions flush, never commit: the caller commits once.

Every change bumps the iTIP SEQUENCE of what changed, records an audit row and emits an outbox event
(``series.created``, ``series.updated``, ``series.split``, ``briefing.created``, ``briefing.updated``,
``briefing.cancelled``, ``briefings.materialised``) for the invitations issue to send mail from.

One module per use case: ``series`` (create, edit, split, end) with its checks in ``series_checks``,
``briefings`` (ad hoc and crisis briefings, one occurrence changed), ``materialise`` (occurrences as rows,
holidays applied again, listing), ``closures``, ``feed_tokens``; ``common`` holds what they share. Every
name callers use is re-exported here, so ``from coordinator.schedule import operations as ops`` and
``from coordinator.schedule.operations import X`` keep working. A name is looked up in the module that
defines it: to replace one in a test, patch it there, not here.
"""
from __future__ import annotations

from coordinator.core import clock, validators
from coordinator.core.modules import reexport
from coordinator.schedule.operations import briefings, closures, common, feed_tokens, materialise, series, series_checks

__all__ = [*reexport(globals(), briefings, closures, common, feed_tokens, materialise, series, series_checks),
           "clock"]  # ``ops.clock.now()`` in older callers
_text = validators.text
_url = validators.url
_int = validators.integer
