"""A message as the app composes it, and its RFC 5322 form for the outbox and SMTP."""
from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass, field
from email import policy as email_policy
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


MAX_SUBJECT = 300  # characters; a header line never comes near RFC 5322's 998 octets once encoded


def clean_subject(subject: str) -> str:
    """A subject as every part of the mail path should carry it: NFC (a title typed with combining accents
    looks the same and matches), one line, no control characters, at most ``MAX_SUBJECT`` characters."""
    text = unicodedata.normalize("NFC", subject or "")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text).strip()
    return text if len(text) <= MAX_SUBJECT else text[:MAX_SUBJECT - 1].rstrip() + "…"


def encode_subject(subject: str) -> str:
    """The Subject header's value, RFC 2047-encoded so that no space is ever lost.

    The standard library's folder may leave a space *between* two encoded-words, where RFC 2047 says a
    reader must drop it ("Gặp mặt báo chí hằngtháng"). Here the whole subject is one run of UTF-8
    base64 encoded-words, each at most 75 characters and holding whole characters, spaces inside them,
    folded between words (whitespace there is ignored by every reader, as it should be)."""
    if subject.isascii():
        return subject
    words, chunk = [], b""
    for char in subject:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > 39:  # 39 bytes -> 52 base64 characters -> a 64-character word
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)


def to_email_message(msg: OutgoingMessage) -> EmailMessage:
    """The RFC 5322 message, laid out as CalConnect's iMIP practice says calendar clients expect:

    multipart/mixed
      multipart/alternative: text/plain, text/html, text/calendar; method=...
      the .ics file as an attachment
    """
    # refold_source="none": the encoded Subject below is written as given (the library's refolding is what
    # loses the spaces); every other header is a structured one and folded by the policy as usual.
    email = EmailMessage(policy=email_policy.default.clone(refold_source="none"))
    email["From"] = Address(msg.from_name, addr_spec=msg.from_email)
    email["To"] = Address(msg.to_name, addr_spec=msg.to_email)
    email.set_raw("Subject", encode_subject(clean_subject(msg.subject)))
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
