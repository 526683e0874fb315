"""The dashboard's "next briefings" block: the coming 7 days with their answers so far."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.invitations.operations import rsvps_for_briefing
from coordinator.schedule.models import Briefing
from coordinator.web import dashboard

LIMIT = 8


@dashboard.register("briefings", 10, "web/dashboard/_briefings.html")
def next_briefings(office_id: int) -> dict:
    now = dashboard.now()
    query = select(Briefing).where(Briefing.office_id == office_id, Briefing.status != "cancelled",
                                   Briefing.end >= now, Briefing.start <= now + timedelta(days=7))
    rows = list(db.session.scalars(query.order_by(Briefing.start).limit(LIMIT + 1)))
    items = []
    for briefing in rows[:LIMIT]:
        answers = Counter(rsvps_for_briefing(briefing).values())
        items.append({"briefing": briefing, "accepted": answers["accepted"], "declined": answers["declined"],
                      "tentative": answers["tentative"], "no_reply": answers["needs_action"]})
    return {"items": items, "more": len(rows) > LIMIT}
