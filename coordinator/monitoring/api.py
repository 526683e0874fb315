"""``/api/v1``: outlets' feeds and their health, found items, coverage proposals and decisions."""
from __future__ import annotations

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp, openapi
from coordinator.api.common import act_on, get_scoped, iso, json_body, office_id, paginated, require
from coordinator.attendance.models import TONES
from coordinator.contacts.models import Outlet
from coordinator.core.errors import ValidationError
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import (
    PROPOSAL_STATUSES,
    ArticleTone,
    FeedItem,
    MatchProposal,
    MonitoringSettings,
    OutletFeed,
)

TAG = "monitoring"

FEED = openapi.schema("OutletFeed", {
    "type": "object", "required": ["id", "outlet_id", "url", "paused", "interval_minutes", "working"],
    "properties": {"id": {"type": "integer"}, "outlet_id": {"type": "integer"}, "url": {"type": "string"},
                   "title": {"type": ["string", "null"]}, "paused": {"type": "boolean"},
                   "interval_minutes": {"type": "integer"}, "working": {"type": "boolean"},
                   "last_state": {"type": "string"}, "last_fetch_at": {"type": ["string", "null"]},
                   "last_success_at": {"type": ["string", "null"]}, "last_new_item_at": {"type": ["string", "null"]},
                   "next_fetch_at": {"type": ["string", "null"]}, "last_status": {"type": ["integer", "null"]},
                   "last_error": {"type": ["string", "null"]}, "consecutive_errors": {"type": "integer"},
                   "items_total": {"type": "integer"}, "problems": {"type": "array"}}})
ITEM = openapi.schema("FeedItem", {
    "type": "object", "required": ["id", "outlet_id", "url", "title", "published_at"],
    "properties": {"id": {"type": "integer"}, "outlet_id": {"type": "integer"},
                   "feed_id": {"type": ["integer", "null"]},
                   "url": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                   "text_source": {"type": "string"}, "published_at": {"type": "string"},
                   "matched_at": {"type": ["string", "null"]},
                   "tone": {"type": ["object", "null"], "properties": {
                       "proposed": {"enum": list(TONES)}, "confidence": {"type": "number"},
                       "phrases": {"type": "array", "items": {"type": "object"}}, "model": {"type": "string"},
                       "label": {"enum": [*TONES, None]}, "label_source": {"enum": ["accepted", "corrected", None]},
                       "labelled_at": {"type": ["string", "null"]}}}}})
PROPOSAL = openapi.schema("CoverageProposal", {
    "type": "object", "required": ["id", "item", "briefing_id", "score", "phrases", "status"],
    "properties": {"id": {"type": "integer"}, "item": ITEM, "briefing_id": {"type": "integer"},
                   "briefing": {"type": "string"}, "score": {"type": "number"},
                   "phrases": {"type": "array", "items": {"type": "object"}},
                   "status": {"enum": list(PROPOSAL_STATUSES)}, "tone": {"type": ["string", "null"]},
                   "coverage_id": {"type": ["integer", "null"]}, "decided_at": {"type": ["string", "null"]}}})
SETTINGS = openapi.schema("MonitoringSettings", {
    "type": "object", "required": ["window_days", "threshold"],
    "properties": {"window_days": {"type": "integer", "minimum": 1, "maximum": 30},
                   "threshold": {"type": "number", "minimum": 0.05, "maximum": 0.99}}})
_FEED_BODY = {"type": "object", "properties": {
    "url": {"type": "string", "maxLength": 1000},
    "interval_minutes": {"type": "integer", "minimum": 5, "maximum": 1440},
    "paused": {"type": "boolean"}}}

openapi.operation("/outlets/{outlet_id}/feeds", "get", tag=TAG, summary="An outlet's feeds with their health",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(FEED))})
openapi.operation("/outlets/{outlet_id}/feeds", "post", tag=TAG, summary="Add an RSS or Atom feed to an outlet",
                  request_body=openapi.json_request({**_FEED_BODY, "required": ["url"]}),
                  responses={"201": openapi.json_response(FEED, "Created")})
openapi.operation("/feeds/{feed_id}", "get", tag=TAG, summary="A feed and its health",
                  responses={"200": openapi.json_response(FEED)})
openapi.operation("/feeds/{feed_id}", "patch", tag=TAG, summary="Pause, resume or change a feed's interval",
                  request_body=openapi.json_request(_FEED_BODY), responses={"200": openapi.json_response(FEED)})
openapi.operation("/feeds/{feed_id}", "delete", tag=TAG, summary="Remove a feed (its items stay)",
                  responses={"204": {"description": "Deleted"}})
openapi.operation("/feed-items/{item_id}", "get", tag=TAG, summary="An item found in a feed",
                  responses={"200": openapi.json_response(ITEM)})
openapi.operation("/feed-items/{item_id}/tone", "post", tag=TAG,
                  summary="Accept the proposed tone ({\"accept\": true}) or correct it ({\"tone\": ...})",
                  request_body=openapi.json_request({"type": "object", "properties": {
                      "tone": {"enum": list(TONES)}, "accept": {"type": "boolean"}}}),
                  responses={"200": openapi.json_response(ITEM)})
openapi.operation("/tone-models", "get", tag=TAG, summary="The office's tone model versions and the one in use",
                  responses={"200": openapi.json_response({"type": "object"})})
openapi.operation("/coverage-proposals", "get", tag=TAG, summary="The review queue: proposals, best first",
                  parameters=[*openapi.PAGE_PARAMS,
                              {"name": "status", "in": "query", "schema": {"enum": list(PROPOSAL_STATUSES)}},
                              {"name": "outlet_id", "in": "query", "schema": {"type": "integer"}},
                              {"name": "briefing_id", "in": "query", "schema": {"type": "integer"}}],
                  responses={"200": openapi.json_response(openapi.page_of(PROPOSAL))})
openapi.operation("/coverage-proposals/{proposal_id}", "get", tag=TAG, summary="A proposal",
                  responses={"200": openapi.json_response(PROPOSAL)})
openapi.operation("/coverage-proposals/{proposal_id}/confirm", "post", tag=TAG,
                  summary="Confirm: the item becomes one coverage record (repeating it changes nothing)",
                  request_body=openapi.json_request({"type": "object", "properties": {"tone": {"enum": list(TONES)}}}),
                  responses={"200": openapi.json_response(PROPOSAL)})
openapi.operation("/coverage-proposals/{proposal_id}/reject", "post", tag=TAG, summary="Reject a proposal",
                  request_body=openapi.json_request({"type": "object"}),
                  responses={"200": openapi.json_response(PROPOSAL)})
openapi.operation("/coverage-proposals/{proposal_id}/reassign", "post", tag=TAG,
                  summary="The item came of another briefing: reject this one, confirm that one",
                  request_body=openapi.json_request({"type": "object", "required": ["briefing_id"], "properties": {
                      "briefing_id": {"type": "integer"}, "tone": {"enum": list(TONES)}}}),
                  responses={"200": openapi.json_response(PROPOSAL)})
openapi.operation("/coverage-proposals/bulk", "post", tag=TAG, summary="Confirm or reject many proposals",
                  request_body=openapi.json_request({"type": "object", "required": ["ids", "action"], "properties": {
                      "ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 500},
                      "action": {"enum": ["confirm", "reject"]}, "tone": {"enum": list(TONES)}}}),
                  responses={"200": openapi.json_response({"type": "object"})})
openapi.operation("/coverage-proposals/settings", "get", tag=TAG, summary="Matching window and threshold",
                  responses={"200": openapi.json_response(SETTINGS)})
openapi.operation("/coverage-proposals/settings", "patch", tag=TAG, summary="Change the matching window or threshold",
                  request_body=openapi.json_request({"type": "object", "properties": {
                      "window_days": {"type": "integer", "minimum": 1, "maximum": 30},
                      "threshold": {"type": "number", "minimum": 0.05, "maximum": 0.99}}}),
                  responses={"200": openapi.json_response(SETTINGS)})


def feed_json(feed: OutletFeed) -> dict:
    return {"id": feed.id, "outlet_id": feed.outlet_id, "url": feed.url, "title": feed.title, "paused": feed.paused,
            "interval_minutes": feed.interval_seconds // 60, "working": ops.is_working(feed),
            "last_state": feed.last_state, "last_fetch_at": iso(feed.last_fetch_at),
            "last_success_at": iso(feed.last_success_at), "last_new_item_at": iso(feed.last_new_item_at),
            "next_fetch_at": iso(feed.next_fetch_at), "last_status": feed.last_status, "last_error": feed.last_error,
            "consecutive_errors": feed.consecutive_errors, "items_total": feed.items_total,
            "problems": feed.problems or []}


def tone_json(row: ArticleTone | None) -> dict | None:
    if row is None:
        return None
    return {"proposed": row.proposed, "confidence": row.confidence, "phrases": row.phrases or [],
            "model": row.model_version, "label": row.label, "label_source": row.label_source,
            "labelled_at": iso(row.labelled_at)}


def item_json(item: FeedItem) -> dict:
    return {"id": item.id, "outlet_id": item.outlet_id, "outlet": item.outlet.name, "feed_id": item.feed_id,
            "url": item.url, "title": item.title, "summary": item.summary[:1000], "text_source": item.text_source,
            "published_at": iso(item.published_at), "matched_at": iso(item.matched_at), "tone": tone_json(item.tone)}


def proposal_json(row: MatchProposal) -> dict:
    return {"id": row.id, "item": item_json(row.item), "briefing_id": row.briefing_id,
            "briefing": row.briefing.effective_title, "score": row.score,
            "phrases": [{k: p.get(k) for k in ("text", "kind", "weight")} for p in row.phrases or []],
            "status": row.status, "tone": row.tone, "coverage_id": row.coverage_id, "decided_at": iso(row.decided_at)}


def _user_id() -> int | None:
    user = getattr(g, "api_user", None)
    return getattr(user, "id", None)


@bp.get("/outlets/<int:outlet_id>/feeds")
def list_feeds(outlet_id: int) -> ResponseReturnValue:
    outlet = get_scoped(Outlet, outlet_id)
    query = select(OutletFeed).where(OutletFeed.outlet_id == outlet.id).order_by(OutletFeed.id)
    return paginated(query, feed_json)


@bp.post("/outlets/<int:outlet_id>/feeds")
def create_feed(outlet_id: int) -> ResponseReturnValue:
    require("edit")
    outlet = get_scoped(Outlet, outlet_id)
    data = json_body()
    if "paused" in data and not isinstance(data["paused"], bool):
        raise ValidationError({"paused": _("paused phải là true hoặc false.")})
    feed = ops.add_feed(outlet, data)
    return jsonify(feed_json(feed)), 201


@bp.get("/feeds/<int:feed_id>")
def get_feed(feed_id: int) -> ResponseReturnValue:
    return jsonify(feed_json(get_scoped(OutletFeed, feed_id)))


def _update_feed(feed: OutletFeed) -> None:
    """Pause, resume or a new interval; the address is the feed's identity and never changes."""
    data = json_body()
    if "url" in data and data["url"] != feed.url:
        raise ValidationError({"url": _("Không đổi được địa chỉ: hãy xoá nguồn tin và thêm nguồn mới.")})
    ops.update_feed(feed, {k: v for k, v in data.items() if k in ("paused", "interval_minutes")})


@bp.patch("/feeds/<int:feed_id>")
def patch_feed(feed_id: int) -> ResponseReturnValue:
    return act_on(OutletFeed, feed_id, _update_feed, feed_json, role_first=True)


@bp.delete("/feeds/<int:feed_id>")
def delete_feed(feed_id: int) -> ResponseReturnValue:
    return act_on(OutletFeed, feed_id, ops.delete_feed, role_first=True)


@bp.get("/feed-items/<int:item_id>")
def get_item(item_id: int) -> ResponseReturnValue:
    return jsonify(item_json(get_scoped(FeedItem, item_id)))


def _label(item: FeedItem) -> None:
    body = json_body()
    if body.get("accept") is True and body.get("tone") is None:
        if item.tone is None:
            raise ValidationError({"accept": _("Tin bài chưa có sắc thái đề xuất.")})
        ops.accept(item.tone, user_id=_user_id())
        return
    ops.label_item(item, body.get("tone"), user_id=_user_id())


@bp.post("/feed-items/<int:item_id>/tone")
def label_item_tone(item_id: int) -> ResponseReturnValue:
    return act_on(FeedItem, item_id, _label, item_json)


@bp.get("/tone-models")
def list_tone_models() -> ResponseReturnValue:
    office = office_id()
    rows = ops.models_of(office)
    return jsonify({"using": ops.model_for(office).version, "labels": ops.label_count(office),
                    "items": [{"version": r.version, "name": r.name, "created_at": iso(r.created_at),
                               "labels": r.labels, "train_size": r.train_size, "heldout_size": r.heldout_size,
                               "accuracy": r.accuracy, "macro_f1": r.macro_f1, "global_accuracy": r.global_accuracy,
                               "active": r.active} for r in rows]})


@bp.get("/coverage-proposals")
def list_proposals() -> ResponseReturnValue:
    query = (select(MatchProposal).join(FeedItem, FeedItem.id == MatchProposal.item_id)
             .where(MatchProposal.office_id == office_id()))
    status = request.args.get("status")
    if status:
        if status not in PROPOSAL_STATUSES:
            raise ValidationError({"status": _("Trạng thái phải là một trong: %(choices)s.",
                                               choices=", ".join(PROPOSAL_STATUSES))})
        query = query.where(MatchProposal.status == status)
    if request.args.get("outlet_id", type=int):
        query = query.where(FeedItem.outlet_id == request.args.get("outlet_id", type=int))
    if request.args.get("briefing_id", type=int):
        query = query.where(MatchProposal.briefing_id == request.args.get("briefing_id", type=int))
    return paginated(query.order_by(FeedItem.published_at.desc(), MatchProposal.score.desc(), MatchProposal.id),
                     proposal_json)


@bp.get("/coverage-proposals/<int:proposal_id>")
def get_proposal(proposal_id: int) -> ResponseReturnValue:
    return jsonify(proposal_json(get_scoped(MatchProposal, proposal_id)))


@bp.post("/coverage-proposals/<int:proposal_id>/confirm")
def confirm_proposal(proposal_id: int) -> ResponseReturnValue:
    return act_on(MatchProposal, proposal_id,
                  lambda proposal: ops.confirm(proposal, tone=json_body().get("tone"), user_id=_user_id()),
                  proposal_json, role_first=True)


def _reject(proposal: MatchProposal) -> None:
    json_body()  # nothing is read from it, but a body that is not a JSON object is refused like anywhere else
    ops.reject(proposal, user_id=_user_id())


@bp.post("/coverage-proposals/<int:proposal_id>/reject")
def reject_proposal(proposal_id: int) -> ResponseReturnValue:
    return act_on(MatchProposal, proposal_id, _reject, proposal_json, role_first=True)


@bp.post("/coverage-proposals/<int:proposal_id>/reassign")
def reassign_proposal(proposal_id: int) -> ResponseReturnValue:
    require("edit")
    proposal = get_scoped(MatchProposal, proposal_id)
    data = json_body()
    target = ops.reassign(proposal, data.get("briefing_id"), tone=data.get("tone"), user_id=_user_id())
    return jsonify(proposal_json(target))


@bp.post("/coverage-proposals/bulk")
def bulk_proposals() -> ResponseReturnValue:
    require("edit")
    data = json_body()
    ids = data.get("ids")
    if not isinstance(ids, list) or len(ids) > 500 or not all(isinstance(i, int) and not isinstance(i, bool)
                                                             for i in ids):
        raise ValidationError({"ids": _("ids phải là danh sách số (tối đa 500).")})
    result = ops.bulk(office_id(), ids, data.get("action"), tone=data.get("tone"), user_id=_user_id())
    return jsonify(result)


def settings_json(row: MonitoringSettings) -> dict:
    return {"window_days": row.window_days, "threshold": row.threshold}


@bp.get("/coverage-proposals/settings")
def get_settings() -> ResponseReturnValue:
    row = ops.settings_for(office_id())
    return jsonify(settings_json(row))


@bp.patch("/coverage-proposals/settings")
def patch_settings() -> ResponseReturnValue:
    require("edit")
    data = json_body()
    row = ops.update_settings(office_id(), {k: v for k, v in data.items() if k in ("window_days", "threshold")})
    return jsonify(settings_json(row))
