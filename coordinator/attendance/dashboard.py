"""The dashboard's "questions waiting for an answer" and "coverage today" blocks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coordinator.attendance.models import Coverage, Question
from coordinator.extensions import db
from coordinator.schedule.models import Briefing
from coordinator.web import dashboard

LIMIT = 6
RECENT = timedelta(days=7)


@dashboard.register("questions", 30, "web/dashboard/_questions.html")
def waiting_questions(office_id: int) -> dict:
    """Open questions of briefings from a week ago to a week ahead, counted by briefing."""
    now = dashboard.now()
    counted = db.session.execute(
        select(Question.briefing_id, func.count(Question.id)).join(Briefing, Briefing.id == Question.briefing_id)
        .where(Briefing.office_id == office_id, Question.office_id == office_id, Question.status == "pending",
               Question.merged_into_id.is_(None), Briefing.status != "cancelled",
               Briefing.start >= now - RECENT, Briefing.start <= now + RECENT)
        .group_by(Question.briefing_id).order_by(func.min(Briefing.start)).limit(LIMIT)).all()
    briefings = {b.id: b for b in db.session.scalars(
        select(Briefing).where(Briefing.office_id == office_id, Briefing.id.in_([i for i, _n in counted])))}
    items = [{"briefing": briefings[i], "open": n} for i, n in counted if i in briefings]
    return {"items": items, "total": sum(item["open"] for item in items)}


@dashboard.register("coverage", 40, "web/dashboard/_coverage.html")
def coverage_today(office_id: int) -> dict:
    today = dashboard.local_today()
    where = (Coverage.office_id == office_id, Coverage.published_on == today)
    total = db.session.scalar(select(func.count(Coverage.id)).where(*where)) or 0
    latest = list(db.session.scalars(select(Coverage).where(*where).order_by(Coverage.created_at.desc()).limit(3)))
    return {"total": total, "latest": latest}
