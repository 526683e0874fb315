"""Staff pages: check-in at the door (phone camera), the roster, questions and the running order.
(Coverage pages are in ``coverage_views``, on this blueprint; the journalist's self check-in and question
form, and staff opening a QR code's URL, are in ``coordinator.portal``.)"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from coordinator.attendance import operations as ops
from coordinator.attendance.forms import (
    AnswerForm,
    StaffQuestionForm,
    WalkInForm,
)
from coordinator.attendance.models import Attendance, Coverage, Question
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.text import fold
from coordinator.core import clock, uow
from coordinator.core.errors import DomainError
from coordinator.core.i18n import format_local
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule.models import Briefing
from coordinator.web import navigation
from coordinator.web.forms import apply_errors
from coordinator.web.navigation import NavItem

bp = Blueprint("attendance", __name__)

navigation.add(NavItem("attendance.index", _l("Điểm danh & câu hỏi"), "read", "attendance."))


@bp.app_context_processor
def _helpers() -> dict:
    return {"question_status_label": lambda s: ops.QUESTION_STATUS_LABELS.get(s, s),
            "tone_label": lambda s: ops.TONE_LABELS.get(s, s),
            "coverage_kind_label": lambda s: ops.KIND_LABELS.get(s, s),
            "attendance_mode_label": lambda s: ops.MODE_LABELS.get(s, s),
            "attendance_method_label": lambda s: ops.METHOD_LABELS.get(s, s),
            "can_edit_attendance": lambda: can(current_user, "edit")}


def _office() -> Office:
    return current_user.office


def _flash_errors(exc: DomainError) -> None:
    for message in (exc.fields or {"_": exc.message}).values():
        flash(message, "error")


def _outlet_choices(blank: str | None = None) -> list[SelectChoice]:
    rows = db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.office_id == current_office_id())
                              .order_by(Outlet.name_folded))
    choices = [SelectChoice(row.id, row.name) for row in rows]
    return ([SelectChoice(0, blank)] if blank is not None else []) + choices


def _counts_by(model: Any, column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())


# --- briefings ----------------------------------------------------------------------------------------

@bp.get("/attendance/")
@require("read")
def index() -> ResponseReturnValue:
    now = clock.now()
    rows = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == current_office_id(), Briefing.start >= now - timedelta(days=45),
        Briefing.start <= now + timedelta(days=14)).order_by(Briefing.start.desc())))
    ids = [b.id for b in rows]
    present = _counts_by(Attendance, Attendance.briefing_id, ids)
    questions = _counts_by(Question, Question.briefing_id, ids)
    coverage = _counts_by(Coverage, Coverage.briefing_id, ids)
    return render_template("attendance/index.html", briefings=rows, present=present, questions=questions,
                           coverage=coverage, now=now, can_edit=can(current_user, "edit"))


def _briefing(briefing_id: int) -> Briefing:
    return get_or_404(Briefing, briefing_id)


@bp.get("/attendance/briefings/<int:briefing_id>/checkin")
@require("edit")
def checkin_page(briefing_id: int) -> ResponseReturnValue:
    return _checkin_page(_briefing(briefing_id))


def _checkin_page(briefing: Briefing, **form_state) -> ResponseReturnValue:
    """The door page; ``form_state`` (code_error, code, mode) re-shows a refused short code next to its field."""
    recent = list(db.session.scalars(select(Attendance).where(Attendance.briefing_id == briefing.id)
                                     .order_by(Attendance.checked_in_at.desc()).limit(8)))
    counts = ops.roster_counts(ops.roster(briefing))
    problem = ops.window_error(briefing, ops.DOOR_BEFORE, ops.DOOR_AFTER, clock.now())
    return render_template("attendance/checkin.html", briefing=briefing, recent=recent, counts=counts,
                           window_problem=problem, **form_state)


def _checkin_answer(briefing: Briefing, row: Attendance, created: bool) -> dict:
    tz = _office().timezone
    counts = ops.roster_counts(ops.roster(briefing))
    if created:
        message = _("Đã điểm danh: %(name)s (%(outlet)s).", name=row.journalist.full_name, outlet=row.outlet.name)
    else:
        message = _("%(name)s đã điểm danh trước đó lúc %(time)s.", name=row.journalist.full_name,
                    time=format_local(row.checked_in_at, tz, pattern="HH:mm"))
    return {"ok": True, "already": not created, "message": message, "full_name": row.journalist.full_name,
            "outlet": row.outlet.name, "time": format_local(row.checked_in_at, tz, pattern="HH:mm"),
            "attendance_id": row.id, "present": counts["present"], "invited": counts["invited"]}


@bp.post("/attendance/briefings/<int:briefing_id>/checkin")
@require("edit")
def checkin_submit(briefing_id: int) -> ResponseReturnValue:
    """The scanner posts JSON {token} or {code}; the short-code form without JavaScript posts a form."""
    briefing = _briefing(briefing_id)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data or {}
    mode = data.get("mode") or "in_person"
    try:
        if data.get("token"):
            row, created = ops.check_in_by_token(briefing, str(data["token"]), user_id=current_user.id, mode=mode)
        else:
            row, created = ops.check_in_by_code(briefing, str(data.get("code") or ""), user_id=current_user.id,
                                                mode=mode)
    except DomainError as exc:
        uow.abandon()
        if request.is_json:
            return jsonify({"ok": False, "message": exc.message, "fields": exc.fields}), exc.status
        if (exc.fields or {}).get("code"):
            return _checkin_page(briefing, code_error=exc.fields["code"], code=data.get("code"), mode=mode), 422
        _flash_errors(exc)
        return redirect(url_for("attendance.checkin_page", briefing_id=briefing.id)), 303
    answer = _checkin_answer(briefing, row, created)
    if request.is_json:
        return jsonify(answer), 201 if created else 200
    flash(answer["message"], "success" if created else "info")
    return redirect(url_for("attendance.checkin_page", briefing_id=briefing.id)), 303


ROSTER_FILTERS = ("all", "absent", "present", "no_shows", "without_rsvp")


def _started(briefing: Briefing) -> bool:
    """Whether the briefing has begun: only then is someone who accepted and is not here a no-show."""
    return clock.now() >= briefing.start


def _roster_filter(rows: list[dict[str, Any]], show: str) -> list[dict[str, Any]]:
    if show == "present":
        return [r for r in rows if r["attendance"] is not None]
    if show == "no_shows":  # before the start: those who accepted and are still expected
        return [r for r in rows if r["rsvp"] == "accepted" and r["attendance"] is None]
    if show == "without_rsvp":
        return [r for r in rows if r["attendance"] is not None and r["rsvp"] != "accepted"]
    if show == "absent":
        return [r for r in rows if r["attendance"] is None]
    return rows


def _roster_outlet(row: dict[str, Any]) -> Outlet | None:
    attendance = row["attendance"]
    return attendance.outlet if attendance is not None else row["journalist"].outlet


def _roster_search(rows: list[dict[str, Any]], words: str, outlet_id: int | None) -> list[dict[str, Any]]:
    """Name or outlet, accents optional ("nguyen thi" finds "Nguyễn Thị…"); the page filters the same way
    as you type, this is for a search sent without JavaScript."""
    wanted = fold(words)
    found = []
    for row in rows:
        outlet = _roster_outlet(row)
        if outlet_id and (outlet is None or outlet.id != outlet_id):
            continue
        if wanted and wanted not in f"{row['journalist'].full_name_folded} {fold(outlet.name if outlet else '')}":
            continue
        found.append(row)
    return found


def _roster_page(briefing: Briefing, form: WalkInForm, *, show: str = "all", words: str = "",
                 outlet_id: int | None = None) -> str:
    rows = ops.roster(briefing)
    started = _started(briefing)
    visible = _roster_search(_roster_filter(rows, show), words, outlet_id)
    outlets = sorted({outlet.id: outlet for row in rows if (outlet := _roster_outlet(row)) is not None}.values(),
                     key=lambda o: o.name_folded)
    return render_template("attendance/roster.html", briefing=briefing, rows=visible, total=len(rows),
                           counts=ops.roster_counts(rows, started=started), started=started, show=show, q=words,
                           outlet_id=outlet_id, outlets=outlets, form=form, can_edit=can(current_user, "edit"),
                           fold=fold)


@bp.get("/attendance/briefings/<int:briefing_id>/roster")
@require("read")
def roster(briefing_id: int) -> ResponseReturnValue:
    briefing = _briefing(briefing_id)
    show = request.args.get("show", "all")
    show = show if show in ROSTER_FILTERS else "all"
    outlet_id = request.args.get("outlet_id", type=int) or None
    form = WalkInForm()
    form.outlet_id.choices = _outlet_choices()
    return _roster_page(briefing, form, show=show, words=(request.args.get("q") or "")[:100], outlet_id=outlet_id)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/attendance/briefings/<int:briefing_id>/roster/<int:journalist_id>")
@require("edit")
def roster_mark(briefing_id: int, journalist_id: int) -> ResponseReturnValue:
    """Check someone in (in person or online) or undo it. The page sends it in the background and swaps
    the row and the counts (JSON); without JavaScript it is a normal form post and a redirect."""
    briefing = _briefing(briefing_id)
    journalist = get_or_404(Journalist, journalist_id)
    show = request.form.get("show", "all")
    message, category, status = "", "success", 200
    try:
        if request.form.get("present") == "0":
            row = ops.existing_attendance(briefing.id, journalist.id)
            if row is not None:
                ops.undo_check_in(row)
            message, category = _("Đã bỏ điểm danh %(name)s.", name=journalist.full_name), "info"
        else:
            _row, created = ops.check_in(briefing, journalist, mode=request.form.get("mode") or "in_person",
                                         method="staff", user_id=current_user.id)
            message = (_("Đã điểm danh: %(name)s.", name=journalist.full_name) if created
                       else _("%(name)s đã điểm danh trước đó.", name=journalist.full_name))
    except DomainError as exc:
        uow.abandon()
        if _wants_json():
            return jsonify({"error": exc.message, "fields": exc.fields}), 422
        _flash_errors(exc)
        status = 422
    if _wants_json():
        db.session.flush()  # the row and counts below include this change (the request commits it)
        rows = ops.roster(briefing)
        started = _started(briefing)
        mine = next((r for r in rows if r["journalist"].id == journalist.id), None)
        row_html = render_template("attendance/_roster_row.html", row=mine, briefing=briefing, show=show,
                                   started=started, can_edit=True, fold=fold) if mine else ""
        counts_html = render_template("attendance/_roster_counts.html", counts=ops.roster_counts(rows, started=started),
                                      started=started)
        return jsonify({"message": message, "row": row_html, "counts": counts_html})
    if status == 200:
        flash(message, category)
    return redirect(url_for("attendance.roster", briefing_id=briefing.id, show=show, _anchor=f"j{journalist.id}"))


@bp.post("/attendance/briefings/<int:briefing_id>/walk-in")
@require("edit")
def walk_in(briefing_id: int) -> ResponseReturnValue:
    briefing = _briefing(briefing_id)
    form = WalkInForm()
    form.outlet_id.choices = _outlet_choices()
    if form.validate_on_submit():
        try:
            journalist, _row, created = ops.add_walk_in(
                briefing, {"full_name": form.full_name.data, "email": form.email.data,
                           "outlet_id": form.outlet_id.data, "phone": form.phone.data or None},
                user_id=current_user.id, mode=form.mode.data)
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Đã thêm %(name)s vào danh bạ và điểm danh.", name=journalist.full_name) if created
                  else _("%(name)s đã có trong danh bạ: đã điểm danh.", name=journalist.full_name), "success")
            return redirect(url_for("attendance.roster", briefing_id=briefing.id, _anchor=f"j{journalist.id}"))
    return _roster_page(briefing, form), 422


@bp.post("/attendance/checkins/<int:attendance_id>/undo")
@require("edit")
def undo(attendance_id: int) -> ResponseReturnValue:
    row = get_or_404(Attendance, attendance_id)
    briefing_id = row.briefing_id
    name = row.journalist.full_name
    ops.undo_check_in(row)
    flash(_("Đã huỷ điểm danh của %(name)s.", name=name), "info")
    return redirect(url_for("attendance.checkin_page", briefing_id=briefing_id))


# --- questions (staff, spokespeople) -------------------------------------------------------------------

@bp.route("/attendance/briefings/<int:briefing_id>/questions", methods=["GET", "POST"])
@require("read")
def questions(briefing_id: int) -> ResponseReturnValue:
    briefing = _briefing(briefing_id)
    form = StaffQuestionForm()
    invited = ops.roster(briefing)
    form.journalist_id.choices = [SelectChoice(0, _("— Không rõ —"))] + [
        SelectChoice(r["journalist"].id, f"{r['journalist'].full_name} ({r['journalist'].outlet.name})")
        for r in invited]
    status = 200
    if request.method == "POST":
        if not can(current_user, "answer"):
            abort(403)
        if form.validate_on_submit():
            journalist = None
            if form.journalist_id.data:
                journalist = get_or_404(Journalist, form.journalist_id.data)
            try:
                ops.ask(briefing, journalist, form.text.data, source="staff")
                flash(_("Đã thêm câu hỏi."), "success")
                return redirect(url_for("attendance.questions", briefing_id=briefing.id))
            except DomainError as exc:
                apply_errors(form, exc)
        status = 422
    order = ops.running_order(briefing)
    duplicates: dict[int, list[Question]] = {}
    for row in db.session.scalars(select(Question).where(Question.briefing_id == briefing.id,
                                                         Question.merged_into_id.is_not(None))
                                  .order_by(Question.asked_at)):
        duplicates.setdefault(row.merged_into_id, []).append(row)
    counts = {s: 0 for s in ops.QUESTION_STATUS_LABELS}
    for row in order:
        counts[row.status] += 1
    answer_forms = {}
    for row in order:
        answer_form = AnswerForm(prefix=f"q{row.id}", formdata=None, status=row.status, answer=row.answer)
        answer_forms[row.id] = answer_form
    return render_template("attendance/questions.html", briefing=briefing, form=form, order=order,
                           duplicates=duplicates, counts=counts, answer_forms=answer_forms,
                           can_answer=can(current_user, "answer")), status


@bp.post("/attendance/questions/<int:question_id>/status")
@require("answer")
def question_status(question_id: int) -> ResponseReturnValue:
    question = get_or_404(Question, question_id)
    form = AnswerForm(prefix=f"q{question.id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    else:
        try:
            ops.set_question_status(question, form.status.data, answer=form.answer.data,
                                    mail=bool(form.mail_answer.data), user_id=current_user.id)
            flash(_("Đã cập nhật câu hỏi #%(n)s.", n=question.position) + (
                " " + _("Câu trả lời sẽ được gửi qua thư.") if form.mail_answer.data else ""), "success")
        except DomainError as exc:
            uow.abandon()
            _flash_errors(exc)
    return redirect(url_for("attendance.questions", briefing_id=question.briefing_id, _anchor=f"q{question.id}"))


@bp.post("/attendance/questions/<int:question_id>/merge")
@require("answer")
def question_merge(question_id: int) -> ResponseReturnValue:
    question = get_or_404(Question, question_id)
    into_id = request.form.get("into_id", type=int)
    into = db.session.get(Question, into_id) if into_id else None
    if into is None or into.office_id != question.office_id:
        flash(_("Hãy chọn câu hỏi để gộp vào."), "error")
    else:
        try:
            ops.merge_questions(question, into)
            flash(_("Đã gộp câu hỏi trùng."), "success")
        except DomainError as exc:
            uow.abandon()
            _flash_errors(exc)
    return redirect(url_for("attendance.questions", briefing_id=question.briefing_id))


@bp.post("/attendance/questions/<int:question_id>/unmerge")
@require("answer")
def question_unmerge(question_id: int) -> ResponseReturnValue:
    question = get_or_404(Question, question_id)
    ops.unmerge_question(question)
    return redirect(url_for("attendance.questions", briefing_id=question.briefing_id))


@bp.post("/attendance/questions/<int:question_id>/move")
@require("answer")
def question_move(question_id: int) -> ResponseReturnValue:
    question = get_or_404(Question, question_id)
    ops.move_question(question, "up" if request.form.get("direction") == "up" else "down")
    return redirect(url_for("attendance.questions", briefing_id=question.briefing_id, _anchor=f"q{question.id}"))


@bp.get("/attendance/briefings/<int:briefing_id>/questions/print")
@require("read")
def running_order_print(briefing_id: int) -> ResponseReturnValue:
    briefing = _briefing(briefing_id)
    order = [q for q in ops.running_order(briefing) if q.status != "declined" or request.args.get("all")]
    duplicates: dict[int, int] = dict(db.session.execute(
        select(Question.merged_into_id, func.count()).where(Question.briefing_id == briefing.id,
                                                            Question.merged_into_id.is_not(None))
        .group_by(Question.merged_into_id)).all())
    return render_template("attendance/running_order.html", briefing=briefing, order=order, duplicates=duplicates,
                           office=_office())
