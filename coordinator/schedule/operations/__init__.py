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
from coordinator.schedule.operations.briefings import (
    BRIEFING_EDITABLE,
    URGENT_WITHIN,
    create_briefing,
    lane_for,
    update_briefing,
)
from coordinator.schedule.operations.closures import _reconcile_office, add_closure, remove_closure
from coordinator.schedule.operations.common import (
    DEFAULT_HORIZON_DAYS,
    MAX_RANGE_DAYS,
    _audience,
    _changes,
    _check_version,
    _iso,
    bump_state,
    collect,
    horizon_days,
    new_uid,
)
from coordinator.schedule.operations.feed_tokens import (
    _derive_token,
    _hash,
    _journalist,
    active_feed_tokens,
    authenticate_feed_token,
    feed_token_of,
    issue_feed_token,
    personal_feed_token,
    revoke_feed_tokens,
    rotate_feed_token,
)
from coordinator.schedule.operations.materialise import (
    ensure_materialised,
    list_briefings,
    materialise,
    materialise_all,
    reconcile,
    series_exceptions,
)
from coordinator.schedule.operations.series import (
    _series_snapshot,
    create_series,
    end_series_before,
    split_series,
    update_series,
)
from coordinator.schedule.operations.series_checks import (
    SERIES_FIELDS,
    TIMING_FIELDS,
    _holiday_policy,
    _reminders,
    clean_series,
)

# The shared validators under the names this module used to give them.
_text = validators.text
_url = validators.url
_int = validators.integer

__all__ = [
    "BRIEFING_EDITABLE", "DEFAULT_HORIZON_DAYS", "MAX_RANGE_DAYS", "SERIES_FIELDS", "TIMING_FIELDS", "URGENT_WITHIN",
    "active_feed_tokens", "add_closure", "authenticate_feed_token", "bump_state", "clean_series", "clock", "collect",
    "create_briefing", "create_series", "end_series_before", "ensure_materialised", "feed_token_of",
    "horizon_days", "issue_feed_token", "lane_for", "list_briefings", "materialise", "materialise_all", "new_uid",
    "personal_feed_token", "reconcile", "remove_closure", "revoke_feed_tokens", "rotate_feed_token",
    "series_exceptions", "split_series", "update_briefing", "update_series",
    # private, but imported from here elsewhere (``_hash`` by the invitations' feeds) or kept for old callers
    "_audience", "_changes", "_check_version", "_derive_token", "_hash", "_holiday_policy", "_int", "_iso",
    "_journalist", "_reconcile_office", "_reminders", "_series_snapshot", "_text", "_url",
]
