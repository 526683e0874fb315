"""``POST /webhooks/sendgrid/inbound/<INBOUND_SECRET>``: calendar clients' iMIP REPLY (RSVP) through SendGrid
Inbound Parse.

Authenticated as SendGrid documents it: the secret in the URL's path (a wrong one answers 404) and, with
INBOUND_BASIC_AUTH set, HTTP basic auth (401), both compared in constant time. Without INBOUND_SECRET the
endpoint fails closed (503) unless DEV_INSECURE_WEBHOOKS=1 (local work), which also keeps the old
secret-less path answering.

SendGrid posts the message as multipart/form-data; with "POST the raw, full MIME message" the
``email`` field holds it whole, otherwise calendar files arrive as attachments. With REPLY_DOMAIN set,
the message must be addressed (``envelope``'s ``to``, or the To/Cc headers) to one invitation's reply
address (``invitations.replies``); each VEVENT of a METHOD:REPLY calendar must then be that invitation's
UID, and its ATTENDEE the invitation's journalist (who must also be the sender). Without REPLY_DOMAIN an
invitation is found from the UID and the ATTENDEE. The PARTSTAT becomes the answer: for one occurrence
when the VEVENT has a RECURRENCE-ID, for the whole series otherwise. Everything else is refused with its
reason, logged, kept (``InboundRefusal``) and counted in the answer (200, so SendGrid does not post it again).
"""
from __future__ import annotations

import email
import email.policy
import email.utils
import hmac
import json
import logging
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from icalendar import Calendar
from sqlalchemy import select

from coordinator.contacts.models import Journalist
from coordinator.extensions import csrf, db, limiter
from coordinator.invitations.models import PARTSTAT_TO_RSVP, InboundRefusal, Invitation
from coordinator.invitations.operations import set_rsvp
from coordinator.invitations.replies import invitation_for_address, is_reply_address, reply_domain
from coordinator.schedule.models import Briefing, Series

log = logging.getLogger(__name__)

bp = Blueprint("inbound", __name__, url_prefix="/webhooks/sendgrid")
csrf.exempt(bp)
limiter.exempt(bp)


def _error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message, "fields": {}}}), status


# --- authentication --------------------------------------------------------------------------------------

def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def _refusal(secret: str | None):
    """None when the post may be read; otherwise the response that refuses it (nothing is read or changed)."""
    config = current_app.config
    expected = config.get("INBOUND_SECRET")
    if not expected:
        if config.get("DEV_INSECURE_WEBHOOKS"):
            return None
        log.warning("inbound post refused: INBOUND_SECRET is not set")
        return _error(503, "not_configured", "the inbound endpoint is not configured (INBOUND_SECRET)")
    if secret is None or not _same(secret, expected):
        log.warning("inbound post refused: wrong or missing secret in the URL")
        return _error(404, "not_found", "no such endpoint")
    basic = config.get("INBOUND_BASIC_AUTH")
    if basic:
        given = request.authorization
        pair = f"{given.username}:{given.password}" if given and given.type == "basic" else ""
        if not _same(pair, basic):
            log.warning("inbound post refused: bad or missing basic authentication")
            response, status = _error(401, "unauthorized", "basic authentication required")
            response.headers["WWW-Authenticate"] = 'Basic realm="inbound"'
            return response, status
    return None


# --- reading the post ----------------------------------------------------------------------------------------

def _is_calendar(content_type: str, filename: str | None) -> bool:
    return content_type in ("text/calendar", "application/ics") or (filename or "").lower().endswith(".ics")


def _read_mime(raw: bytes) -> tuple[list[bytes], str, list[str]]:
    """(calendars, sender, recipients in To/Cc) of a raw message; quoted-printable and base64 parts decoded."""
    message = email.message_from_bytes(raw, policy=email.policy.default)  # headers decoded (RFC 2047)
    sender = email.utils.parseaddr(str(message.get("From", "")))[1].lower()
    headers = [str(value) for name in ("To", "Cc") for value in message.get_all(name, [])]
    recipients = [address for _name, address in email.utils.getaddresses(headers)]
    found = []
    for part in message.walk():
        if _is_calendar(part.get_content_type(), part.get_filename()):
            payload = part.get_payload(decode=True)
            if payload:
                found.append(payload)
    return found, sender, recipients


def _envelope_recipients() -> list[str]:
    try:
        envelope = json.loads(request.form.get("envelope") or "{}")
    except ValueError:
        return []
    to = envelope.get("to") if isinstance(envelope, dict) else None
    return [str(item) for item in to if isinstance(item, str)] if isinstance(to, list) else []


def _read_form() -> tuple[list[bytes], str, list[str]]:
    """(calendars, sender, every address the message was sent to) of an Inbound Parse post."""
    recipients = _envelope_recipients() + [address for _name, address in email.utils.getaddresses(
        [request.form.get("to", ""), request.form.get("cc", "")])]
    if request.form.get("email"):
        calendars, sender, in_headers = _read_mime(request.form["email"].encode("utf-8", "surrogateescape"))
        return calendars, sender, recipients + in_headers
    sender = email.utils.parseaddr(request.form.get("from", ""))[1].lower()
    found = []
    for upload in request.files.values():
        if _is_calendar(upload.mimetype, upload.filename):
            found.append(upload.read(1_000_000))
    return found, sender, recipients


# --- matching a reply to an invitation --------------------------------------------------------------------

def _as_utc(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _attendees(component) -> list:
    found = component.get("ATTENDEE")
    return found if isinstance(found, list) else [found] if found else []


def _address(attendee) -> str:
    return str(attendee).strip().lower().removeprefix("mailto:").strip()


def _answer(invitation: Invitation, series: Series | None, component, attendee, address: str) -> str:
    """Record one ATTENDEE's PARTSTAT on the invitation; "recorded" or why not."""
    answer = PARTSTAT_TO_RSVP.get(str(attendee.params.get("PARTSTAT", "")).upper())
    if answer not in ("accepted", "tentative", "declined"):
        return "no answer"
    occurrence = None
    rid = component.get("RECURRENCE-ID")
    if series is not None and rid is not None:
        occurrence = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id,
                                                              Briefing.recurrence_id == _as_utc(rid.dt)))
        if occurrence is None:
            return "unknown occurrence"
    set_rsvp(invitation, answer, source="imip", briefing=occurrence, actor_label=address)
    return "recorded"


def _reply_to_invitation(component, invitation: Invitation, sender: str) -> str:
    """A VEVENT sent to the invitation's reply address: its UID and ATTENDEE must be that invitation's."""
    series = db.session.get(Series, invitation.series_id) if invitation.series_id else None
    briefing = db.session.get(Briefing, invitation.briefing_id) if invitation.briefing_id else None
    target = series or briefing
    if target is None or str(component.get("UID", "")) != target.uid:
        return "not this invitation's uid"
    journalist = invitation.journalist.email.strip().lower()
    attendee = next((item for item in _attendees(component) if _address(item) == journalist), None)
    if attendee is None:
        return "attendee is not the invitation's journalist"
    if sender and sender != journalist:
        return "attendee is not the sender"
    return _answer(invitation, series, component, attendee, journalist)


def _reply_by_uid(component, sender: str) -> str:
    """Without REPLY_DOMAIN: the invitation of the UID's series or ad hoc briefing and the ATTENDEE."""
    uid = str(component.get("UID", ""))
    if not uid:
        return "no uid"
    series = db.session.scalar(select(Series).where(Series.uid == uid))
    adhoc = None if series else db.session.scalar(select(Briefing).where(Briefing.uid == uid,
                                                                         Briefing.series_id.is_(None)))
    target = series or adhoc
    if target is None:
        return "unknown uid"
    outcome = "no attendee"
    for attendee in _attendees(component):
        address = _address(attendee)
        if sender and address != sender:
            outcome = "attendee is not the sender"
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
        outcome = _answer(invitation, series, component, attendee, address)
    return outcome


def _addressed_invitation(recipients: list[str]) -> tuple[Invitation | None, str]:
    """With REPLY_DOMAIN: (the one invitation the message was sent to, "") or (None, why not)."""
    ours = {address.strip().lower() for address in recipients if is_reply_address(address)}
    if not ours:
        return None, "not sent to a reply address"
    invitations = {invitation.id: invitation for address in ours
                   if (invitation := invitation_for_address(address)) is not None}
    if not invitations:
        return None, "unknown reply address"
    if len(invitations) > 1:
        return None, "sent to several invitations"
    return next(iter(invitations.values())), ""


# A reply from a calendar client answers one invitation: a series and its overrides, a few components. More
# is not a reply but a way to make the server parse (60,000 VEVENTs took ~39 s of CPU).
MAX_CALENDARS = 5
MAX_COMPONENTS = 100


def _too_large(calendars: list[bytes]) -> bool:
    return len(calendars) > MAX_CALENDARS or any(
        data.upper().count(b"BEGIN:V") > MAX_COMPONENTS for data in calendars)


def _process(calendars: list[bytes], sender: str,
             recipients: list[str]) -> tuple[dict[str, int], Invitation | None]:
    """(how many VEVENTs had each outcome, the invitation the message was addressed to)."""
    results: dict[str, int] = {}

    def count(outcome: str) -> None:
        results[outcome] = results.get(outcome, 0) + 1

    invitation = None
    if reply_domain():
        invitation, refused = _addressed_invitation(recipients)
        if invitation is None:
            count(refused)
            return results, None
    for data in calendars:
        try:
            cal = Calendar.from_ical(data)
        except ValueError:
            count("unreadable calendar")
            continue
        if str(cal.get("METHOD", "")).upper() != "REPLY":
            count("not a reply")
            continue
        for component in cal.walk("VEVENT"):
            count(_reply_to_invitation(component, invitation, sender) if invitation is not None
                  else _reply_by_uid(component, sender))
    if not calendars:
        count("no calendar")
    return results, invitation


def _keep_refusal(results: dict[str, int], recorded: int, invitation: Invitation | None, sender: str,
                  recipients: list[str]) -> None:
    reasons = ", ".join(f"{reason} ×{n}" for reason, n in sorted(results.items()))
    log.warning("inbound reply refused: %s (invitation %s, recorded %d)",
                reasons, invitation.id if invitation else "unknown", recorded)
    ours = next((address for address in recipients if is_reply_address(address)), recipients[0] if recipients else "")
    db.session.add(InboundRefusal(office_id=invitation.office_id if invitation else None,
                                  invitation_id=invitation.id if invitation else None, sender=sender[:255],
                                  recipient=ours.strip().lower()[:255], reasons=reasons, recorded=recorded))
    db.session.flush()


def _receive(secret: str | None):
    refused = _refusal(secret)
    if refused is not None:
        return refused
    if not request.form and not request.files:
        return _error(400, "bad_request", "expected SendGrid Inbound Parse form data")
    calendars, sender, recipients = _read_form()
    if _too_large(calendars):
        return _error(413, "payload_too_large", f"at most {MAX_CALENDARS} calendars of {MAX_COMPONENTS} components")
    results, invitation = _process(calendars, sender, recipients)
    recorded = results.pop("recorded", 0)
    if results:
        _keep_refusal(results, recorded, invitation, sender, recipients)
    return jsonify({"recorded": recorded, "ignored": results})


@bp.post("/inbound/<secret>")
def sendgrid_inbound(secret: str):
    return _receive(secret)


@bp.post("/inbound")
def sendgrid_inbound_without_secret():
    """The path without a secret: only for local work without INBOUND_SECRET (404 once it is set, 503 before)."""
    return _receive(None)
