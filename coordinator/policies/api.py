"""``/api/v1``: policies, their links, the annual plan and its items, consultation comments, progress and
the year's export."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, int_arg, iso, json_body, office_id, paginated, require
from coordinator.core.errors import NotFound, ValidationError
from coordinator.policies import exports, progress
from coordinator.policies import operations as ops
from coordinator.policies.models import (
    COMMENT_STATUSES,
    LINK_KINDS,
    STAGES,
    CommunicationPlan,
    PlanItem,
    Policy,
    PolicyComment,
)

TAG = "policies"
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
QUARTERS = {"type": "array", "minItems": 4, "maxItems": 4,
            "items": {"type": "integer", "minimum": 0, "maximum": ops.MAX_PER_QUARTER},
            "description": "Q1..Q4"}
AUDIENCE = {"type": "object", "properties": {"beat_ids": {"type": "array", "items": openapi.ID},
                                             "list_ids": {"type": "array", "items": openapi.ID}}}
POLICY = openapi.schema("Policy", {
    "type": "object", "required": ["id", "name", "stage"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"},
                   "beat_id": {"type": ["integer", "null"]}, "owner_department": {"type": "string"},
                   "stage": {"enum": list(STAGES)}, "drafting_on": DATE_OR_NULL, "issued_on": DATE_OR_NULL,
                   "in_force_on": DATE_OR_NULL, "under_review_on": DATE_OR_NULL,
                   "document_number": {"type": ["string", "null"]}, "consultation_open": {"type": "boolean"},
                   "citizen_comments": {"type": "boolean"}}})
POLICY_BODY = {"type": "object", "properties": {
    "name": openapi.text(300), "description": {"type": "string", "maxLength": 5000},
    "beat_id": {"type": ["integer", "null"]}, "owner_department": {"type": "string", "maxLength": 255},
    "stage": {"enum": list(STAGES)}, "drafting_on": DATE_OR_NULL, "issued_on": DATE_OR_NULL,
    "in_force_on": DATE_OR_NULL, "under_review_on": DATE_OR_NULL,
    "document_number": {"type": ["string", "null"], "maxLength": 100,
                        "description": "required once issued"},
    "consultation_open": {"type": "boolean"}, "citizen_comments": {"type": "boolean"}},
    "additionalProperties": False}
LINKS = openapi.schema("PolicyLinks", {
    "type": "object", "required": list(LINK_KINDS),
    "properties": {kind: {"type": "array", "items": {"type": "integer"}} for kind in LINK_KINDS}})
LINK_BODY = {"type": "object", "required": ["kind", "id"],
             "properties": {"kind": {"enum": list(LINK_KINDS)}, "id": openapi.ID}}
PLAN = openapi.schema("CommunicationPlan", {
    "type": "object", "required": ["id", "year", "title", "items"],
    "properties": {"id": {"type": "integer"}, "year": {"type": "integer"}, "title": {"type": "string"},
                   "responsible": {"type": "string"}, "notes": {"type": "string"},
                   "items": {"type": "array", "items": openapi.ref("PlanItem")}}})
PLAN_ITEM = openapi.schema("PlanItem", {
    "type": "object", "required": ["id", "policy_id", "planned_briefings", "planned_packs"],
    "properties": {"id": {"type": "integer"}, "policy_id": {"type": "integer"}, "policy_name": {"type": "string"},
                   "planned_briefings": QUARTERS, "planned_packs": QUARTERS, "audience": AUDIENCE,
                   "responsible": {"type": "string"}}})
PLAN_BODY = {"type": "object", "properties": {
    "year": {"type": "integer", "minimum": ops.MIN_YEAR, "maximum": ops.MAX_YEAR},
    "title": {"type": "string", "maxLength": 300}, "responsible": {"type": "string", "maxLength": 255},
    "notes": {"type": "string", "maxLength": 10000}}, "additionalProperties": False}
ITEM_BODY = {"type": "object", "properties": {
    "policy_id": openapi.ID, "planned_briefings": QUARTERS, "planned_packs": QUARTERS, "audience": AUDIENCE,
    "responsible": {"type": "string", "maxLength": 255}}, "additionalProperties": False}
COMMENT = openapi.schema("PolicyComment", {
    "type": "object", "required": ["id", "policy_id", "text", "status"],
    "properties": {"id": {"type": "integer"}, "policy_id": {"type": "integer"}, "text": {"type": "string"},
                   "status": {"enum": list(COMMENT_STATUSES)}, "reply": {"type": ["string", "null"]},
                   "author_name": {"type": "string"}, "author_email": {"type": ["string", "null"]},
                   "journalist_id": {"type": ["integer", "null"]}, "is_citizen": {"type": "boolean"},
                   "created_at": {"type": "string", "format": "date-time"},
                   "triaged_at": {"type": ["string", "null"], "format": "date-time"}}})

openapi.operation("/policies", "get", tag=TAG, summary="Policies (filter by stage, or by the year's plan)",
                  parameters=[*openapi.PAGE_PARAMS, {"name": "stage", "in": "query", "schema": {"enum": list(STAGES)}},
                              {"name": "year", "in": "query", "schema": {"type": "integer", "minimum": ops.MIN_YEAR,
                                                                         "maximum": ops.MAX_YEAR},
                               "description": "only the policies in that year's plan"}],
                  responses={"200": openapi.json_response(openapi.page_of(POLICY))})
openapi.operation("/policies", "post", tag=TAG, summary="Create a policy",
                  request_body=openapi.json_request({**POLICY_BODY, "required": ["name"]}),
                  responses={"201": openapi.json_response(POLICY, "Created")})
openapi.operation("/policies/{policy_id}", "get", tag=TAG, summary="A policy",
                  responses={"200": openapi.json_response(POLICY)})
openapi.operation("/policies/{policy_id}", "patch", tag=TAG, summary="Change a policy (stage, dates, number…)",
                  request_body=openapi.json_request(POLICY_BODY), responses={"200": openapi.json_response(POLICY)})
openapi.operation("/policies/{policy_id}", "delete", tag=TAG, summary="Delete a policy (its links and comments)",
                  responses={"204": {"description": "Deleted"}})
openapi.operation("/policies/{policy_id}/links", "get", tag=TAG,
                  summary="Ids linked directly (briefing, pack, question, coverage)",
                  responses={"200": openapi.json_response(LINKS)})
openapi.operation("/policies/{policy_id}/links", "post", tag=TAG,
                  summary="Link a briefing, pack, question or coverage item (idempotent: 200 when linked already)",
                  request_body=openapi.json_request(LINK_BODY),
                  responses={"201": openapi.json_response(LINKS, "Linked"),
                             "200": openapi.json_response(LINKS, "Linked already")})
for _kind, _plural in (("briefing", "briefings"), ("pack", "packs"), ("question", "questions"),
                       ("coverage", "coverage")):
    openapi.operation(f"/policies/{{policy_id}}/{_plural}/{{{_kind}_id}}", "delete", tag=TAG,
                      summary=f"Unlink a {_kind}", responses={"204": {"description": "Unlinked"}})
openapi.operation("/policies/{policy_id}/comments", "get", tag=TAG, summary="Consultation comments, newest first",
                  parameters=[*openapi.PAGE_PARAMS,
                              {"name": "status", "in": "query", "schema": {"enum": list(COMMENT_STATUSES)}}],
                  responses={"200": openapi.json_response(openapi.page_of(COMMENT))})
openapi.operation("/policies/{policy_id}/comments/{comment_id}", "get", tag=TAG, summary="A comment",
                  responses={"200": openapi.json_response(COMMENT)})
openapi.operation("/policies/{policy_id}/comments/{comment_id}", "patch", tag=TAG,
                  summary="Triage: pending → accepted / answered (reply required) / declined",
                  request_body=openapi.json_request({"type": "object", "required": ["status"], "properties": {
                      "status": {"enum": list(COMMENT_STATUSES)}, "reply": {"type": "string", "maxLength": 5000}},
                      "additionalProperties": False}),
                  responses={"200": openapi.json_response(COMMENT)})
openapi.operation("/plans", "get", tag=TAG, summary="Annual communication plans (newest year first)",
                  parameters=[*openapi.PAGE_PARAMS,
                              {"name": "year", "in": "query", "schema": {"type": "integer", "minimum": ops.MIN_YEAR,
                                                                         "maximum": ops.MAX_YEAR}}],
                  responses={"200": openapi.json_response(openapi.page_of(PLAN))})
openapi.operation("/plans", "post", tag=TAG, summary="Create the plan of a year (one per year)",
                  request_body=openapi.json_request({**PLAN_BODY, "required": ["year"]}),
                  responses={"201": openapi.json_response(PLAN, "Created")})
openapi.operation("/plans/{plan_id}", "get", tag=TAG, summary="A plan with its items",
                  responses={"200": openapi.json_response(PLAN)})
openapi.operation("/plans/{plan_id}", "patch", tag=TAG, summary="Change a plan",
                  request_body=openapi.json_request(PLAN_BODY), responses={"200": openapi.json_response(PLAN)})
openapi.operation("/plans/{plan_id}", "delete", tag=TAG, summary="Delete a plan",
                  responses={"204": {"description": "Deleted"}})
openapi.operation("/plans/{plan_id}/items", "post", tag=TAG, summary="Add a policy to the plan",
                  request_body=openapi.json_request({**ITEM_BODY, "required": ["policy_id"]}),
                  responses={"201": openapi.json_response(PLAN_ITEM, "Created")})
openapi.operation("/plans/{plan_id}/items/{item_id}", "patch", tag=TAG, summary="Change a plan item",
                  request_body=openapi.json_request(ITEM_BODY), responses={"200": openapi.json_response(PLAN_ITEM)})
openapi.operation("/plans/{plan_id}/items/{item_id}", "delete", tag=TAG, summary="Remove a policy from the plan",
                  responses={"204": {"description": "Removed"}})
openapi.operation("/plans/{plan_id}/progress", "get", tag=TAG,
                  summary="Plan against reality per policy and quarter, needs-attention list, consultation summary",
                  responses={"200": openapi.json_response({"type": "object", "required": [
                      "year", "policies", "totals", "needs_attention", "consultation"]})})
openapi.operation("/plans/{plan_id}/export", "get", tag=TAG,
                  summary="The year's plan and results as a report to the provincial leadership",
                  parameters=[{"name": "format", "in": "query", "required": True,
                               "schema": {"enum": ["xlsx", "pdf"]}}],
                  responses={"200": {"description": "The file", "content": {
                      exports.XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
                      exports.PDF_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}})


# --- serializers ------------------------------------------------------------------------------------

def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def policy_json(policy: Policy) -> dict:
    return {"id": policy.id, "name": policy.name, "description": policy.description, "beat_id": policy.beat_id,
            "owner_department": policy.owner_department, "stage": policy.stage,
            "drafting_on": _day(policy.drafting_on), "issued_on": _day(policy.issued_on),
            "in_force_on": _day(policy.in_force_on), "under_review_on": _day(policy.under_review_on),
            "document_number": policy.document_number, "consultation_open": policy.consultation_open,
            "citizen_comments": policy.citizen_comments, "created_at": iso(policy.created_at),
            "updated_at": iso(policy.updated_at)}


def item_json(item: PlanItem) -> dict:
    return {"id": item.id, "policy_id": item.policy_id, "policy_name": item.policy.name,
            "planned_briefings": list(item.planned_briefings), "planned_packs": list(item.planned_packs),
            "audience": item.audience or {}, "responsible": item.responsible}


def plan_json(plan: CommunicationPlan) -> dict:
    return {"id": plan.id, "year": plan.year, "title": plan.title, "responsible": plan.responsible,
            "notes": plan.notes, "items": [item_json(item) for item in plan.items]}


def comment_json(comment: PolicyComment) -> dict:
    return {"id": comment.id, "policy_id": comment.policy_id, "text": comment.text, "status": comment.status,
            "reply": comment.reply, "author_name": comment.author_name, "author_email": comment.author_email,
            "journalist_id": comment.journalist_id, "is_citizen": comment.is_citizen,
            "created_at": iso(comment.created_at), "triaged_at": iso(comment.triaged_at)}


# --- the shape every create / change / delete endpoint shares (role "edit") ---------------------------------

def _create(make: Callable[[], Any], serialize: Callable[[Any], dict]) -> ResponseReturnValue:
    """201 with the object ``make()`` created."""
    require("edit")
    return jsonify(serialize(make())), 201


def _update(row_of: Callable[[], Any], change: Callable[[Any, dict], Any],
            serialize: Callable[[Any], dict]) -> ResponseReturnValue:
    """200 with the object (found by ``row_of``) after ``change(object, body)``."""
    require("edit")
    row = row_of()
    change(row, json_body())
    return jsonify(serialize(row))


def _delete(row_of: Callable[[], Any], delete: Callable[[Any], None]) -> ResponseReturnValue:
    """204 once ``delete`` removed the object found by ``row_of``."""
    require("edit")
    delete(row_of())
    return "", 204


def _year_arg(errors: dict) -> int | None:
    year = int_arg("year", errors)
    if year is not None and not ops.MIN_YEAR <= year <= ops.MAX_YEAR:
        errors["year"] = _("Năm phải là số từ %(a)s đến %(b)s.", a=ops.MIN_YEAR, b=ops.MAX_YEAR)
    return year


# --- policies ---------------------------------------------------------------------------------------

@bp.get("/policies")
def list_policies() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    stage = request.args.get("stage")
    if stage and stage not in STAGES:
        errors["stage"] = _("Giai đoạn phải là một trong: %(v)s.", v=", ".join(STAGES))
    year = _year_arg(errors)
    if errors:
        raise ValidationError(errors)
    query = select(Policy).where(Policy.office_id == office_id())
    if stage:
        query = query.where(Policy.stage == stage)
    if year is not None:
        query = query.join(PlanItem, PlanItem.policy_id == Policy.id).join(
            CommunicationPlan, CommunicationPlan.id == PlanItem.plan_id).where(CommunicationPlan.year == year)
    return paginated(query.order_by(Policy.name, Policy.id), policy_json)


@bp.post("/policies")
def create_policy() -> ResponseReturnValue:
    return _create(lambda: ops.create_policy(office_id(), json_body()), policy_json)


@bp.get("/policies/<int:policy_id>")
def get_policy(policy_id: int) -> ResponseReturnValue:
    return jsonify(policy_json(get_scoped(Policy, policy_id)))


@bp.patch("/policies/<int:policy_id>")
def update_policy(policy_id: int) -> ResponseReturnValue:
    return _update(lambda: get_scoped(Policy, policy_id), ops.update_policy, policy_json)


@bp.delete("/policies/<int:policy_id>")
def delete_policy(policy_id: int) -> ResponseReturnValue:
    return _delete(lambda: get_scoped(Policy, policy_id), ops.delete_policy)


@bp.get("/policies/<int:policy_id>/links")
def get_links(policy_id: int) -> ResponseReturnValue:
    return jsonify(ops.linked_ids(get_scoped(Policy, policy_id).id))


@bp.post("/policies/<int:policy_id>/links")
def add_link(policy_id: int) -> ResponseReturnValue:
    require("edit")
    policy = get_scoped(Policy, policy_id)
    data = json_body()
    created = ops.link(policy, data.get("kind"), data.get("id"))
    return jsonify(ops.linked_ids(policy.id)), 201 if created else 200


def _unlink(policy_id: int, kind: str, object_id: int) -> ResponseReturnValue:
    require("edit")
    policy = get_scoped(Policy, policy_id)
    target = ops.LINK_TARGETS[kind]
    get_scoped(target, object_id)
    ops.unlink(policy, kind, object_id)
    return "", 204


@bp.delete("/policies/<int:policy_id>/briefings/<int:briefing_id>")
def unlink_briefing(policy_id: int, briefing_id: int) -> ResponseReturnValue:
    return _unlink(policy_id, "briefing", briefing_id)


@bp.delete("/policies/<int:policy_id>/packs/<int:pack_id>")
def unlink_pack(policy_id: int, pack_id: int) -> ResponseReturnValue:
    return _unlink(policy_id, "pack", pack_id)


@bp.delete("/policies/<int:policy_id>/questions/<int:question_id>")
def unlink_question(policy_id: int, question_id: int) -> ResponseReturnValue:
    return _unlink(policy_id, "question", question_id)


@bp.delete("/policies/<int:policy_id>/coverage/<int:coverage_id>")
def unlink_coverage(policy_id: int, coverage_id: int) -> ResponseReturnValue:
    return _unlink(policy_id, "coverage", coverage_id)


# --- comments ---------------------------------------------------------------------------------------

def _child(parent_model: Any, parent_id: int, model: Any, child_id: int, parent_key: str) -> Any:
    """The office's ``model`` row ``child_id`` that belongs to ``parent_model`` row ``parent_id`` (its
    ``parent_key``); 404 otherwise."""
    parent = get_scoped(parent_model, parent_id)
    child = get_scoped(model, child_id)
    if getattr(child, parent_key) != parent.id:
        raise NotFound(_("Không tìm thấy."))
    return child


def _comment(policy_id: int, comment_id: int) -> PolicyComment:
    return _child(Policy, policy_id, PolicyComment, comment_id, "policy_id")


@bp.get("/policies/<int:policy_id>/comments")
def list_comments(policy_id: int) -> ResponseReturnValue:
    policy = get_scoped(Policy, policy_id)
    status = request.args.get("status")
    if status and status not in COMMENT_STATUSES:
        raise ValidationError({"status": _("Trạng thái phải là một trong: %(v)s.", v=", ".join(COMMENT_STATUSES))})
    query = select(PolicyComment).where(PolicyComment.policy_id == policy.id)
    if status:
        query = query.where(PolicyComment.status == status)
    return paginated(query.order_by(PolicyComment.created_at.desc(), PolicyComment.id.desc()), comment_json)


@bp.get("/policies/<int:policy_id>/comments/<int:comment_id>")
def get_comment(policy_id: int, comment_id: int) -> ResponseReturnValue:
    return jsonify(comment_json(_comment(policy_id, comment_id)))


@bp.patch("/policies/<int:policy_id>/comments/<int:comment_id>")
def triage_comment(policy_id: int, comment_id: int) -> ResponseReturnValue:
    require("answer")
    comment = _comment(policy_id, comment_id)
    ops.triage_comment(comment, json_body(), user_id=g.api_user.id)
    return jsonify(comment_json(comment))


# --- plans ------------------------------------------------------------------------------------------

@bp.get("/plans")
def list_plans() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    year = _year_arg(errors)
    if errors:
        raise ValidationError(errors)
    query = select(CommunicationPlan).where(CommunicationPlan.office_id == office_id())
    if year is not None:
        query = query.where(CommunicationPlan.year == year)
    return paginated(query.order_by(CommunicationPlan.year.desc()), plan_json)


@bp.post("/plans")
def create_plan() -> ResponseReturnValue:
    return _create(lambda: ops.create_plan(office_id(), json_body()), plan_json)


@bp.get("/plans/<int:plan_id>")
def get_plan(plan_id: int) -> ResponseReturnValue:
    return jsonify(plan_json(get_scoped(CommunicationPlan, plan_id)))


@bp.patch("/plans/<int:plan_id>")
def update_plan(plan_id: int) -> ResponseReturnValue:
    return _update(lambda: get_scoped(CommunicationPlan, plan_id), ops.update_plan, plan_json)


@bp.delete("/plans/<int:plan_id>")
def delete_plan(plan_id: int) -> ResponseReturnValue:
    return _delete(lambda: get_scoped(CommunicationPlan, plan_id), ops.delete_plan)


@bp.post("/plans/<int:plan_id>/items")
def add_item(plan_id: int) -> ResponseReturnValue:
    return _create(lambda: ops.add_item(get_scoped(CommunicationPlan, plan_id), json_body()), item_json)


def _item(plan_id: int, item_id: int) -> PlanItem:
    return _child(CommunicationPlan, plan_id, PlanItem, item_id, "plan_id")


@bp.patch("/plans/<int:plan_id>/items/<int:item_id>")
def update_item(plan_id: int, item_id: int) -> ResponseReturnValue:
    return _update(lambda: _item(plan_id, item_id), ops.update_item, item_json)


@bp.delete("/plans/<int:plan_id>/items/<int:item_id>")
def delete_item(plan_id: int, item_id: int) -> ResponseReturnValue:
    return _delete(lambda: _item(plan_id, item_id), ops.delete_item)


@bp.get("/plans/<int:plan_id>/progress")
def plan_progress(plan_id: int) -> ResponseReturnValue:
    return jsonify(progress.progress(get_scoped(CommunicationPlan, plan_id)))


@bp.get("/plans/<int:plan_id>/export")
def plan_export(plan_id: int) -> ResponseReturnValue:
    plan = get_scoped(CommunicationPlan, plan_id)
    fmt = request.args.get("format", "")
    if fmt not in ("xlsx", "pdf"):
        raise ValidationError({"format": _("format phải là xlsx hoặc pdf.")})
    body, mimetype, filename = exports.export(plan, fmt)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
