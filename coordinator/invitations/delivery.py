"""When invitation mail goes out, and to whom: the planning side of the invitation fan-outs.

These functions run inside a unit of work (an event handler, a periodic job). They change what the
domain says (who is invited) and *plan* fan-outs (``coordinator.mail.fanout.plan``); the sending happens
in the fan-out's own run after the unit commits. They flush, never commit.

Lanes: crisis and ad hoc invitations, and changes to briefings that start within 48 hours, go on the
urgent lane, which periodic and bulk work cannot occupy.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from coordinator.contacts.models import DistributionList, Journalist
from coordinator.core import clock, events
from coordinator.extensions import db
from coordinator.invitations import itip
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations
from coordinator.mail import fanout
from coordinator.mail.models import FanOut
from coordinator.schedule.models import DEFAULT_REMINDERS, Briefing, Series

ACTIVE = ("scheduled", "moved")
URGENT_WITHIN = timedelta(hours=48)
MAX_REMINDER_MINUTES = 7 * 24 * 60

Target = Series | Briefing


def load_target(kind: str, target_id: int) -> Target | None:
    return db.session.get(Series if kind == "series" else Briefing, target_id)


def first_upcoming(series: Series, now: datetime | None = None) -> Briefing | None:
    now = now or clock.now()
    return db.session.scalar(select(Briefing).where(Briefing.series_id == series.id, Briefing.start >= now,
                                                    Briefing.status.in_(ACTIVE)).order_by(Briefing.start))


def invite_due_at(target: Target) -> datetime | None:
    """When the invitations for a series or ad hoc briefing go out (None: never, it is over)."""
    if isinstance(target, Series):
        first = first_upcoming(target)
        if first is None:
            return None
        return first.start - timedelta(days=target.invite_lead_days)
    if target.status not in ACTIVE or target.end < clock.now():
        return None
    return clock.now()


def is_urgent(target: Target) -> bool:
    """Crisis and ad hoc briefings, and anything that starts within 48 hours."""
    if isinstance(target, Series):
        first = first_upcoming(target)
        return first is not None and first.start - clock.now() <= URGENT_WITHIN
    return target.is_crisis or target.series_id is None or target.start - clock.now() <= URGENT_WITHIN


def _kind(target: Target) -> str:
    return "series" if isinstance(target, Series) else "briefing"


def _column(target: Target):
    return Invitation.series_id if isinstance(target, Series) else Invitation.briefing_id


# --- invitations --------------------------------------------------------------------------------------

def schedule_invitations(kind: str, target_id: int) -> None:
    """Invite now if the invitation time has come, else leave a delayed event for then (the outbox keeps
    it across restarts)."""
    target = load_target(kind, target_id)
    if target is None:
        return
    due = invite_due_at(target)
    if due is None:
        return
    if due > clock.now():
        events.emit("invitations.due", office_id=target.office_id, due_at=due,
                    payload={"kind": kind, "target_id": target_id})
        return
    plan_invitations(kind, target_id)


def plan_invitations(kind: str, target_id: int, *, changes: dict | None = None,
                     invite_now: bool = False) -> FanOut | None:
    """The full REQUEST of a series or ad hoc briefing, at its current SEQUENCE, to every journalist of its
    audience not yet sent that SEQUENCE: a first invitation for newcomers (once the invitation time has
    come, or at once with ``invite_now``), an update with what changed for those invited before.
    Journalists who left get a CANCEL."""
    target = load_target(kind, target_id)
    if target is None:
        return None
    due = invite_due_at(target)
    invite_time = due is not None and (invite_now or due <= clock.now())
    if invite_time:
        _, removed = sync_invitations(target)
        if removed:
            _plan_cancel_removed(target, [inv.id for inv in removed if inv.sent_sequence is not None])
        mark_audience_checked(target)
    if behind_count(target, invite_new=invite_time) == 0:
        return None
    label = target.title if isinstance(target, Series) else target.effective_title
    return fanout.plan("invite", {"target": kind, "id": target.id, "sequence": target.sequence,
                                  "changes": changes or None, "invite_new": invite_time},
                       office_id=target.office_id, key=f"invite:{kind}:{target.id}:s{target.sequence}",
                       label=label, purpose="update" if changes else "invite", urgent=is_urgent(target),
                       series_id=target.id if isinstance(target, Series) else None,
                       briefing_id=target.id if isinstance(target, Briefing) else None)


def plan_split(old_id: int, new_id: int, *, changes: dict | None = None) -> None:
    """'This and following': the old series' update (its UNTIL) and, if the old series was already sent,
    the new series' REQUEST, planned together. Sent apart (the new series at its own invitation time,
    days later), the journalists' calendars would show the series ending in between."""
    old = load_target("series", old_id)
    new = load_target("series", new_id)
    if old is not None:
        plan_invitations("series", old.id, changes=changes)
    if new is None:
        return
    if old is not None and _was_sent(old):
        plan_invitations("series", new.id, invite_now=True)
    else:
        schedule_invitations("series", new.id)


def _was_sent(series: Series) -> bool:
    return db.session.scalar(select(Invitation.id).where(
        Invitation.series_id == series.id, Invitation.sent_sequence.is_not(None)).limit(1)) is not None


def behind_count(target: Target, *, invite_new: bool) -> int:
    """How many active journalists are not yet at the target's SEQUENCE (counted in SQL)."""
    behind = Invitation.sent_sequence < target.sequence
    if invite_new:
        behind = behind | Invitation.sent_sequence.is_(None)
    return db.session.scalar(
        select(func.count(Invitation.id)).join(Journalist, Journalist.id == Invitation.journalist_id)
        .where(_column(target) == target.id, Invitation.cancelled_at.is_(None), Journalist.status == "active",
               behind)) or 0


def mark_audience_checked(target: Target) -> None:
    """Record that the invitations match the audience now (a plain UPDATE: no optimistic-lock bump)."""
    model = Series if isinstance(target, Series) else Briefing
    db.session.execute(update(model).where(model.id == target.id).values(audience_checked_at=clock.now())
                       .execution_options(synchronize_session=False))


def _plan_cancel_removed(target: Target, invitation_ids: list[int]) -> None:
    if not invitation_ids:
        return
    batch = hashlib.sha1(",".join(map(str, sorted(invitation_ids))).encode()).hexdigest()[:12]
    label = target.title if isinstance(target, Series) else target.effective_title
    fanout.plan("cancel_removed", {"target": _kind(target), "id": target.id, "invitation_ids": invitation_ids},
                office_id=target.office_id, key=f"cancel-removed:{target.uid}:{batch}", label=label,
                purpose="cancel", urgent=is_urgent(target))


def plan_occurrence_update(briefing_id: int, *, changes: dict) -> FanOut | None:
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None or briefing.series_id is None:
        return None
    return fanout.plan("occurrence_update", {"briefing_id": briefing.id, "sequence": briefing.sequence,
                                             "changes": changes},
                       office_id=briefing.office_id, key=f"update:{briefing.id}:s{briefing.sequence}",
                       label=briefing.effective_title, purpose="update", urgent=is_urgent(briefing),
                       briefing_id=briefing.id)


def plan_cancellation(briefing_id: int) -> FanOut | None:
    """CANCEL one occurrence or an ad hoc briefing, to those invited."""
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None:
        return None
    sequence = itip.cancel_sequence(briefing)
    return fanout.plan("cancel", {"briefing_id": briefing.id, "sequence": sequence},
                       office_id=briefing.office_id, key=f"cancel:{briefing.id}:s{sequence}",
                       label=briefing.effective_title, purpose="cancel", urgent=is_urgent(briefing),
                       briefing_id=briefing.id)


# --- reminders ------------------------------------------------------------------------------------------

def reminder_offsets(briefing: Briefing) -> list[int]:
    offsets = briefing.series.reminders if briefing.series is not None else DEFAULT_REMINDERS
    return sorted({int(m) for m in (offsets or []) if 0 < int(m) <= MAX_REMINDER_MINUTES}, reverse=True)


def plan_due_reminders(now: datetime | None = None) -> int:
    """Periodic: a reminder fan-out for each offset whose time has come, before each upcoming briefing.

    Never for cancelled or past briefings, nor for a time that passed before the briefing was created (a
    crisis called an hour ahead gets its invitation, not at once a "starts in an hour" reminder too); a
    reschedule moves them (the key holds the start). Someone invited after a reminder's time does not get
    that reminder. Returns how many were planned."""
    now = now or clock.now()
    planned = 0
    briefings = list(db.session.scalars(select(Briefing).where(
        Briefing.status.in_(ACTIVE), Briefing.start > now,
        Briefing.start <= now + timedelta(minutes=MAX_REMINDER_MINUTES)).order_by(Briefing.start)))
    for briefing in briefings:
        for offset in reminder_offsets(briefing):
            due = briefing.start - timedelta(minutes=offset)
            if due < briefing.created_at:
                continue  # its time passed before the briefing existed: the invitation itself is the notice
            if due <= now and _plan_reminder(briefing, offset, due):
                planned += 1
    return planned


def _plan_reminder(briefing: Briefing, offset: int, due: datetime) -> bool:
    key = f"remind:{briefing.id}:{offset}:{briefing.start.isoformat()}"
    if db.session.scalar(select(FanOut.id).where(FanOut.key == key)) is not None:
        return False  # planned before (a run of its own sees it through)
    fanout.plan("reminder", {"briefing_id": briefing.id, "offset": offset, "start": briefing.start.isoformat(),
                             "due": due.isoformat()},
                office_id=briefing.office_id, key=key, label=briefing.effective_title, purpose="reminder",
                urgent=briefing.start - clock.now() <= timedelta(hours=2), briefing_id=briefing.id)
    return True


# --- the safety net --------------------------------------------------------------------------------------

def safety_net(now: datetime | None = None) -> int:
    """Periodic: re-match the invitations of open targets whose audience may have changed since they were
    last checked (a journalist, a list or the target itself changed), and plan what is behind.

    Incremental: a target nothing touched since its last check costs one comparison, so a backlog of
    open invitations costs nothing. Returns how many targets were re-checked."""
    now = now or clock.now()
    versions = _audience_versions()
    checked = 0
    upcoming = select(Briefing.series_id).where(Briefing.series_id.is_not(None), Briefing.start >= now,
                                                Briefing.status.in_(ACTIVE)).distinct()
    series_rows = db.session.execute(select(Series.id, Series.office_id, Series.audience_checked_at,
                                            Series.updated_at).where(Series.id.in_(upcoming))).all()
    adhoc_rows = db.session.execute(select(Briefing.id, Briefing.office_id, Briefing.audience_checked_at,
                                           Briefing.last_modified).where(
        Briefing.series_id.is_(None), Briefing.end >= now, Briefing.status.in_(ACTIVE))).all()
    for kind, rows in (("series", series_rows), ("briefing", adhoc_rows)):
        for target_id, office_id, checked_at, changed_at in rows:
            if not _stale(checked_at, changed_at, versions.get(office_id)):
                continue
            target = load_target(kind, target_id)
            due = invite_due_at(target) if target is not None else None
            if due is None or due > now:
                continue
            plan_invitations(kind, target_id)
            checked += 1
    return checked


def _stale(checked_at: datetime | None, changed_at: datetime | None, audience_version: datetime | None) -> bool:
    if checked_at is None:
        return True
    return any(moment is not None and moment >= checked_at for moment in (changed_at, audience_version))


def _audience_versions() -> dict[int, datetime]:
    """Per office: the last time any journalist or distribution list changed (indexed maxima)."""
    versions: dict[int, datetime] = {}
    for model in (Journalist, DistributionList):
        for office_id, latest in db.session.execute(select(model.office_id, func.max(model.updated_at))
                                                    .group_by(model.office_id)):
            if latest is not None and (office_id not in versions or latest > versions[office_id]):
                versions[office_id] = latest
    return versions
