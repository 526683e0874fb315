"""``POST /webhooks/sendgrid/inbound``: calendar clients' iMIP REPLY (RSVP) through SendGrid Inbound Parse.

SendGrid posts the message as multipart/form-data; with "POST the raw, full MIME message" the
``email`` field holds it whole, otherwise calendar files arrive as attachments. Every VEVENT of a
METHOD:REPLY calendar is matched to an invitation by its UID and the ATTENDEE's address (which
must also be the sender's), and its PARTSTAT becomes the answer: for one occurrence when it has
a RECURRENCE-ID, for the whole series otherwise.
"""
from __future__ import annotations

import email
import email.policy
import logging
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from icalendar import Calendar
from sqlalchemy import select

from coordinator.contacts.models import Journalist
from coordinator.extensions import csrf, db, limiter
from coordinator.invitations.models import PARTSTAT_TO_RSVP, Invitation
from coordinator.invitations.operations import set_rsvp
from coordinator.schedule.models import Briefing, Series

log = logging.getLogger(__name__)

bp = Blueprint("inbound", __name__, url_prefix="/webhooks/sendgrid")
csrf.exempt(bp)
limiter.exempt(bp)


def _calendars_from_mime(raw: bytes) -> tuple[list[bytes], str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    sender = ""
    if message["From"] is not None and message["From"].addresses:
        sender = message["From"].addresses[0].addr_spec.lower()
    found = []
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics") or (
                (part.get_filename() or "").lower().endswith(".ics")):
            payload = part.get_payload(decode=True)
            if payload:
                found.append(payload)
    return found, sender


def _calendars_from_form() -> tuple[list[bytes], str]:
    if request.form.get("email"):
        return _calendars_from_mime(request.form["email"].encode("utf-8", "surrogateescape"))
    sender = email.utils.parseaddr(request.form.get("from", ""))[1].lower()
    found = []
    for upload in request.files.values():
        if upload.mimetype in ("text/calendar", "application/ics") or (upload.filename or "").lower().endswith(".ics"):
            found.append(upload.read(1_000_000))
    return found, sender


def _as_utc(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _apply_reply(component, sender: str) -> str:
    uid = str(component.get("UID", ""))
    if not uid:
        return "no uid"
    series = db.session.scalar(select(Series).where(Series.uid == uid))
    adhoc = None if series else db.session.scalar(select(Briefing).where(Briefing.uid == uid,
                                                                         Briefing.series_id.is_(None)))
    target = series or adhoc
    if target is None:
        return "unknown uid"
    attendees = component.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    outcome = "no attendee"
    for attendee in attendees:
        address = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").strip().lower()
        if sender and address != sender:
            outcome = "attendee is not the sender"
            continue
        answer = PARTSTAT_TO_RSVP.get(str(attendee.params.get("PARTSTAT", "")).upper())
        if answer not in ("accepted", "tentative", "declined"):
            outcome = "no answer"
            continue
        journalist = db.session.scalar(select(Journalist).where(Journalist.office_id == target.office_id,
                                                                Journalist.email == address))
        if journalist is None:
            outcome = "unknown attendee"
            continue
        column = Invitation.series_id if series else Invitation.briefing_id
        invitation = db.session.scalar(select(Invitation).where(column == target.id,
                                                                Invitation.journalist_id == journalist.id))
        if invitation is None:
            outcome = "not invited"
            continue
        occurrence = None
        rid = component.get("RECURRENCE-ID")
        if series is not None and rid is not None:
            occurrence = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id,
                                                                  Briefing.recurrence_id == _as_utc(rid.dt)))
            if occurrence is None:
                outcome = "unknown occurrence"
                continue
        set_rsvp(invitation, answer, source="imip", briefing=occurrence, actor_label=address)
        outcome = "recorded"
    return outcome


# A reply from a calendar client answers one invitation: a series and its overrides, a few components. More
# is not a reply but a way to make the server parse (60,000 VEVENTs took ~39 s of CPU).
MAX_CALENDARS = 5
MAX_COMPONENTS = 100


def _too_large(calendars: list[bytes]) -> bool:
    return len(calendars) > MAX_CALENDARS or any(
        data.upper().count(b"BEGIN:V") > MAX_COMPONENTS for data in calendars)


@bp.post("/inbound")
def sendgrid_inbound():
    calendars, sender = _calendars_from_form()
    if not request.form and not request.files:
        return jsonify({"error": {"code": "bad_request", "message": "expected SendGrid Inbound Parse form data",
                                  "fields": {}}}), 400
    if _too_large(calendars):
        return jsonify({"error": {"code": "payload_too_large", "fields": {},
                                  "message": f"at most {MAX_CALENDARS} calendars of {MAX_COMPONENTS} components"}}), 413
    results: dict[str, int] = {}
    for data in calendars:
        try:
            cal = Calendar.from_ical(data)
        except ValueError:
            results["unreadable calendar"] = results.get("unreadable calendar", 0) + 1
            continue
        if str(cal.get("METHOD", "")).upper() != "REPLY":
            results["not a reply"] = results.get("not a reply", 0) + 1
            continue
        for component in cal.walk("VEVENT"):
            outcome = _apply_reply(component, sender)
            results[outcome] = results.get(outcome, 0) + 1
    return jsonify({"recorded": results.pop("recorded", 0), "ignored": results})
