"""Reading the outbox backend's .eml files for the admin page."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


@dataclass
class OutboxMail:
    name: str
    path: Path
    message: EmailMessage
    mtime: datetime

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def purpose(self) -> str:
        return str(self.message["X-Coordinator-Purpose"] or "")

    def part(self, subtype: str) -> str | None:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}" and not part.is_attachment():
                return part.get_content()
        return None

    @property
    def calendar_method(self) -> str | None:
        for part in self.message.walk():
            if part.get_content_type() == "text/calendar":
                return part.get_param("method")
        return None

    @property
    def attachments(self) -> list[tuple[str, str, int]]:
        return [(part.get_filename() or "", part.get_content_type(), len(part.get_payload(decode=True) or b""))
                for part in self.message.iter_attachments()]


def office_dir(slug: str) -> Path:
    return Path(current_app.config["OUTBOX_DIR"]) / slug


def _load(path: Path) -> OutboxMail:
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return OutboxMail(path.stem, path, message, mtime)


def get_mail(slug: str, name: str) -> OutboxMail | None:
    if not name.isalnum():  # names are hex digests: nothing else may reach the filesystem
        return None
    path = office_dir(slug) / f"{name}.eml"
    return _load(path) if path.is_file() else None


def count_mail(slug: str) -> int:
    directory = office_dir(slug)
    return sum(1 for _ in directory.glob("*.eml")) if directory.is_dir() else 0
