"""The briefings a person may pick on the mail page's search (coordinator.mail.about)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coordinator.core import clock
from coordinator.core.i18n import SHORT_DATETIME_PATTERN, format_local
from coordinator.extensions import db
from coordinator.mail import about
from coordinator.schedule.models import Briefing

WINDOW = timedelta(days=90)
LIMIT = 150


def _label(briefing: Briefing) -> str:
    return f"{format_local(briefing.start, pattern=SHORT_DATETIME_PATTERN)} · {briefing.effective_title}"


def briefing_choices(office_id: int, wanted: int | None) -> list[tuple[int, str]]:
    """Briefings of the last and next 90 days (newest first, at most 150), and the one asked for."""
    now = clock.now()
    rows = list(db.session.scalars(
        select(Briefing).where(Briefing.office_id == office_id, Briefing.start >= now - WINDOW,
                               Briefing.start <= now + WINDOW)
        .order_by(Briefing.start.desc()).limit(LIMIT)))
    if wanted is not None and all(row.id != wanted for row in rows):
        extra = db.session.scalar(select(Briefing).where(Briefing.office_id == office_id, Briefing.id == wanted))
        if extra is not None:
            rows.append(extra)
    return [(row.id, _label(row)) for row in rows]


def connect() -> None:
    about.register_choices(briefing_choices)
