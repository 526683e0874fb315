"""Feeds, items, proposals and decisions. Functions flush, never commit.

One module per use case; everything is re-exported here, so ``from coordinator.monitoring import
operations as ops`` keeps working:

- ``settings``: the office's matching window and threshold;
- ``feeds``: an outlet's feeds (a feed belongs to one outlet; its URL is unique per office) and which are due
  (``next_fetch_at`` in the database is the source of truth);
- ``health``: what a fetch gave, the backoff after errors (``Retry-After`` honoured), working or failing;
- ``items``: storing what a feed carried (one row per normalised URL per office, whichever feeds carried it);
- ``proposals``: a briefing's phrases and matching an item against the office's briefings;
- ``tone``: the tone proposed for every article, staff's labels, the office's retrained model;
- ``decisions``: confirm (exactly one ``Coverage``, ``source="feed"``, however often it is confirmed),
  reject, re-assign, bulk; confirmations and rejections teach the office's phrase weights.
"""
from __future__ import annotations

from coordinator.core.modules import reexport
from coordinator.monitoring.operations import decisions, feeds, health, items, proposals, settings, tone

__all__ = reexport(globals(), decisions, feeds, health, items, proposals, settings, tone)
