"""``/api/v1``: attendance (CONTRACT.md), check-in by token or code, questions, coverage, reports."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, iso, json_body, office_id, page_args, paginated, require
from coordinator.attendance import operations as ops
from coordinator.attendance import reports
from coordinator.attendance.models import (
    COVERAGE_KINDS,
    METHODS,
    MODES,
    QUESTION_STATUSES,
    TONES,
    Attendance,
    Coverage,
    Question,
)
from coordinator.contacts.models import Journalist
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

TAG = "attendance"

ATTENDANCE = openapi.schema("Attendance", {
    "type": "object",
    "required": ["id", "briefing_id", "journalist_id", "outlet_id", "mode", "method", "checked_in_at"],
    "properties": {"id": {"type": "integer"}, "briefing_id": {"type": "integer"}, "journalist_id": {"type": "integer"},
                   "full_name": {"type": "string"}, "outlet_id": {"type": "integer",
                                                              "description": "the outlet on the briefing's day"},
                   "mode": {"enum": list(MODES)}, "method": {"enum": list(METHODS)},
                   "checked_in_at": {"type": "string", "format": "date-time"},
                   "by_user_id": {"type": ["integer", "null"]}}})
QUESTION = openapi.schema("Question", {
    "type": "object", "required": ["id", "briefing_id", "text", "status"],
    "properties": {"id": {"type": "integer"}, "briefing_id": {"type": "integer"},
                   "journalist_id": {"type": ["integer", "null"]}, "outlet_id": {"type": ["integer", "null"]},
                   "text": {"type": "string"}, "status": {"enum": list(QUESTION_STATUSES)},
                   "answer": {"type": ["string", "null"]}, "merged_into_id": {"type": ["integer", "null"]},
                   "position": {"type": "integer"}, "source": {"type": "string"},
                   "asked_at": {"type": "string", "format": "date-time"},
                   "answered_at": {"type": ["string", "null"], "format": "date-time"}}})
COVERAGE = openapi.schema("Coverage", {
    "type": "object", "required": ["id", "outlet_id", "url", "published_on", "tone", "kind"],
    "properties": {"id": {"type": "integer"}, "briefing_id": {"type": ["integer", "null"]},
                   "outlet_id": {"type": "integer"}, "outlet": {"type": "string"}, "url": {"type": "string"},
                   "title": {"type": ["string", "null"]}, "published_on": {"type": "string", "format": "date"},
                   "tone": {"enum": list(TONES)}, "kind": {"enum": list(COVERAGE_KINDS)},
                   "source": {"type": "string"}}})
REPORT_ITEM = openapi.schema("AttendanceReportItem", {
    "type": "object", "required": ["key", "label", "invited", "accepted", "attended", "rate"],
    "properties": {"key": {"type": ["integer", "string"]}, "label": {"type": "string"},
                   "invited": {"type": "integer"}, "accepted": {"type": "integer"}, "attended": {"type": "integer"},
                   "rate": {"type": "number", "minimum": 0, "maximum": 1,
                            "description": "attended / invited (capped to 1; 0 when nobody was invited)"},
                   "no_shows": {"type": "integer", "description": "accepted but absent"},
                   "walk_ins": {"type": "integer", "description": "present without an invitation"},
                   "online": {"type": "integer"}}})
PERIOD_PARAMS = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "first day (default: the first day of the month 11 months ago)"},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "last day, inclusive"},
]


def _by_param(choices: Iterable[str]) -> dict:
    return {"name": "by", "in": "query", "schema": {"enum": list(choices)}}


openapi.operation("/briefings/{briefing_id}/attendance", "post", tag=TAG,
                  summary="Record a journalist present (idempotent: a repeat answers 200 with the existing record)",
                  request_body=openapi.json_request({"type": "object", "required": ["journalist_id"], "properties": {
                      "journalist_id": openapi.ID, "mode": {"enum": list(MODES)}}}),
                  responses={"201": openapi.json_response(ATTENDANCE, "Created"),
                             "200": openapi.json_response(ATTENDANCE, "Already checked in")})
openapi.operation("/briefings/{briefing_id}/attendance", "get", tag=TAG, summary="Who is checked in",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(ATTENDANCE))})
openapi.operation("/briefings/{briefing_id}/attendance/{journalist_id}", "delete", tag=TAG,
                  summary="Undo a check-in", responses={"204": {"description": "Removed"}})
openapi.operation("/briefings/{briefing_id}/checkin", "post", tag=TAG,
                  summary="Check in at the door by the QR code's content (URL /c/TOKEN or the token) or the short "
                          "code; valid from 2 h before the start to 2 h after the end",
                  request_body=openapi.json_request({
                      "type": "object", "anyOf": [{"required": ["token"]}, {"required": ["code"]}],
                      "properties": {"token": openapi.text(2000), "code": openapi.text(64),
                                     "mode": {"enum": list(MODES)}}}),
                  responses={"201": openapi.json_response(ATTENDANCE, "Created"),
                             "200": openapi.json_response(ATTENDANCE, "Already checked in")})
openapi.operation("/briefings/{briefing_id}/questions", "get", tag=TAG, summary="Questions in running order",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(QUESTION))})
openapi.operation("/briefings/{briefing_id}/questions", "post", tag=TAG, summary="Record a question",
                  request_body=openapi.json_request({"type": "object", "required": ["text"], "properties": {
                      "text": openapi.text(2000, min_stripped=3), "journalist_id": openapi.ID}}),
                  responses={"201": openapi.json_response(QUESTION, "Created")})
openapi.operation("/questions/{question_id}", "get", tag=TAG, summary="A question",
                  responses={"200": openapi.json_response(QUESTION)})
openapi.operation("/questions/{question_id}", "patch", tag=TAG,
                  summary="Answer, decline, reorder; mail_answer sends a written answer to the asker(s)",
                  request_body=openapi.json_request({"type": "object", "properties": {
                      "status": {"enum": list(QUESTION_STATUSES)}, "answer": {"type": "string"},
                      "mail_answer": {"type": "boolean"}, "move": {"enum": ["up", "down"]}}}),
                  responses={"200": openapi.json_response(QUESTION)})
openapi.operation("/questions/{question_id}/merge", "post", tag=TAG, summary="Mark as a duplicate of another",
                  request_body=openapi.json_request({"type": "object", "required": ["into_id"],
                                                     "properties": {"into_id": {"type": "integer"}}}),
                  responses={"200": openapi.json_response(QUESTION)})
openapi.operation("/coverage", "get", tag=TAG, summary="Coverage (newest first)",
                  parameters=[*openapi.PAGE_PARAMS,
                              {"name": "briefing_id", "in": "query", "schema": {"type": "integer"}},
                              {"name": "outlet_id", "in": "query", "schema": {"type": "integer"}}, *PERIOD_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of(COVERAGE))})
openapi.operation("/coverage", "post", tag=TAG, summary="Record an article or broadcast (outlet matched from the "
                                                        "URL's domain when not given)",
                  request_body=openapi.json_request({"type": "object", "required": ["url"], "properties": {
                      "url": {"type": "string"}, "outlet_id": {"type": "integer"}, "briefing_id": {"type": "integer"},
                      "title": {"type": "string"}, "published_on": {"type": "string", "format": "date"},
                      "tone": {"enum": list(TONES)}, "kind": {"enum": list(COVERAGE_KINDS)}}}),
                  responses={"201": openapi.json_response(COVERAGE, "Created")})
openapi.operation("/coverage/paste", "post", tag=TAG,
                  summary="Paste URLs (one per line): those with a known outlet are added; unmatched ones are "
                          "reported (give their outlet in `outlets` {url: outlet_id}); a line that is not a URL "
                          "refuses the whole paste",
                  request_body=openapi.json_request({"type": "object", "required": ["text"], "properties": {
                      "text": {"type": "string"}, "outlets": {"type": "object"}, "briefing_id": {"type": "integer"},
                      "tone": {"enum": list(TONES)}, "kind": {"enum": list(COVERAGE_KINDS)},
                      "published_on": {"type": "string", "format": "date"}, "dry_run": {"type": "boolean"}}}),
                  responses={"200": openapi.json_response({"type": "object"})})
for _method, _summary in (("get", "A coverage item"), ("patch", "Change a coverage item"),
                          ("delete", "Delete a coverage item")):
    openapi.operation("/coverage/{coverage_id}", _method, tag=TAG, summary=_summary,
                      responses={"200": openapi.json_response(COVERAGE)} if _method != "delete"
                      else {"204": {"description": "Deleted"}})
openapi.operation("/reports/attendance", "get", tag="reports",
                  summary="Attendance over a period by outlet, journalist, month (or level, kind, briefing); "
                          "across one or more series with `series_id` (repeated or a comma list: only their "
                          "occurrences, the period from their first occurrence to today unless given; items add "
                          "`occurrences_attended`, the body `occurrences`, `series_ids`, `series`; by=briefing "
                          "is the trend across occurrences)",
                  parameters=[*PERIOD_PARAMS, _by_param(reports.ATTENDANCE_DIMENSIONS), *openapi.PAGE_PARAMS,
                              {"name": "series_id", "in": "query", "style": "form", "explode": True,
                               "schema": {"type": "array", "items": {"type": "integer"}}}],
                  responses={"200": openapi.json_response(openapi.page_of(REPORT_ITEM))})
openapi.operation("/reports/coverage", "get", tag="reports",
                  summary="Coverage with tone by outlet, briefing, month (tone over time), level or kind",
                  parameters=[*PERIOD_PARAMS, _by_param(reports.COVERAGE_DIMENSIONS), *openapi.PAGE_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of({"type": "object"}))})
openapi.operation("/reports/attended-not-covered", "get", tag="reports",
                  summary="(briefing, outlet) pairs: present, nothing published linked to the briefing",
                  parameters=[*PERIOD_PARAMS, *openapi.PAGE_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of({"type": "object"}))})
openapi.operation("/reports/covered-not-attended", "get", tag="reports",
                  summary="(briefing, outlet) pairs: published about the briefing without attending",
                  parameters=[*PERIOD_PARAMS, *openapi.PAGE_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of({"type": "object"}))})
openapi.operation("/reports/questions", "get", tag="reports", summary="Questions asked and answered",
                  parameters=[*PERIOD_PARAMS, _by_param(reports.QUESTION_DIMENSIONS), *openapi.PAGE_PARAMS],
                  responses={"200": openapi.json_response(openapi.page_of({"type": "object"}))})


# --- serializers ------------------------------------------------------------------------------------

def attendance_json(row: Attendance) -> dict:
    return {"id": row.id, "briefing_id": row.briefing_id, "journalist_id": row.journalist_id,
            "full_name": row.journalist.full_name, "outlet_id": row.outlet_id, "outlet": row.outlet.name,
            "mode": row.mode, "method": row.method, "checked_in_at": iso(row.checked_in_at),
            "by_user_id": row.by_user_id}


def question_json(row: Question) -> dict:
    return {"id": row.id, "briefing_id": row.briefing_id, "journalist_id": row.journalist_id,
            "full_name": row.journalist.full_name if row.journalist else None, "outlet_id": row.outlet_id,
            "text": row.text, "status": row.status, "answer": row.answer, "merged_into_id": row.merged_into_id,
            "position": row.position, "source": row.source, "asked_at": iso(row.asked_at),
            "answered_at": iso(row.answered_at), "answered_by_id": row.answered_by_id}


def coverage_json(row: Coverage) -> dict:
    return {"id": row.id, "briefing_id": row.briefing_id, "outlet_id": row.outlet_id, "outlet": row.outlet.name,
            "url": row.url, "title": row.title, "published_on": row.published_on.isoformat(), "tone": row.tone,
            "kind": row.kind, "source": row.source, "created_at": iso(row.created_at)}


def _user_id() -> int:
    return g.api_user.id


def _int(data: dict, key: str, required: bool = True) -> int | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({key: _("%(name)s phải là số nguyên.", name=key)})
    return value


def _office_object(model: Any, data: dict, key: str, message: str) -> Any:
    """The office's ``model`` row whose id is ``data[key]`` (a JSON integer), or a ValidationError on ``key``."""
    row = db.session.get(model, _int(data, key))
    if row is None or row.office_id != office_id():
        raise ValidationError({key: message})
    return row


def _journalist(data: dict) -> Journalist:
    return _office_object(Journalist, data, "journalist_id", _("Không tìm thấy nhà báo này trong cơ quan."))


# --- attendance ---------------------------------------------------------------------------------------

@bp.post("/briefings/<int:briefing_id>/attendance")
def record_attendance(briefing_id: int) -> ResponseReturnValue:
    require("edit")
    briefing = get_scoped(Briefing, briefing_id)
    data = json_body()
    journalist = _journalist(data)
    mode = data.get("mode", "in_person")
    if mode not in MODES:
        raise ValidationError({"mode": _("mode phải là in_person hoặc online.")})
    row, created = ops.check_in(briefing, journalist, mode=mode, method="staff", user_id=_user_id())
    return jsonify(attendance_json(row)), 201 if created else 200


@bp.get("/briefings/<int:briefing_id>/attendance")
def list_attendance(briefing_id: int) -> ResponseReturnValue:
    get_scoped(Briefing, briefing_id)
    return paginated(select(Attendance).where(Attendance.briefing_id == briefing_id)
                     .order_by(Attendance.checked_in_at, Attendance.id), attendance_json)


@bp.delete("/briefings/<int:briefing_id>/attendance/<int:journalist_id>")
def delete_attendance(briefing_id: int, journalist_id: int) -> ResponseReturnValue:
    require("edit")
    briefing = get_scoped(Briefing, briefing_id)
    row = ops.existing_attendance(briefing.id, journalist_id)
    if row is None:
        raise NotFound(_("Không tìm thấy."))
    ops.undo_check_in(row)
    return "", 204


@bp.post("/briefings/<int:briefing_id>/checkin")
def checkin_api(briefing_id: int) -> ResponseReturnValue:
    require("edit")
    briefing = get_scoped(Briefing, briefing_id)
    data = json_body()
    mode = data.get("mode", "in_person")
    if data.get("token"):
        row, created = ops.check_in_by_token(briefing, str(data["token"]), user_id=_user_id(), mode=mode)
    elif data.get("code"):
        row, created = ops.check_in_by_code(briefing, str(data["code"]), user_id=_user_id(), mode=mode)
    else:
        raise ValidationError({"code": _("Cần token (nội dung mã QR) hoặc code (mã 6 ký tự).")})
    return jsonify({**attendance_json(row), "already": not created}), 201 if created else 200


# --- questions ----------------------------------------------------------------------------------------

@bp.get("/briefings/<int:briefing_id>/questions")
def list_questions(briefing_id: int) -> ResponseReturnValue:
    get_scoped(Briefing, briefing_id)
    return paginated(select(Question).where(Question.briefing_id == briefing_id)
                     .order_by(Question.merged_into_id.is_not(None), Question.position, Question.id), question_json)


@bp.post("/briefings/<int:briefing_id>/questions")
def create_question(briefing_id: int) -> ResponseReturnValue:
    require("answer")
    briefing = get_scoped(Briefing, briefing_id)
    data = json_body()
    journalist = _journalist(data) if data.get("journalist_id") is not None else None
    row = ops.ask(briefing, journalist, data.get("text"), source="api")
    return jsonify(question_json(row)), 201


@bp.get("/questions/<int:question_id>")
def get_question(question_id: int) -> ResponseReturnValue:
    return jsonify(question_json(get_scoped(Question, question_id)))


@bp.patch("/questions/<int:question_id>")
def update_question(question_id: int) -> ResponseReturnValue:
    require("answer")
    question = get_scoped(Question, question_id)
    data = json_body()
    if "move" in data:
        if data["move"] not in ("up", "down"):
            raise ValidationError({"move": _("move phải là up hoặc down.")})
        ops.move_question(question, data["move"])
    if "status" in data:
        ops.set_question_status(question, str(data.get("status")), answer=data.get("answer"),
                                mail=bool(data.get("mail_answer")), user_id=_user_id())
    return jsonify(question_json(question))


@bp.post("/questions/<int:question_id>/merge")
def merge_question(question_id: int) -> ResponseReturnValue:
    require("answer")
    question = get_scoped(Question, question_id)
    data = json_body()
    into = _office_object(Question, data, "into_id", _("Không tìm thấy câu hỏi."))
    ops.merge_questions(question, into)
    return jsonify(question_json(question))


# --- coverage -----------------------------------------------------------------------------------------

@bp.get("/coverage")
def list_coverage() -> ResponseReturnValue:
    query = select(Coverage).where(Coverage.office_id == office_id())
    if request.args.get("briefing_id", type=int):
        query = query.where(Coverage.briefing_id == request.args.get("briefing_id", type=int))
    if request.args.get("outlet_id", type=int):
        query = query.where(Coverage.outlet_id == request.args.get("outlet_id", type=int))
    if request.args.get("from") or request.args.get("to"):
        period = _period()
        query = query.where(Coverage.published_on >= period.start, Coverage.published_on <= period.end)
    return paginated(query.order_by(Coverage.published_on.desc(), Coverage.id.desc()), coverage_json)


@bp.post("/coverage")
def create_coverage() -> ResponseReturnValue:
    require("edit")
    data = json_body()
    row = ops.create_coverage(office_id(), data, user_id=_user_id())
    return jsonify(coverage_json(row)), 201


@bp.get("/coverage/<int:coverage_id>")
def get_coverage(coverage_id: int) -> ResponseReturnValue:
    return jsonify(coverage_json(get_scoped(Coverage, coverage_id)))


@bp.patch("/coverage/<int:coverage_id>")
def update_coverage(coverage_id: int) -> ResponseReturnValue:
    require("edit")
    row = ops.update_coverage(get_scoped(Coverage, coverage_id), json_body())
    return jsonify(coverage_json(row))


@bp.delete("/coverage/<int:coverage_id>")
def delete_coverage(coverage_id: int) -> ResponseReturnValue:
    require("edit")
    ops.delete_coverage(get_scoped(Coverage, coverage_id))
    return "", 204


@bp.post("/coverage/paste")
def paste_coverage() -> ResponseReturnValue:
    require("edit")
    data = json_body()
    outlets = data.get("outlets") or {}
    if not isinstance(outlets, dict):
        raise ValidationError({"outlets": _("outlets phải là một đối tượng {url: outlet_id}.")})
    common = {k: data[k] for k in ("briefing_id", "tone", "kind", "published_on") if k in data}
    result = ops.paste_coverage(office_id(), str(data.get("text") or ""), outlets=outlets, common=common,
                                user_id=_user_id(), dry_run=bool(data.get("dry_run")))
    return jsonify({"dry_run": bool(data.get("dry_run")), "created": [coverage_json(c) for c in result["created"]],
                    "unmatched": [paste_line_json(r) for r in result["unmatched"]],
                    "duplicates": [paste_line_json(r) for r in result["duplicates"]],
                    "lines": [paste_line_json(r) for r in result["rows"]]})


def paste_line_json(row: dict) -> dict:
    """One analysed line of a paste (``ops.paste_lines``)."""
    out = {"line": row["line"], "input": row["input"], "url": row["url"], "status": row["status"],
           "outlet_id": row["outlet"].id if row["outlet"] is not None else None}
    if row.get("error"):
        out["error"] = row["error"]
    if row.get("coverage") is not None:
        out["coverage_id"] = row["coverage"].id
    return out


# --- reports ------------------------------------------------------------------------------------------

def _period() -> reports.Period:
    return reports.parse_period(request.args.get("from"), request.args.get("to"), g.office.timezone)


def _page(items: list, extra: dict | None = None) -> ResponseReturnValue:
    page, per_page = page_args()
    body = {"items": items[(page - 1) * per_page: page * per_page], "total": len(items), "page": page,
            "per_page": per_page}
    if extra:
        body.update(extra)
    return jsonify(body)


def _by(default: str, choices: tuple) -> str:
    by = request.args.get("by", default)
    reports.check_dimension(by, choices)
    return by


def _report(items: list, period: reports.Period, **extra: Any) -> ResponseReturnValue:
    """A page of a report's items, with the period (and the dimension) they cover."""
    return _page(items, {"from": period.start.isoformat(), "to": period.end.isoformat(), **extra})


@bp.get("/reports/attendance")
def report_attendance() -> ResponseReturnValue:
    """By period, or across one or more series (``series_id``, repeated or a comma list): then only their
    occurrences count, the period defaults to their first occurrence → today, and items carry
    ``occurrences_attended`` out of ``occurrences``."""
    series_ids = reports.parse_series_ids(request.args.getlist("series_id"), office_id())
    if series_ids is None:
        period = _period()
        by = _by("outlet", reports.ATTENDANCE_DIMENSIONS)
        items = reports.attendance_report(office_id(), period, by)
        return _report(items, period, by=by, summary=reports.totals(items))
    period = reports.series_period(office_id(), series_ids, request.args.get("from"), request.args.get("to"),
                                   g.office.timezone)
    by = _by("outlet", reports.ATTENDANCE_DIMENSIONS)
    items = reports.attendance_report(office_id(), period, by, series_ids=series_ids)
    scope = reports.series_scope(office_id(), series_ids, period)
    return _report(items, period, by=by, summary=reports.totals(items), series_ids=scope.ids,
                   series=scope.titles, occurrences=scope.occurrences)


@bp.get("/reports/coverage")
def report_coverage() -> ResponseReturnValue:
    period = _period()
    by = _by("outlet", reports.COVERAGE_DIMENSIONS)
    return _report(reports.coverage_report(office_id(), period, by), period, by=by)


@bp.get("/reports/attended-not-covered")
def report_attended_not_covered() -> ResponseReturnValue:
    period = _period()
    return _report(reports.attended_not_covered(office_id(), period), period)


@bp.get("/reports/covered-not-attended")
def report_covered_not_attended() -> ResponseReturnValue:
    period = _period()
    return _report(reports.covered_not_attended(office_id(), period), period)


@bp.get("/reports/questions")
def report_questions() -> ResponseReturnValue:
    period = _period()
    by = _by("briefing", reports.QUESTION_DIMENSIONS)
    return _report(reports.questions_report(office_id(), period, by), period, by=by)
