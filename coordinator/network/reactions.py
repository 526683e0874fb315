"""What the network of offices does when other domains speak (``coordinator.core.signals``).

- A shared journalist bounces or unsubscribes in one office: every linked copy follows.
- A host briefing of a multi-point briefing changes, or its pack is released: a network event carries it
  to every connection point (``jobs/network_jobs.py`` handles it in its own unit of work).
"""
from __future__ import annotations

from sqlalchemy import select

from coordinator.core import events, signals
from coordinator.extensions import db
from coordinator.network.models import ConnectionPoint
from coordinator.network.operations import contact_status_changed
from coordinator.packs.models import Pack


def connect() -> None:
    signals.journalist_status_changed.connect(_status_changed, weak=False)
    signals.event_handled.connect(_event_handled, weak=False)


def _status_changed(journalist, *, old: str) -> None:
    contact_status_changed(journalist, old)


def _event_handled(kind: str, *, event) -> None:
    if kind in ("briefing.updated", "briefing.cancelled"):
        _after_briefing_change(event)
    elif kind == "pack.release_due":
        _after_pack_release(event)


def _has_points(briefing_id: int) -> bool:
    found = db.session.scalar(select(ConnectionPoint.id).where(ConnectionPoint.host_briefing_id == briefing_id,
                                                               ConnectionPoint.status == "accepted").limit(1))
    return found is not None


def _after_briefing_change(event) -> None:
    """A host briefing with points: ``network.host_briefing_changed`` takes the change to each point."""
    briefing_id = event.payload.get("briefing_id")
    if briefing_id is None or not _has_points(briefing_id):
        return
    events.emit("network.host_briefing_changed", office_id=event.office_id, payload={"briefing_id": briefing_id})


def _after_pack_release(event) -> None:
    """A released host pack: ``network.host_pack_released`` copies it to each point."""
    pack = db.session.get(Pack, event.payload.get("pack_id"))
    if pack is None or pack.status != "released" or pack.briefing_id is None or not _has_points(pack.briefing_id):
        return
    events.emit("network.host_pack_released", office_id=pack.office_id, payload={"pack_id": pack.id})
