"""``/api/v1/series`` and ``/api/v1/briefings`` (CONTRACT.md), plus feed tokens and closures."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, iso, json_body, office_id, paginated, require
from coordinator.core.dates import parse_day
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.schedule import operations as ops
from coordinator.schedule import recurrence
from coordinator.schedule.models import Briefing, OfficeClosure, Series

T = TypeVar("T")


def serialize_series(series: Series) -> dict:
    return {"id": series.id, "uid": series.uid, "title": series.title, "description": series.description,
            "dtstart": series.dtstart.isoformat(), "timezone": series.timezone,
            "duration_minutes": series.duration_minutes, "rrule": series.rrule,
            "rule_text": recurrence.describe_rule(series.rrule, series.timezone),
            "skip_public_holidays": series.holiday_policy != "none", "holiday_policy": series.holiday_policy,
            "venue": series.venue, "online_url": series.online_url, "audience": series.audience or {},
            "invite_lead_days": series.invite_lead_days, "reminders": series.reminders or [],
            "is_public": series.is_public, "sequence": series.sequence, "split_from_id": series.split_from_id,
            "version": series.version_id, "created_at": iso(series.created_at),
            "updated_at": iso(series.updated_at),
            # the local start time at the zone's clock changes (a time that is skipped or happens twice)
            "warnings": recurrence.clock_change_warnings(series.dtstart, series.timezone, series.rrule)}


def serialize_briefing(briefing: Briefing) -> dict:
    return {"id": briefing.id, "series_id": briefing.series_id, "title": briefing.effective_title,
            "start": iso(briefing.start), "end": iso(briefing.end), "status": briefing.status,
            "venue": briefing.effective_venue, "online_url": briefing.effective_online_url,
            "recurrence_id": iso(briefing.recurrence_id), "uid": briefing.uid, "sequence": briefing.sequence,
            "agenda": briefing.agenda, "spokespeople": briefing.spokespeople, "is_crisis": briefing.is_crisis,
            "timezone": briefing.timezone, "version": briefing.version_id,
            "audience": briefing.effective_audience, "recorded": briefing.recorded}


AUDIENCE = openapi.schema("Audience", {
    "type": "object",
    "properties": {"list_ids": {"type": "array", "items": {"type": "integer"}},
                   "beats": {"type": "array", "items": {"type": "string"}},
                   "outlet_ids": {"type": "array", "items": {"type": "integer"}},
                   "journalist_ids": {"type": "array", "items": {"type": "integer"}}},
})
SERIES_IN = openapi.schema("SeriesInput", {
    "type": "object",
    "required": ["title", "dtstart", "duration_minutes", "rrule"],
    "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                   "dtstart": {"type": "string", "description": "local date-time, no offset: 2026-11-24T15:00"},
                   "timezone": {"type": "string", "example": "Asia/Ho_Chi_Minh"},
                   "duration_minutes": {"type": "integer", "minimum": 1},
                   "rrule": {"type": "string", "example": "FREQ=WEEKLY;BYDAY=TU"},
                   "skip_public_holidays": {"type": "boolean"},
                   "holiday_policy": {"enum": ["none", "skip", "move_next_working_day"]},
                   "venue": {"type": "string"}, "online_url": {"type": "string", "format": "uri"},
                   "invite_lead_days": {"type": "integer"},
                   "reminders": {"type": "array", "items": {"type": "integer"}},
                   "is_public": {"type": "boolean"}, "audience": AUDIENCE},
})
SERIES = openapi.schema("Series", {
    "type": "object",
    "required": ["id", "uid", "title", "dtstart", "timezone", "duration_minutes", "rrule", "sequence"],
    "properties": {"id": {"type": "integer"}, "uid": {"type": "string"}, "title": {"type": "string"},
                   "dtstart": {"type": "string"}, "timezone": {"type": "string"},
                   "duration_minutes": {"type": "integer"}, "rrule": {"type": "string"},
                   "rule_text": {"type": "string"}, "skip_public_holidays": {"type": "boolean"},
                   "holiday_policy": {"type": "string"}, "venue": {"type": ["string", "null"]},
                   "online_url": {"type": ["string", "null"]}, "audience": AUDIENCE,
                   "invite_lead_days": {"type": "integer"}, "reminders": {"type": "array"},
                   "sequence": {"type": "integer"}, "split_from_id": {"type": ["integer", "null"]},
                   "version": {"type": "integer"}},
})
BRIEFING = openapi.schema("Briefing", {
    "type": "object",
    "required": ["id", "series_id", "title", "start", "end", "status", "venue", "online_url"],
    "properties": {"id": {"type": "integer"}, "series_id": {"type": ["integer", "null"]},
                   "title": {"type": "string"}, "start": {"type": "string", "format": "date-time"},
                   "end": {"type": "string", "format": "date-time"},
                   "status": {"enum": ["scheduled", "moved", "cancelled", "held"]},
                   "venue": {"type": ["string", "null"]}, "online_url": {"type": ["string", "null"]},
                   "recurrence_id": {"type": ["string", "null"], "format": "date-time"},
                   "sequence": {"type": "integer"}, "agenda": {"type": ["string", "null"]},
                   "spokespeople": {"type": ["string", "null"]}, "is_crisis": {"type": "boolean"},
                   "recorded": {"type": "boolean",
                                "description": "an ad hoc briefing entered after it ended: nobody was mailed"},
                   "version": {"type": "integer"}},
})
BRIEFING_IN = openapi.schema("BriefingInput", {
    "type": "object",
    "required": ["title", "dtstart"],
    "properties": {"title": {"type": "string"}, "dtstart": {"type": "string", "description": "local, no offset"},
                   "timezone": {"type": "string"}, "duration_minutes": {"type": "integer"},
                   "venue": {"type": "string"}, "online_url": {"type": "string"}, "agenda": {"type": "string"},
                   "spokespeople": {"type": "string"}, "is_crisis": {"type": "boolean"}, "audience": AUDIENCE,
                   "record_past": {"type": "boolean", "description": (
                       "record a briefing that already happened: refused (422 on dtstart) unless it has ended; "
                       "its audience is kept as invited and nobody is mailed (a briefing over when created is "
                       "recorded so without the flag too)")}},
})
BRIEFING_PATCH = openapi.schema("BriefingPatch", {
    "type": "object",
    "properties": {"start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
                   "venue": {"type": "string"}, "online_url": {"type": "string"},
                   "status": {"enum": ["cancelled", "scheduled", "held"]}, "agenda": {"type": "string"},
                   "spokespeople": {"type": "string"}, "title": {"type": "string"},
                   "version": {"type": "integer", "description": "optimistic lock: 409 if it changed meanwhile"}},
})
RANGE_PARAMS = [
    {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "required": True, "schema": {"type": "string", "format": "date"},
     "description": "inclusive"},
    {"name": "series_id", "in": "query", "schema": {"type": "integer"}},
]
openapi.operation("/series", "post", summary="Create a recurring series", tag="schedule",
                  request_body=openapi.json_request(SERIES_IN),
                  responses={"201": openapi.json_response(SERIES, "Created")})
openapi.operation("/series", "get", summary="The office's series", tag="schedule", parameters=openapi.PAGE_PARAMS,
                  responses={"200": openapi.json_response(openapi.page_of(SERIES))})
openapi.operation("/series/{series_id}", "get", summary="One series", tag="schedule",
                  responses={"200": openapi.json_response(SERIES)})
openapi.operation("/series/{series_id}", "patch", summary="Edit the whole series (SEQUENCE +1)", tag="schedule",
                  request_body=openapi.json_request(SERIES_IN), responses={"200": openapi.json_response(SERIES)})
openapi.operation("/briefings", "get", summary="Briefings in a date range (beyond the horizon too)",
                  tag="schedule", parameters=RANGE_PARAMS + openapi.PAGE_PARAMS,
                  responses={"200": openapi.json_response(openapi.page_of(BRIEFING))})
openapi.operation("/briefings", "post", summary="Create an ad hoc briefing (past dates allowed)", tag="schedule",
                  request_body=openapi.json_request(BRIEFING_IN),
                  responses={"201": openapi.json_response(BRIEFING, "Created")})
openapi.operation("/briefings/{briefing_id}", "get", summary="One briefing", tag="schedule",
                  responses={"200": openapi.json_response(BRIEFING)})
openapi.operation("/briefings/{briefing_id}", "patch", summary="Change one briefing: move, cancel, venue, agenda",
                  tag="schedule", request_body=openapi.json_request(BRIEFING_PATCH),
                  responses={"200": openapi.json_response(BRIEFING)})
openapi.operation("/briefings/{briefing_id}/following", "patch",
                  summary="Change this and the following occurrences (splits the series)", tag="schedule",
                  request_body=openapi.json_request(SERIES_IN), responses={"200": openapi.json_response(SERIES)})


@bp.post("/series")
def create_series():
    require("edit")
    series = ops.create_series(g.office, json_body())
    return jsonify(serialize_series(series)), 201


@bp.get("/series")
def list_series():
    query = select(Series).where(Series.office_id == office_id()).order_by(Series.id)
    return paginated(query, serialize_series)


@bp.get("/series/<int:series_id>")
def get_series(series_id: int):
    return serialize_series(get_scoped(Series, series_id))


@bp.patch("/series/<int:series_id>")
def patch_series(series_id: int):
    return serialize_series(_edit(Series, series_id, ops.update_series))


def _edit(model: type, object_id: int, change: Callable[..., T]) -> T:
    """An edit of one of the office's objects with the JSON body; its ``version`` (optional) is the
    optimistic lock, not a field."""
    require("edit")
    target = get_scoped(model, object_id)
    data = json_body()
    return change(target, data, expected_version=data.pop("version", None))


def _day(value: object, name: str, errors: dict) -> date | None:
    """``value`` as a day, or None with a message under ``name``."""
    try:
        return parse_day(value)
    except ValueError:
        errors[name] = _("%(name)s phải có dạng YYYY-MM-DD.", name=name)
        return None


def _date_arg(name: str, errors: dict) -> date | None:
    value = request.args.get(name)
    if not value:
        errors[name] = _("Thiếu tham số %(name)s=YYYY-MM-DD.", name=name)
        return None
    return _day(value, name, errors)


@bp.get("/briefings")
def list_briefings():
    errors: dict[str, str] = {}
    day_from, day_to = _date_arg("from", errors), _date_arg("to", errors)
    series_id = request.args.get("series_id")
    if series_id is not None:
        if parse_id(series_id) is None:
            errors["series_id"] = _("%(name)s phải là số nguyên.", name="series_id")
        else:
            series_id = get_scoped(Series, parse_id(series_id)).id
    if errors:
        raise ValidationError(errors)
    query = ops.list_briefings(office_id(), day_from, day_to, timezone=g.office.timezone, series_id=series_id)
    return paginated(query, serialize_briefing)


@bp.post("/briefings")
def create_briefing():
    require("edit")
    data = json_body()
    briefing = ops.create_briefing(g.office, data, crisis=bool(data.get("is_crisis")))
    return jsonify(serialize_briefing(briefing)), 201


@bp.get("/briefings/<int:briefing_id>")
def get_briefing(briefing_id: int):
    return serialize_briefing(get_scoped(Briefing, briefing_id))


@bp.patch("/briefings/<int:briefing_id>")
def patch_briefing(briefing_id: int):
    return serialize_briefing(_edit(Briefing, briefing_id, ops.update_briefing))


@bp.patch("/briefings/<int:briefing_id>/following")
def patch_following(briefing_id: int):
    return serialize_series(_edit(Briefing, briefing_id, ops.split_series))


# --- closures and feed tokens (extensions) -----------------------------------------------------------

CLOSURE = openapi.schema("OfficeClosure", {"type": "object", "required": ["id", "day", "name"], "properties": {
    "id": {"type": "integer"}, "day": {"type": "string", "format": "date"}, "name": {"type": "string"}}})
openapi.operation("/closures", "get", summary="Days the office closes (besides public holidays)", tag="schedule",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(CLOSURE))})
CLOSURE_IN = openapi.schema("OfficeClosureInput", {
    "type": "object", "required": ["day", "name"],
    "properties": {"day": {"type": "string", "format": "date"}, "name": openapi.text(255)}})
openapi.operation("/closures", "post", summary="Add a closure day (422 if it is already closed)", tag="schedule",
                  request_body=openapi.json_request(CLOSURE_IN), responses={"201": openapi.json_response(CLOSURE)})
openapi.operation("/journalists/{journalist_id}/feed-token", "post",
                  summary="Issue (rotate) a journalist's personal calendar feed token", tag="schedule",
                  responses={"201": openapi.json_response({"type": "object"})})
openapi.operation("/journalists/{journalist_id}/feed-token", "delete",
                  summary="Revoke a journalist's personal calendar feed tokens", tag="schedule",
                  responses={"204": {"description": "Revoked"}})


def serialize_closure(closure: OfficeClosure) -> dict:
    return {"id": closure.id, "day": closure.day.isoformat(), "name": closure.name}


@bp.get("/closures")
def list_closures():
    return paginated(select(OfficeClosure).where(OfficeClosure.office_id == office_id()).order_by(OfficeClosure.day),
                     serialize_closure)


@bp.post("/closures")
def add_closure():
    require("edit")
    data = json_body()
    errors: dict[str, str] = {}
    day = _day(data.get("day") or "", "day", errors)
    if errors:
        raise ValidationError(errors)
    closure = ops.add_closure(g.office, day, data.get("name"))
    return jsonify(serialize_closure(closure)), 201


@bp.post("/journalists/<int:journalist_id>/feed-token")
def issue_feed_token(journalist_id: int):
    require("edit")
    from coordinator.core.urls import external_url
    from coordinator.schedule import ical

    row, token = ops.rotate_feed_token(office_id(), journalist_id)
    url = external_url("personal_calendar.personal_feed", token=token)
    return jsonify({"token": token, "prefix": row.prefix, "url": url, "webcal_url": ical.webcal_url(url),
                    "google_url": ical.google_subscribe_url(url),
                    "outlook_url": ical.outlook_subscribe_url(url, _("Lịch họp báo"))}), 201


@bp.delete("/journalists/<int:journalist_id>/feed-token")
def revoke_feed_token(journalist_id: int):
    require("edit")
    ops.revoke_feed_tokens(office_id(), journalist_id)
    return "", 204
