"""Mail backends behind one interface: ``send(message) -> provider message id``.

Each raises ``TemporaryMailError`` for what a retry may cure (429, 5xx, timeouts,
connection trouble) and ``PermanentMailError`` for what it will not.
"""
from __future__ import annotations

import base64
import hashlib
import os
import smtplib
import ssl
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from coordinator.core import clock
from coordinator.mail.message import OutgoingMessage, clean_subject, to_email_message


class MailError(Exception):
    pass


class TemporaryMailError(MailError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentMailError(MailError):
    pass


class MailBackend(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> str: ...


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class OutboxBackend:
    """Writes each message as an .eml file under ``instance/outbox/<office>/``.

    The file is named by the message key, so the same message twice is one file.
    """

    name = "outbox"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path_for(self, message: OutgoingMessage) -> Path:
        return self.directory / message.office_slug / f"{key_digest(message.key)}.eml"

    def send(self, message: OutgoingMessage) -> str:
        path = self.path_for(message)
        if path.exists():
            return path.stem
        path.parent.mkdir(parents=True, exist_ok=True)
        data = to_email_message(message).as_bytes()
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return path.stem


class SmtpBackend:
    name = "smtp"

    def __init__(self, url: str, timeout: float = 30):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: OutgoingMessage) -> str:
        email = to_email_message(message)
        try:
            if self.tls:
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentMailError(f"recipient refused: {exc.recipients}") from exc
            raise TemporaryMailError(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentMailError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TemporaryMailError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryMailError(f"SMTP: {exc}") from exc
        return str(email["Message-ID"]).strip("<>")


class SendGridBackend:
    """SendGrid's v3 mail/send through the ``sendgrid`` library, at SENDGRID_API_HOST."""

    name = "sendgrid"

    def __init__(self, api_key: str, host: str, timeout: float = 30):
        from sendgrid import SendGridAPIClient

        if not api_key:
            raise ValueError("SENDGRID_API_KEY is required for MAIL_BACKEND=sendgrid")
        self.client = SendGridAPIClient(api_key, host=host)
        self.client.client.timeout = timeout

    @staticmethod
    def payload(message: OutgoingMessage) -> dict:
        """The mail/send body. text/plain, then text/html, then text/calendar (SendGrid's order);
        the .ics file as an ``application/ics`` attachment, since an attachment type may not carry ';'.
        The calendar's type names its method only: SendGrid refuses any other parameter (``charset``
        too) and sends the part as ``charset=UTF-8`` itself."""
        to = {"email": message.to_email}
        if message.to_name:
            to["name"] = message.to_name
        content = [{"type": "text/plain", "value": message.text}]
        if message.html:
            content.append({"type": "text/html", "value": message.html})
        attachments = []
        if message.calendar:
            content.append({"type": f"text/calendar; method={message.calendar_method}",
                            "value": message.calendar})
            attachments.append({"content": base64.b64encode(message.calendar.encode()).decode(),
                                "type": "application/ics", "filename": "invite.ics",
                                "disposition": "attachment"})
        for item in message.attachments:
            attachments.append({"content": base64.b64encode(item.data).decode(),
                                "type": item.content_type, "filename": item.filename,
                                "disposition": "attachment"})
        sender = {"email": message.from_email}
        if message.from_name:
            sender["name"] = message.from_name
        body: dict = {
            "personalizations": [{"to": [to]}],
            "from": sender,
            "subject": clean_subject(message.subject),
            "content": content,
            "custom_args": {"idempotency_key": message.key, "purpose": message.purpose},
        }
        if message.reply_to:
            body["reply_to"] = {"email": message.reply_to}
        if attachments:
            body["attachments"] = attachments
        if message.headers:
            body["headers"] = dict(message.headers)
        return body

    def send(self, message: OutgoingMessage) -> str:
        from python_http_client import exceptions as http_errors

        try:
            response = self.client.client.mail.send.post(request_body=self.payload(message))
        except http_errors.HTTPError as exc:
            status = exc.status_code
            body = exc.body.decode(errors="replace") if isinstance(exc.body, bytes) else str(exc.body)
            if status == 429:
                reset = (exc.headers or {}).get("X-RateLimit-Reset")
                raise TemporaryMailError(f"429 rate limited: {body}", retry_after=_seconds_until(reset)) from exc
            if status >= 500:
                raise TemporaryMailError(f"{status}: {body}") from exc
            raise PermanentMailError(f"{status}: {body}") from exc
        except OSError as exc:  # timeouts, refused or dropped connections
            raise TemporaryMailError(f"SendGrid connection: {exc}") from exc
        headers = response.headers or {}
        return headers.get("X-Message-Id") or ""


def _seconds_until(epoch: str | None) -> float | None:

    try:
        return max(0.0, float(epoch) - clock.timestamp()) if epoch else None
    except ValueError:
        return None


def backend_from_config(config: dict) -> MailBackend:
    kind = config["MAIL_BACKEND"]
    if kind == "outbox":
        return OutboxBackend(config["OUTBOX_DIR"])
    if kind == "smtp":
        if not config.get("SMTP_URL"):
            raise ValueError("SMTP_URL is required for MAIL_BACKEND=smtp")
        return SmtpBackend(config["SMTP_URL"])
    if kind == "sendgrid":
        return SendGridBackend(config["SENDGRID_API_KEY"], config["SENDGRID_API_HOST"])
    raise ValueError(f"unknown MAIL_BACKEND {kind!r}")
