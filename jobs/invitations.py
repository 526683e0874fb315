"""Invitation mail: invites, updates, cancellations and reminders, fanned out through a bounded pool.

Every fan-out is resumable and idempotent: messages are keyed (the invitation, what is sent, and
its SEQUENCE), so a killed worker, a flushed Redis or two workers on the same fan-out never lose a
recipient and never mail one twice. Progress is kept in a ``FanOut`` row the briefing page shows.
"""
from __future__ import annotations

import copy
import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from coordinator.core import clock, events, tasks
from coordinator.extensions import db
from coordinator.invitations import itip, messages
from coordinator.invitations.models import FanOut, Invitation
from coordinator.invitations.operations import (
    effective_rsvp,
    invitations_of,
    rsvps_for_briefing,
    sync_invitations,
    target_of,
)
from coordinator.mail import service
from coordinator.mail.backends import TemporaryMailError
from coordinator.mail.bulk import BulkReport, BulkSender, LazyMessage
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office
from coordinator.schedule.models import DEFAULT_REMINDERS, Briefing, Series

log = logging.getLogger(__name__)

CHUNK = 200
HELPER_POLL_SECONDS = 1.0
MAX_REMINDER_MINUTES = 7 * 24 * 60
ACTIVE = ("scheduled", "moved")


# --- the fan-out engine ------------------------------------------------------------------------------

def _fan_out(*, key: str, purpose: str, label: str, office: Office, invitations: Sequence[Invitation],
             build: Callable[[Invitation], OutgoingMessage], event_id: int | None = None,
             series_id: int | None = None, briefing_id: int | None = None,
             on_finished: Callable[[Invitation, int, str], None] | None = None,
             message_key: Callable[[Invitation], str] | None = None,
             assist: Assist | None = None, call_for_help: Callable[[Assist], None] | None = None) -> BulkReport:
    """Send one message per invitation; raise ``TemporaryMailError`` if some are still pending.

    With ``message_key`` (the key ``build`` would give), each message is built just before it is
    sent, so composing overlaps with the network waits of those in flight.

    A large fan-out is shared between workers: the job that owns it (``assist`` None) asks for
    ``FANOUT_PARTS - 1`` assistants through ``call_for_help``; each assistant runs the same fan-out
    starting at its own part of the list, and every message is claimed before it is sent (see
    ``BulkSender``), so workers never send one message twice and whatever an assistant leaves (killed,
    never started, Redis flushed) the owner still finds pending and sends or retries. Only the owner
    sets the totals, records the end and raises while anything is left."""
    mailable = [inv for inv in invitations if inv.journalist.status == "active"]
    if assist is not None:
        fan_id, finished_at = db.session.execute(select(FanOut.id, FanOut.finished_at)
                                                 .where(FanOut.key == key)).first() or (None, None)
        if fan_id is None or finished_at is not None:  # not started, gone, or over: nothing to help with
            return BulkReport()
        return _send_invitations_in_chunks(fan_id, _rotated(mailable, assist), build=build, office=office,
                                           purpose=purpose, on_finished=on_finished, message_key=message_key,
                                           event_id=None)
    fan = db.session.scalar(select(FanOut).where(FanOut.key == key))
    if fan is None:
        fan = FanOut(key=key, office_id=office.id, purpose=purpose, label=label[:500], series_id=series_id,
                     briefing_id=briefing_id)
        db.session.add(fan)
    fan.total = len(invitations)
    fan.suppressed = len(invitations) - len(mailable)
    fan.updated_at = clock.now()
    db.session.commit()
    fan_id = fan.id
    parts = int(current_app.config.get("FANOUT_PARTS", 4))
    shared = (call_for_help is not None and message_key is not None and parts > 1
              and len(mailable) >= int(current_app.config.get("FANOUT_ASSIST_MIN", 1000)))
    if shared:
        for part in range(1, parts):
            call_for_help(Assist(part, parts))
    send = functools.partial(_send_invitations_in_chunks, fan_id, build=build, office=office, purpose=purpose,
                             on_finished=on_finished, message_key=message_key, event_id=event_id)
    total = send(mailable)
    if shared:
        total = _wait_for_helpers(total, mailable, send, message_key, event_id)
    values = {"pending": total.pending, "updated_at": clock.now()}
    if total.pending == 0:
        values["finished_at"] = clock.now()
    db.session.execute(update(FanOut).where(FanOut.id == fan_id).values(**values))
    _recount(fan_id, mailable)
    db.session.commit()
    if total.pending:
        raise TemporaryMailError(f"{total.pending} message(s) of {key} still to send")
    return total


def _wait_for_helpers(total: BulkReport, mailable: Sequence[Invitation], send: Callable[[list], BulkReport],
                      message_key: Callable[[Invitation], str], event_id: int | None) -> BulkReport:
    """What the owner found claimed by its helpers is pending: wait for them (at most until their
    claims would expire, after which the owner may claim those messages itself), then take the
    results, so the fan-out ends here rather than in a retry."""
    deadline = time.monotonic() + service.claim_seconds() + 5
    while total.pending and time.monotonic() < deadline:
        unfinished = [inv for inv in mailable if message_key(inv) not in total.finished]
        held = _held_by_others([message_key(inv) for inv in unfinished])
        if held:
            time.sleep(HELPER_POLL_SECONDS)
            if event_id is not None:
                events.renew_lease(event_id)
        again = send(unfinished)  # takes what the helpers finished, and sends what they left
        total.pending = 0
        total.add(again)
        if not held:
            break  # what is still pending failed for a time (the provider): the job's retry takes it
    return total


def _close_if_done(key: str) -> None:
    """A retry with nothing left to send (helpers finished the rest): the fan-out is over."""
    db.session.execute(update(FanOut).where(FanOut.key == key, FanOut.finished_at.is_(None))
                       .values(pending=0, finished_at=clock.now(), updated_at=clock.now()))
    db.session.commit()


def _held_by_others(keys: Sequence[str]) -> bool:
    """Whether any of these messages is being sent right now (claimed, claim not expired)."""
    from coordinator.mail.models import Delivery

    now = clock.now()
    for start in range(0, len(keys), 900):
        held = db.session.scalar(select(Delivery.id).where(
            Delivery.key.in_(keys[start:start + 900]), Delivery.state == "sending",
            Delivery.claimed_until > now).limit(1))
        if held is not None:
            return True
    return False


@dataclass(frozen=True)
class Assist:
    """Which helper of a shared fan-out this is: part ``part`` of ``parts`` (the owner is part 0)."""

    part: int
    parts: int


def _rotated(items: Sequence[Invitation], assist: Assist) -> list[Invitation]:
    """The whole list, starting at this helper's part: workers begin apart and meet at the end."""
    start = len(items) * assist.part // assist.parts
    return [*items[start:], *items[:start]]


def _send_invitations_in_chunks(fan_id: int, mailable: Sequence[Invitation], *, build: Callable,
                                office: Office, purpose: str, on_finished: Callable | None,
                                message_key: Callable | None, event_id: int | None) -> BulkReport:
    total = BulkReport()
    concurrency = int(current_app.config.get("MAIL_CONCURRENCY", 16))
    with BulkSender(concurrency=concurrency) as sender:
        for start in range(0, len(mailable), CHUNK):
            chunk = mailable[start:start + CHUNK]
            # One query reloads the chunk (the last commit expired it), instead of two lazy loads a message.
            db.session.execute(select(Invitation).options(joinedload(Invitation.journalist))
                               .where(Invitation.id.in_([inv.id for inv in chunk]))
                               .execution_options(populate_existing=True)).unique().all()
            by_key = {}
            batch = []
            for invitation in chunk:
                if message_key is not None:
                    message = LazyMessage(key=message_key(invitation), office_id=office.id, purpose=purpose,
                                          to_email=invitation.journalist.email,
                                          build=lambda invitation=invitation: build(invitation))
                else:
                    message = build(invitation)
                by_key[message.key] = invitation
                batch.append(message)
            report = sender.send(batch)
            total.add(report)
            for finished_key, (delivery_id, state) in report.finished.items():
                invitation = by_key[finished_key]
                invitation.last_delivery_id = delivery_id
                if on_finished is not None:
                    on_finished(invitation, delivery_id, state)
            db.session.execute(update(FanOut).where(FanOut.id == fan_id).values(
                sent=FanOut.sent + report.sent, failed=FanOut.failed + report.failed,
                suppressed=FanOut.suppressed + report.suppressed, updated_at=clock.now()))
            db.session.commit()
            if event_id is not None:
                events.renew_lease(event_id)
    return total


def _recount(fan_id: int, mailable: Sequence[Invitation]) -> None:
    """Counters from the deliveries themselves, so resumed and parallel runs add up exactly."""
    from coordinator.mail.models import Delivery

    ids = [inv.last_delivery_id for inv in mailable if inv.last_delivery_id]
    if not ids:
        return
    counts = {state: 0 for state in ("sent", "failed", "suppressed")}
    for start in range(0, len(ids), 900):
        for state, count in db.session.execute(select(Delivery.state, db.func.count())
                                               .where(Delivery.id.in_(ids[start:start + 900]))
                                               .group_by(Delivery.state)):
            if state in counts:
                counts[state] += count
    skipped = db.session.scalar(select(FanOut.total).where(FanOut.id == fan_id)) - len(mailable)
    db.session.execute(update(FanOut).where(FanOut.id == fan_id).values(
        sent=counts["sent"], failed=counts["failed"], suppressed=counts["suppressed"] + skipped))


def _office(office_id: int) -> Office:
    return db.session.get(Office, office_id)


def _first_upcoming(series: Series, now: datetime | None = None) -> Briefing | None:
    now = now or clock.now()
    return db.session.scalar(select(Briefing).where(Briefing.series_id == series.id, Briefing.start >= now,
                                                    Briefing.status.in_(ACTIVE)).order_by(Briefing.start))


def invite_due_at(target: Series | Briefing) -> datetime | None:
    """When the invitations for a series or ad hoc briefing go out (None: never, it is over)."""
    if isinstance(target, Series):
        first = _first_upcoming(target)
        if first is None:
            return None
        return first.start - timedelta(days=target.invite_lead_days)
    if target.status not in ACTIVE or target.end < clock.now():
        return None
    return clock.now()


# --- invitations ---------------------------------------------------------------------------------------

def _load_target(kind: str, target_id: int) -> Series | Briefing | None:
    return db.session.get(Series if kind == "series" else Briefing, target_id)


def send_invitations(kind: str, target_id: int, *, event_id: int | None = None,
                     changes: dict | None = None, assist: Assist | None = None) -> BulkReport | None:
    """The full REQUEST of a series or ad hoc briefing, at its current SEQUENCE, to every journalist
    of its audience not yet sent that SEQUENCE: a first invitation for newcomers, an update (with what
    changed) for those invited before. Journalists who left the audience get a CANCEL.

    With ``assist``, this run only helps the one that owns the fan-out send its messages (no audience
    sync, no cancellations, no totals): see ``_fan_out``.
    """
    target = _load_target(kind, target_id)
    if target is None:
        return
    due = invite_due_at(target)
    # Before the invitation time (a delayed event will come) or after the end, nobody new is invited;
    # those already invited still get every update (an ended series' UNTIL included).
    invite_time = due is not None and due <= clock.now()
    office = _office(target.office_id)
    if invite_time and assist is None:
        _, removed = sync_invitations(target)
        db.session.commit()
        if removed:
            _cancel_for(removed, target, office, event_id=event_id)
    sequence = target.sequence
    behind = [inv for inv in invitations_of(target)
              if (inv.sent_sequence is None and invite_time)
              or (inv.sent_sequence is not None and inv.sent_sequence < sequence)]
    key = f"invite:{kind}:{target.id}:s{sequence}"
    if not behind:
        if assist is None:
            _close_if_done(key)
        return None
    first = _first_upcoming(target) if isinstance(target, Series) else None
    components = itip.series_components(target) if isinstance(target, Series) else None

    def build(invitation: Invitation) -> OutgoingMessage:
        return messages.invite(invitation, target, office, first=first,
                               changes=changes if invitation.sent_sequence is not None else None,
                               components=copy.deepcopy(components) if components is not None else None)

    def finished(invitation: Invitation, delivery_id: int, state: str) -> None:
        invitation.sent_sequence = max(invitation.sent_sequence or 0, sequence)
        invitation.invited_at = invitation.invited_at or clock.now()

    label = target.title if isinstance(target, Series) else target.effective_title
    return _fan_out(key=key, purpose="update" if changes else "invite",
             label=label, office=office, invitations=behind, build=build, event_id=event_id,
             series_id=target.id if isinstance(target, Series) else None,
             briefing_id=target.id if isinstance(target, Briefing) else None, on_finished=finished,
             message_key=lambda invitation: messages.invite_key(invitation, target), assist=assist,
             call_for_help=lambda helper: tasks.enqueue("invitations.assist", kind, target.id, helper.part,
                                                        helper.parts, changes=changes))


def assist_invitations(kind: str, target_id: int, part: int, parts: int, *, changes: dict | None = None) -> int:
    """A second (third, ...) worker on a large invitation fan-out; harmless if it runs late or twice.
    Returns how many messages this helper sent."""
    report = send_invitations(kind, target_id, changes=changes, assist=Assist(part, parts))
    return report.sent if report is not None else 0


def dispatch_due_invitations(now: datetime | None = None) -> int:
    """Periodic safety net: every series and ad hoc briefing whose invitation time has come sends
    to whoever is not yet at its SEQUENCE (new list members, a missed delayed event)."""
    now = now or clock.now()
    count = 0
    upcoming = select(Briefing.series_id).where(Briefing.series_id.is_not(None), Briefing.start >= now,
                                                Briefing.status.in_(ACTIVE)).distinct()
    for series in list(db.session.scalars(select(Series).where(Series.id.in_(upcoming)))):
        due = invite_due_at(series)
        if due is not None and due <= now:
            send_invitations("series", series.id)
            count += 1
    adhoc = select(Briefing.id).where(Briefing.series_id.is_(None), Briefing.end >= now,
                                      Briefing.status.in_(ACTIVE))
    for briefing_id in list(db.session.scalars(adhoc)):
        send_invitations("briefing", briefing_id)
        count += 1
    return count


def _cancel_for(invitations: Iterable[Invitation], target: Series | Briefing, office: Office,
                event_id: int | None) -> None:
    """CANCEL the whole series or ad hoc briefing for these invitations (they were sent a REQUEST)."""
    sent = [inv for inv in invitations if inv.sent_sequence is not None]
    if not sent:
        return
    if isinstance(target, Series):
        start, end, title, tz = target.start_aware, target.start_aware + target.duration, target.title, target.timezone
    else:
        start, end, title, tz = target.start, target.end, target.effective_title, target.timezone
    sequence = target.sequence + 1

    def build(invitation: Invitation) -> OutgoingMessage:
        return messages.cancellation(invitation, office, uid=target.uid, sequence=sequence, title=title,
                                     start=start, end=end, timezone=tz, recurrence_id=None,
                                     key=f"cancel:{invitation.id}:{target.uid}", whole_series=True)

    _fan_out(key=f"cancel-removed:{target.uid}:{event_id}", purpose="cancel", label=title, office=office,
             invitations=sent, build=build, event_id=event_id)


def send_occurrence_update(briefing_id: int, *, event_id: int, changes: dict) -> None:
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None or briefing.series_id is None:
        return
    office = _office(briefing.office_id)
    invitations = [inv for inv in invitations_of(briefing.series) if inv.sent_sequence is not None]
    component = itip.occurrence_component(briefing)

    def build(invitation: Invitation) -> OutgoingMessage:
        return messages.occurrence_update(invitation, briefing, office, changes, component=copy.deepcopy(component))

    _fan_out(key=f"update:{briefing.id}:s{briefing.sequence}", purpose="update", label=briefing.effective_title,
             office=office, invitations=invitations, build=build, event_id=event_id, briefing_id=briefing.id)


def send_cancellation(briefing_id: int, *, event_id: int) -> None:
    """CANCEL one occurrence (with its RECURRENCE-ID) or an ad hoc briefing, to those invited."""
    briefing = db.session.get(Briefing, briefing_id)
    if briefing is None:
        return
    office = _office(briefing.office_id)
    target = target_of(briefing)
    invitations = [inv for inv in invitations_of(target) if inv.sent_sequence is not None]
    uid = briefing.uid
    sequence = briefing.sequence if briefing.series_id is None else max(briefing.sequence, briefing.series.sequence)

    def build(invitation: Invitation) -> OutgoingMessage:
        return messages.cancellation(invitation, office, uid=uid, sequence=sequence,
                                     title=briefing.effective_title, start=briefing.start, end=briefing.end,
                                     timezone=briefing.timezone, recurrence_id=briefing.recurrence_id,
                                     key=f"cancel:{invitation.id}:{briefing.id}:s{sequence}")

    _fan_out(key=f"cancel:{briefing.id}:s{sequence}", purpose="cancel", label=briefing.effective_title,
             office=office, invitations=invitations, build=build, event_id=event_id, briefing_id=briefing.id)


# --- reminders -----------------------------------------------------------------------------------------

def reminder_offsets(briefing: Briefing) -> list[int]:
    offsets = briefing.series.reminders if briefing.series is not None else DEFAULT_REMINDERS
    return sorted({int(m) for m in (offsets or []) if 0 < int(m) <= MAX_REMINDER_MINUTES}, reverse=True)


def send_due_reminders(now: datetime | None = None) -> int:
    """Periodic: remind those who accepted or have not answered, at each offset before the start.

    Never for cancelled or past briefings; a reschedule moves them (the key holds the start).
    Someone invited after a reminder's time does not get that reminder.
    """
    now = now or clock.now()
    sent = 0
    briefings = db.session.scalars(select(Briefing).where(
        Briefing.status.in_(ACTIVE), Briefing.start > now,
        Briefing.start <= now + timedelta(minutes=MAX_REMINDER_MINUTES)).order_by(Briefing.start))
    for briefing in list(briefings):
        for offset in reminder_offsets(briefing):
            due = briefing.start - timedelta(minutes=offset)
            if due > now:
                continue
            sent += _remind(briefing, offset, due)
    return sent


def _remind(briefing: Briefing, offset: int, due: datetime) -> int:
    key = f"remind:{briefing.id}:{offset}:{briefing.start.isoformat()}"
    if db.session.scalar(select(FanOut.finished_at).where(FanOut.key == key)):
        return 0
    office = _office(briefing.office_id)
    answers = rsvps_for_briefing(briefing)
    invitations = [inv for inv in invitations_of(target_of(briefing))
                   if inv.invited_at is not None and inv.invited_at < due
                   and answers.get(inv.journalist_id) in ("accepted", "needs_action")]
    if not invitations:
        return 0

    def build(invitation: Invitation) -> OutgoingMessage:
        return messages.reminder(invitation, briefing, office, offset)

    report = _fan_out(key=key, purpose="reminder", label=briefing.effective_title, office=office,
                      invitations=invitations, build=build, briefing_id=briefing.id)
    return report.sent


__all__ = ["effective_rsvp", "invite_due_at", "send_cancellation", "send_due_reminders", "send_invitations",
           "send_occurrence_update"]
