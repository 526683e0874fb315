"""Attendance jobs: a written answer mailed to the asker(s), and the spokespeople's weekly digest.

Both are idempotent through the mail layer's keys: one answer text is mailed once to each asker; one
digest per spokesperson per office per ISO week, however often the periodic job runs.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.attendance import reports
from coordinator.attendance.models import Question
from coordinator.attendance.operations import answer_mail_key, duplicates_of
from coordinator.core import clock
from coordinator.core.events import OutboxEvent
from coordinator.core.i18n import format_local
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.invitations.tokens import portal_token, unsubscribe_token
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office
from coordinator.users.models import User

log = logging.getLogger(__name__)

DIGEST_ROLES = ("spokesperson",)
# The digest of a week goes out from Monday 07:00 (office time) on.
DIGEST_HOUR = 7


def question_answered(event: OutboxEvent) -> None:
    send_answer(event.payload["question_id"])


def send_answer(question_id: int) -> int:
    """Mail the written answer to the asker of the question and of each duplicate merged into it."""
    question = db.session.get(Question, question_id)
    if question is None or question.status != "answered_in_writing" or not question.answer:
        return 0
    office = db.session.get(Office, question.office_id)
    briefing = question.briefing
    sender, sender_name = mail.sender_for(office)
    sent = 0
    seen: set[int] = set()
    for row in [question, *duplicates_of(question)]:
        journalist = row.journalist
        if journalist is None or journalist.id in seen or journalist.status != "active":
            continue
        seen.add(journalist.id)
        links = {"portal": external_url("portal.home", token=portal_token(journalist)),
                 "unsubscribe": external_url("portal.unsubscribe", token=unsubscribe_token(journalist))}
        with force_locale(journalist.language or office.locale):
            context = {"journalist": journalist, "office": office, "question": row, "answer": question.answer,
                       "title": briefing.effective_title, "when": format_local(briefing.start, office.timezone),
                       "links": links}
            subject = _("Trả lời câu hỏi của bạn – %(title)s", title=briefing.effective_title)
            text = render_template("mail/answer.txt", **context)
            html = render_template("mail/answer.html", subject=subject, **context)
        mail.send(OutgoingMessage(
            key=answer_mail_key(question) + f":{journalist.id}", office_id=office.id, office_slug=office.slug,
            purpose="answer", to_email=journalist.email, to_name=journalist.full_name, from_email=sender,
            from_name=sender_name, subject=subject, text=text, html=html,
            headers={"List-Unsubscribe": f"<{links['unsubscribe']}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}))
        sent += 1
    return sent


def last_full_week(tz: str, now: datetime | None = None) -> tuple[date, date] | None:
    """(Monday, Sunday) of the last ISO week that has ended, once its digest is due."""
    local = (now or clock.now()).astimezone(ZoneInfo(tz))
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        return None
    monday = local.date() - timedelta(days=local.weekday() + 7)
    return monday, monday + timedelta(days=6)


def send_weekly_digests(now: datetime | None = None) -> int:
    """The periodic job: every office's digest of last week, to each of its spokespeople (once)."""
    count = 0
    failed = []
    for office_id in list(db.session.scalars(select(Office.id).order_by(Office.id))):
        try:
            with db.session.begin_nested():  # one office's failure must not stop the others...
                count += send_digest(office_id, now=now)
        except Exception:
            log.exception("weekly digest for office %s failed", office_id)
            failed.append(office_id)
    if failed:  # ...but the job fails, so it shows as failed and the next run retries those offices
        raise RuntimeError(f"weekly digest failed for office(s) {failed}")
    return count


def send_digest(office_id: int, *, now: datetime | None = None) -> int:
    office = db.session.get(Office, office_id)
    if office is None:
        return 0
    week = last_full_week(office.timezone, now)
    if week is None:
        return 0
    recipients = list(db.session.scalars(select(User).where(User.office_id == office.id, User.active.is_(True),
                                                            User.role.in_(DIGEST_ROLES)).order_by(User.id)))
    if not recipients:
        return 0
    period = reports.Period(week[0], week[1], office.timezone)
    now = now or clock.now()
    data = reports.overview(office.id, period, now)
    by_outlet = reports.attendance_report(office.id, period, "outlet", now)
    top = sorted([i for i in by_outlet if i["attended"]], key=lambda i: (-i["attended"], i["label"]))[:5]
    not_covered = reports.attended_not_covered(office.id, period, now)
    iso_year, iso_week, _day = week[0].isocalendar()
    link = external_url("reports.overview", **{"from": week[0].isoformat(), "to": week[1].isoformat()})
    sender, sender_name = mail.sender_for(office)
    sent = 0
    for user in recipients:
        with force_locale(user.locale or office.locale):
            context = {"user": user, "office": office, "week": f"{iso_week}/{iso_year}",
                       "start": week[0].strftime("%d/%m/%Y"), "end": week[1].strftime("%d/%m/%Y"),
                       "briefings": data["briefings"], "attendance": data["attendance"],
                       "coverage": data["coverage"], "questions": data["questions"], "top": top,
                       "not_covered": not_covered, "link": link}
            subject = _("Tóm tắt tuần %(week)s: họp báo, tham dự, đưa tin", week=context["week"])
            text = render_template("mail/digest.txt", **context)
            html = render_template("mail/digest.html", subject=subject, **context)
        delivery = mail.send(OutgoingMessage(
            key=f"digest:{office.id}:{iso_year}-W{iso_week:02d}:{user.id}", office_id=office.id,
            office_slug=office.slug, purpose="digest", to_email=user.email, to_name=user.full_name,
            from_email=sender, from_name=sender_name, subject=subject, text=text, html=html))
        sent += 1 if delivery.state == "sent" else 0
    return sent
