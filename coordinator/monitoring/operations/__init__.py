"""Feeds, items, proposals and decisions. Functions flush, never commit.

One module per use case; everything is re-exported here, so ``from coordinator.monitoring import
operations as ops`` keeps working:

- ``settings``: the office's matching window and threshold;
- ``feeds``: an outlet's feeds (a feed belongs to one outlet; its URL is unique per office) and which are due
  (``next_fetch_at`` in the database is the source of truth);
- ``health``: what a fetch gave, the backoff after errors (``Retry-After`` honoured), working or failing;
- ``items``: storing what a feed carried (one row per normalised URL per office, whichever feeds carried it);
- ``proposals``: a briefing's phrases and matching an item against the office's briefings;
- ``decisions``: confirm (exactly one ``Coverage``, ``source="feed"``, however often it is confirmed),
  reject, re-assign, bulk; confirmations and rejections teach the office's phrase weights.
"""
from __future__ import annotations

from coordinator.monitoring.operations.decisions import STATUS_LABELS, bulk, confirm, counts, learn, reassign, reject
from coordinator.monitoring.operations.feeds import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    add_feed,
    allowed_hosts,
    delete_feed,
    due_hosts,
    feed_url,
    feeds_of,
    fetch_now,
    update_feed,
)
from coordinator.monitoring.operations.health import (
    HEALTHY_WITHIN,
    MAX_BACKOFF,
    MAX_PROBLEMS,
    STATE_LABELS,
    healthy_outlet_ids,
    is_working,
    note_problem,
    outlet_feed_states,
    record_error,
    record_fetched,
)
from coordinator.monitoring.operations.items import store_items, unmatched_item_ids
from coordinator.monitoring.operations.proposals import (
    EARLY_MARGIN,
    KIND_LABELS,
    PHRASE_SOURCES,
    candidates,
    generic_pairs,
    learned_weights,
    match_item,
    phrases_for,
)
from coordinator.monitoring.operations.settings import settings_for, update_settings

__all__ = [
    "EARLY_MARGIN", "HEALTHY_WITHIN", "KIND_LABELS", "MAX_BACKOFF", "MAX_INTERVAL", "MAX_PROBLEMS", "MIN_INTERVAL",
    "PHRASE_SOURCES", "STATE_LABELS", "STATUS_LABELS", "add_feed", "allowed_hosts", "bulk", "candidates", "confirm",
    "counts", "delete_feed", "due_hosts", "feed_url", "feeds_of", "fetch_now", "generic_pairs", "healthy_outlet_ids",
    "is_working", "learn", "learned_weights", "match_item", "note_problem", "outlet_feed_states", "phrases_for",
    "reassign", "record_error", "record_fetched", "reject", "settings_for", "store_items", "unmatched_item_ids",
    "update_feed", "update_settings",
]
