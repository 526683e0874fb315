"""A message as the app composes it, and its RFC 5322 form for the outbox and SMTP."""
from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from coordinator.core import clock


@dataclass
class Attachment:
    filename: str
    content_type: str  # no parameters: SendGrid refuses ';' in an attachment type
    data: bytes


@dataclass
class OutgoingMessage:
    """One message to one recipient. ``key`` makes it idempotent: one key, one delivery."""

    key: str
    office_id: int | None
    purpose: str
    to_email: str
    subject: str
    text: str
    html: str | None = None
    to_name: str = ""
    from_email: str = ""
    from_name: str = ""
    reply_to: str | None = None
    calendar: str | None = None  # iCalendar text, sent inline as text/calendar
    calendar_method: str = "REQUEST"
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    office_slug: str = "system"


def to_email_message(msg: OutgoingMessage) -> EmailMessage:
    """The RFC 5322 message, laid out as CalConnect's iMIP practice says calendar clients expect:

    multipart/mixed
      multipart/alternative: text/plain, text/html, text/calendar; method=...
      the .ics file as an attachment
    """
    email = EmailMessage()
    email["From"] = Address(msg.from_name, addr_spec=msg.from_email)
    email["To"] = Address(msg.to_name, addr_spec=msg.to_email)
    email["Subject"] = msg.subject
    email["Date"] = format_datetime(clock.now())
    domain = msg.from_email.rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(domain=domain)
    if msg.reply_to:
        email["Reply-To"] = msg.reply_to
    email["X-Coordinator-Key"] = msg.key
    email["X-Coordinator-Purpose"] = msg.purpose
    for name, value in msg.headers.items():
        email[name] = value
    email.set_content(msg.text, subtype="plain", charset="utf-8")
    if msg.html:
        email.add_alternative(msg.html, subtype="html", charset="utf-8")
    if msg.calendar:
        email.add_alternative(msg.calendar, subtype="calendar", charset="utf-8",
                              params={"method": msg.calendar_method})
    attachments = list(msg.attachments)
    if msg.calendar:
        attachments.insert(0, Attachment("invite.ics", "application/ics", msg.calendar.encode()))
    if attachments:
        email.make_mixed()
        for item in attachments:
            maintype, _, subtype = item.content_type.partition("/")
            email.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return email
