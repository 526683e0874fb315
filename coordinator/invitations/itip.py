"""iTIP (RFC 5546) calendars for one invited journalist: REQUEST and CANCEL.

Each message carries only that journalist as ATTENDEE (RSVP=TRUE) and the office as
ORGANIZER (under its name; the address is the invitation's own reply address when REPLY_DOMAIN is
set), so journalists never see each other's addresses. A series is sent as one
VEVENT with its RRULE plus its RECURRENCE-ID overrides, as in the feeds, except that a cancelled
occurrence is an EXDATE on the master: RFC 5546 allows no STATUS:CANCELLED in a REQUEST (the invited
get that occurrence's own CANCEL with its RECURRENCE-ID). DTSTAMP is when the message was made
(RFC 5546 §2.1.5), not when the record last changed (that is LAST-MODIFIED).
"""
from __future__ import annotations

import functools
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline
from sqlalchemy import func, select

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.core.icalendar_tz import add_missing_timezones
from coordinator.extensions import db
from coordinator.invitations.models import RSVP_TO_PARTSTAT
from coordinator.offices.models import Office
from coordinator.schedule import ical
from coordinator.schedule.holidays import DaysOff
from coordinator.schedule.models import Briefing, Series

PRODID = "-//Dieu phoi hop bao//Invitations//VI"


def _organizer(email: str, name: str) -> vCalAddress:
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["CN"] = vText(name)
    return organizer


def _attendee(journalist: Journalist, partstat: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{journalist.email}")
    attendee.params["CN"] = vText(journalist.full_name)
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = partstat
    attendee.params["RSVP"] = "TRUE"
    return attendee


def _feed_end() -> datetime:
    today = clock.today()
    return datetime(today.year + ical.FEED_YEARS_AHEAD, today.month, min(today.day, 28), tzinfo=UTC)


def _feed_components(series: Series) -> list[Event]:
    rows = ical.rows_for([series.id])[series.id]
    return ical.series_events(series, rows, DaysOff.for_office(series.office_id), _feed_end())


def series_components(series: Series) -> list[Event]:
    """The series as a REQUEST carries it: the feed's master and overrides, cancelled ones as EXDATE."""
    master, *overrides = _feed_components(series)
    cancelled = [event for event in overrides if str(event.get("STATUS")) == "CANCELLED"]
    if cancelled:
        _add_exdates(master, [event["RECURRENCE-ID"].dt for event in cancelled])
    return [master, *(event for event in overrides if str(event.get("STATUS")) != "CANCELLED")]


def _add_exdates(master: Event, moments: list[datetime]) -> None:
    """One EXDATE property with the master's own dates and ``moments``, in order."""
    existing = master.pop("EXDATE", None)
    props = existing if isinstance(existing, list) else [existing] if existing is not None else []
    dates = {value.dt for prop in props for value in prop.dts} | set(moments)
    master.add("exdate", sorted(dates, key=lambda moment: moment.astimezone(UTC)))


def occurrence_component(briefing: Briefing) -> Event:
    """The RECURRENCE-ID override of one occurrence, as it stands now."""
    series = briefing.series
    for event in _feed_components(series):
        rid = event.get("RECURRENCE-ID")
        if rid is not None and rid.dt.astimezone(UTC) == briefing.recurrence_id:
            return event
    # Not different from the rule (e.g. edited back): describe it explicitly all the same.
    tz = series.tz
    return Event.new(uid=series.uid, summary=briefing.effective_title, start=briefing.start.astimezone(tz),
                     end=briefing.end.astimezone(tz), stamp=briefing.last_modified.astimezone(UTC),
                     recurrence_id=ical.nominal_start(briefing.recurrence_id, series),
                     sequence=max(briefing.sequence, series.sequence),
                     status=ical.STATUS_TO_ICAL[briefing.status])


ATTENDEE_SLOT = "ATTENDEE:mailto:slot@attendee.invalid"


def attendee_line(journalist: Journalist, rsvp: str = "needs_action") -> str:
    """One journalist's ATTENDEE content line, folded as RFC 5545 says (no line end)."""
    partstat = RSVP_TO_PARTSTAT.get(rsvp, "NEEDS-ACTION")
    return Event().content_line("ATTENDEE", _attendee(journalist, partstat)).to_ical().decode()


def made_at() -> datetime:
    """A message's DTSTAMP: now, to the second."""
    return clock.now().astimezone(UTC).replace(microsecond=0)


ORGANIZER_SLOT = "ORGANIZER:mailto:slot@organizer.invalid"


@functools.lru_cache(maxsize=256)
def organizer_line(organizer: tuple[str, str]) -> str:
    """The ORGANIZER content line for (address, name), folded (no line end). The address differs per
    journalist when replies go to per-invitation addresses (``invitations.replies``); without them every
    journalist of a fan-out gets the same line, rendered once."""
    return Event().content_line("ORGANIZER", _organizer(*organizer)).to_ical().decode()


def calendar_shell(method: str, components: list[Event], *, office: Office,
                   stamp: datetime | None = None) -> str:
    """The calendar every invited journalist gets, with ORGANIZER and ATTENDEE slots in each component:
    rendered once for a fan-out, then ``fill(shell, journalist, organizer=...)`` puts in the one journalist
    it is for and the organizer they answer (byte for byte what ``calendar`` renders for them). ``stamp``
    (default: now) is every component's DTSTAMP."""
    cal = Calendar.new(prodid=PRODID, method=method)
    stamp = stamp or made_at()
    for component in components:
        for name in ("ORGANIZER", "ATTENDEE", "X-COORDINATOR-STATUS", "DTSTAMP"):
            component.pop(name, None)
        component.add("dtstamp", stamp)
        component.add("organizer", vCalAddress(ORGANIZER_SLOT.partition(":")[2]), encode=False)
        component.add("attendee", vCalAddress(ATTENDEE_SLOT.partition(":")[2]), encode=False)
        if method == "CANCEL":
            component.pop("STATUS", None)
            component.add("status", "CANCELLED")
        cal.add_component(component)
    add_missing_timezones(cal)
    return _unfold_noted(cal.to_ical().decode())


def fill(shell: str, journalist: Journalist, rsvp: str = "needs_action", *, organizer: tuple[str, str],
         note: str | None = None) -> str:
    """``organizer``: (address, name) of the ORGANIZER this journalist's calendar names; ``note``: the
    journalist's own lines for the DESCRIPTION (``with_note``)."""
    filled = (shell.replace(ATTENDEE_SLOT + "\r\n", attendee_line(journalist, rsvp) + "\r\n")
              .replace(ORGANIZER_SLOT + "\r\n", organizer_line(organizer) + "\r\n"))
    return _put_note(filled, note) if NOTE_SLOT in filled else filled


def calendar(method: str, components: list[Event], *, office: Office, sender: tuple[str, str],
             journalist: Journalist, rsvp: str = "needs_action", stamp: datetime | None = None,
             note: str | None = None) -> str:
    """A complete METHOD:REQUEST or CANCEL calendar for one journalist; ``sender`` (address, name) is its
    ORGANIZER; ``note`` what ``with_note`` components add to their DESCRIPTION."""
    return fill(calendar_shell(method, components, office=office, stamp=stamp), journalist, rsvp,
                organizer=sender, note=note)


# --- the journalist's own lines in the event's description -------------------------------------------------
# A calendar app shows the event, not the mail: its DESCRIPTION carries the journalist's answer and portal
# links and their check-in code, so the saved event is enough at the door. The shell holds a slot where
# they go, on one unfolded line; ``fill`` puts them in and folds that line (RFC 5545 §3.1).

NOTE_SLOT = "PERSONALNOTESLOT"


def with_note(components: list[Event]) -> list[Event]:
    """The components with a slot for the journalist's own lines after their description."""
    for component in components:
        base = str(component.pop("DESCRIPTION", "") or "")
        component.add("description", f"{base}\n\n{NOTE_SLOT}" if base else NOTE_SLOT)
    return components


def _unfold_noted(text: str) -> str:
    """The shell with the lines that hold the note's slot unfolded (they are folded once filled)."""
    unfolded = text.replace("\r\n ", "")
    if NOTE_SLOT not in unfolded:
        return text
    lines = unfolded.split("\r\n")
    return "\r\n".join(line if NOTE_SLOT in line else _fold(line) for line in lines)


def _put_note(text: str, note: str | None) -> str:
    escaped = vText(note or "").to_ical().decode()
    lines = text.split("\r\n")
    for index, line in enumerate(lines):
        if NOTE_SLOT in line:
            if not note:  # nothing to add: the description as it was
                line = line.replace("\\n\\n" + NOTE_SLOT, "")
            lines[index] = _fold(line.replace(NOTE_SLOT, escaped))
    return "\r\n".join(lines)


def cancel_component(uid: str, sequence: int, *, summary: str, start: datetime, end: datetime, tz,
                     recurrence_id: datetime | None = None) -> Event:
    event = Event.new(uid=uid, summary=summary, start=start.astimezone(tz), end=end.astimezone(tz),
                      stamp=made_at(), sequence=sequence, status="CANCELLED")
    if recurrence_id is not None:  # the instance's nominal local start (see ical.nominal_start)
        event.add("recurrence-id", recurrence_id if recurrence_id.tzinfo == tz else recurrence_id.astimezone(tz))
    return event


def cancel_sequence(briefing: Briefing) -> int:
    """A CANCEL's SEQUENCE, above every REQUEST that carried the occurrence (RFC 5546 §2.1.4): its own
    updates (the briefing's SEQUENCE) and the series' REQUESTs (the series' SEQUENCE)."""
    series = briefing.series
    return briefing.sequence if series is None else max(briefing.sequence, series.sequence + 1)


def whole_cancel_sequence(target_: Series | Briefing) -> int:
    """The SEQUENCE of a CANCEL of a whole series or ad hoc briefing: above the last REQUEST of the series
    and of every occurrence's own update (a client may compare it with either)."""
    if isinstance(target_, Briefing):
        return target_.sequence + 1
    rows = db.session.scalar(select(func.max(Briefing.sequence)).where(Briefing.series_id == target_.id))
    return max(target_.sequence, rows or 0) + 1


def _fold(line: str) -> str:
    """One content line folded at 75 octets, as icalendar folds every other line."""
    return Contentline(line).to_ical().decode()
