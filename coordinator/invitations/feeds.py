"""One journalist's own calendar (``/calendar/personal/<token>.ics``): the briefings they are invited to.

It lives with the invitations (what a journalist is invited to is theirs to say) and is served by the
calendar machinery of the schedule (caching, ETag and 304, ``coordinator.schedule.feeds``).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.audience import resolve_audience
from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import csrf, db, limiter
from coordinator.invitations.models import Invitation
from coordinator.offices.models import Office
from coordinator.schedule import feeds, ical
from coordinator.schedule.models import Briefing, Series
from coordinator.schedule.operations import _hash as feed_token_hash

bp = Blueprint("personal_calendar", __name__, url_prefix="/calendar")
csrf.exempt(bp)
limiter.exempt(bp)


@bp.get("/personal/<token>.ics")
def personal_feed(token: str):
    if not token or len(token) > 200:
        abort(404)
    # On the engine, not the session: a revalidation needs no unit of work (and no session to close).
    with db.engine.connect() as connection:
        row = connection.execute(feeds.PERSONAL_LOOKUP, {"token_hash": feed_token_hash(token)}).first()
        if row is None:
            abort(404)
        now = clock.now()
        if row.last_used_at is None or row.last_used_at < now - timedelta(hours=1):
            connection.execute(feeds.TOUCH_TOKEN, {"token_id": row.id, "now": now})
            connection.commit()
    office_id, journalist_id = row.office_id, row.journalist_id
    fingerprint = (row.version or 0, row.changed_at, clock.today())

    def build() -> feeds.FeedSpec:
        journalist = db.session.get(Journalist, journalist_id)
        office = db.session.get(Office, office_id)
        if journalist is None or office is None:
            abort(404)
        return feeds.FeedSpec(office, journalist_content(office.id, journalist.id),
                        name=_("Lịch họp báo của %(name)s – %(office)s", name=journalist.full_name,
                               office=office.name),
                        uid=f"personal-{journalist.id}-{office.slug}@briefings")

    return feeds.feed(f"personal:{journalist_id}", office_id, build, ttl=feeds.AUDIENCE_FEED_TTL, private=True,
                fingerprint=fingerprint)


def journalist_content(office_id: int, journalist_id: int) -> ical.FeedContent:
    """What one journalist is invited to: every series and ad hoc briefing with a live invitation, and
    those whose audience names them but whose invitations have not gone out yet (a series invites
    ``invite_lead_days`` ahead). One whose invitation was withdrawn (they left the audience) is not."""
    rows = db.session.execute(select(Invitation.series_id, Invitation.briefing_id, Invitation.cancelled_at)
                              .where(Invitation.office_id == office_id, Invitation.journalist_id == journalist_id))
    invited_series, invited_briefings, withdrawn_series, withdrawn_briefings = set(), set(), set(), set()
    for series_id, briefing_id, cancelled_at in rows:
        if series_id is not None:
            (withdrawn_series if cancelled_at else invited_series).add(series_id)
        if briefing_id is not None:
            (withdrawn_briefings if cancelled_at else invited_briefings).add(briefing_id)
    cache: dict[str, bool] = {}

    def named(audience: dict) -> bool:
        key = repr(sorted((k, tuple(v or ())) for k, v in audience.items()))
        if key not in cache:
            cache[key] = any(j.id == journalist_id for j in resolve_audience(office_id, audience))
        return cache[key]

    series = [s for s in db.session.scalars(select(Series).where(Series.office_id == office_id))
              if s.id in invited_series or (s.id not in withdrawn_series and named(s.audience or {}))]
    adhoc = [b for b in db.session.scalars(select(Briefing).where(Briefing.office_id == office_id,
                                                                  Briefing.series_id.is_(None)))
             if b.id in invited_briefings or (b.id not in withdrawn_briefings and named(b.audience or {}))]
    return ical.FeedContent(series=series, rows=ical.rows_for(s.id for s in series), adhoc=adhoc)
