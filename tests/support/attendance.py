"""Helpers for the attendance and reports tests: briefings with invitation rows, and the outbox."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from pathlib import Path

from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import sync_invitations, target_of
from tests.support import domain


def outbox(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime)
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def body_text(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def briefing_with_invitations(office, people, *, start: datetime | None = None, **extra):
    """An ad hoc briefing whose invitation rows exist (as after the invite job; no mail needed)."""
    briefing = domain.adhoc(office, people, start=start, **extra)
    sync_invitations(target_of(briefing))
    db.session.commit()
    return briefing


def invitation(briefing, journalist) -> Invitation:
    column = Invitation.series_id if briefing.series_id else Invitation.briefing_id
    target = briefing.series_id or briefing.id
    return db.session.scalar(db.select(Invitation).where(column == target, Invitation.journalist_id == journalist.id))


def now_minus(minutes: int) -> datetime:
    return datetime.now(domain.VN) - timedelta(minutes=minutes)
