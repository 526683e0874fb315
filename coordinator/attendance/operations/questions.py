"""Questions and the running order. Questions are asked until the briefing ends (staff may also record
one afterwards); duplicates follow the question they were merged into."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.attendance.models import QUESTION_STATUSES, Question
from coordinator.attendance.operations.briefings import briefing_day
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist
from coordinator.core import audit, clock, events
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

QUESTION_MAX = 2000
ANSWER_MAX = 20000


def _question_text(value: Any) -> str:
    text = " ".join(str(value or "").split()) if not isinstance(value, str) else value.strip()
    if len(text) < 3:
        raise ValidationError({"text": _("Câu hỏi quá ngắn.")})
    if len(text) > QUESTION_MAX:
        raise ValidationError({"text": _("Câu hỏi tối đa %(n)s ký tự.", n=QUESTION_MAX)})
    return text


def ask(briefing: Briefing, journalist: Journalist | None, text: Any, *, source: str = "staff",
        now: datetime | None = None) -> Question:
    """A question for the briefing, until it ends (staff may also record one afterwards)."""
    now = now or clock.now()
    errors: dict[str, str] = {}
    try:
        text = _question_text(text)
    except ValidationError as exc:
        errors.update(exc.fields)
    if briefing.status == "cancelled":
        errors["briefing_id"] = _("Buổi họp báo đã bị huỷ.")
    elif source != "staff" and now > briefing.end:
        errors["briefing_id"] = _("Buổi họp báo đã kết thúc: không gửi thêm câu hỏi được.")
    if journalist is not None and journalist.office_id != briefing.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    if errors:
        raise ValidationError(errors)
    position = (db.session.scalar(select(func.max(Question.position)).where(Question.briefing_id == briefing.id))
                or 0) + 1
    question = Question(office_id=briefing.office_id, briefing_id=briefing.id,
                        journalist_id=journalist.id if journalist else None,
                        outlet_id=contacts.outlet_on(journalist, briefing_day(briefing)) if journalist else None,
                        text=text, status="pending", position=position, source=source, asked_at=now)
    db.session.add(question)
    db.session.flush()
    audit.record("question.asked", question, data={"briefing_id": briefing.id, "source": source},
                 actor_label=journalist.email if journalist is not None and source != "staff" else None)
    return question


def asked_by(journalist: Journalist, briefing: Briefing | None = None, limit: int = 200) -> list[Question]:
    """The journalist's own questions (of one briefing, or all), newest first: what their portal lists."""
    query = select(Question).where(Question.journalist_id == journalist.id,
                                   Question.office_id == journalist.office_id)
    if briefing is not None:
        query = query.where(Question.briefing_id == briefing.id)
    return list(db.session.scalars(query.order_by(Question.asked_at.desc(), Question.id.desc()).limit(limit)))


def running_order(briefing: Briefing, *, include_merged: bool = False) -> list[Question]:
    query = select(Question).where(Question.briefing_id == briefing.id)
    if not include_merged:
        query = query.where(Question.merged_into_id.is_(None))
    return list(db.session.scalars(query.order_by(Question.position, Question.id)))


def duplicates_of(question: Question) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.merged_into_id == question.id)
                                   .order_by(Question.asked_at)))


def merge_questions(question: Question, into: Question) -> Question:
    """``question`` duplicates ``into``: it leaves the running order and follows its status."""
    if question.office_id != into.office_id or question.briefing_id != into.briefing_id:
        raise ValidationError({"into_id": _("Chỉ gộp được các câu hỏi của cùng một buổi họp báo.")})
    if question.id == into.id:
        raise ValidationError({"into_id": _("Hãy chọn hai câu hỏi khác nhau.")})
    root = into
    while root.merged_into_id is not None:
        root = db.session.get(Question, root.merged_into_id)
    if root.id == question.id:
        raise ValidationError({"into_id": _("Không gộp được vào chính nó.")})
    question.merged_into_id = root.id
    for child in duplicates_of(question):
        child.merged_into_id = root.id
    for row in [question, *duplicates_of(question)]:
        row.status, row.answer, row.answered_at, row.answered_by_id = (root.status, root.answer, root.answered_at,
                                                                       root.answered_by_id)
    db.session.flush()
    audit.record("question.merged", question, data={"into_id": root.id})
    return root


def unmerge_question(question: Question) -> None:
    question.merged_into_id = None
    question.status, question.answer, question.answered_at = "pending", None, None
    db.session.flush()
    audit.record("question.unmerged", question)


def _check_status_change(question: Question, status: str, answer: str | None, mail: bool) -> None:
    errors: dict[str, str] = {}
    if status not in QUESTION_STATUSES:
        errors["status"] = _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(QUESTION_STATUSES))
    if answer is not None and len(answer) > ANSWER_MAX:
        errors["answer"] = _("Câu trả lời quá dài.")
    if status == "answered_in_writing" and not answer:
        errors["answer"] = _("Cần nội dung câu trả lời bằng văn bản.")
    if mail and status != "answered_in_writing":
        errors["mail_answer"] = _("Chỉ gửi thư được với câu trả lời bằng văn bản.")
    if question.merged_into_id is not None:
        errors["status"] = _("Câu hỏi này đã được gộp: hãy trả lời câu hỏi chính.")
    if errors:
        raise ValidationError(errors)


def set_question_status(question: Question, status: str, *, answer: str | None = None, mail: bool = False,
                        user_id: int | None = None) -> Question:
    """Answered at the briefing, answered in writing (optionally mailed to each asker), declined, or
    back to pending. Duplicates merged into it follow."""
    answer = (answer or "").strip() or None
    _check_status_change(question, status, answer, mail)
    now = clock.now()
    answered = status != "pending"
    for row in [question, *duplicates_of(question)]:
        row.status = status
        row.answer = answer if answered else None
        row.answered_at = now if answered else None
        row.answered_by_id = user_id if answered else None
        row.mail_answer = bool(mail)
    db.session.flush()
    audit.record("question.status", question, data={"status": status, "mail": bool(mail)})
    if mail:
        events.emit("question.answered", office_id=question.office_id, payload={"question_id": question.id})
    return question


def move_question(question: Question, direction: str) -> None:
    """Up or down one place in the running order (swaps positions with the neighbour)."""
    order = running_order(question.briefing)
    for index, row in enumerate(order):
        row.position = index + 1
    index = next((i for i, row in enumerate(order) if row.id == question.id), None)
    if index is None:
        return
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index].position, order[other].position = order[other].position, order[index].position
    db.session.flush()


def answer_mail_key(question: Question) -> str:
    """The idempotency key of the mail carrying this answer: a changed answer is a new message."""
    digest = hashlib.sha256((question.answer or "").encode()).hexdigest()[:12]
    return f"question-answer:{question.id}:{digest}"

# What the package (``attendance.operations``) offers from this module.
__all__ = ["QUESTION_MAX", "_question_text", "answer_mail_key", "ask", "asked_by", "duplicates_of", "merge_questions",
    "move_question", "running_order", "set_question_status", "unmerge_question"]
