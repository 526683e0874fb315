"""``/api/v1`` endpoints for packs (CONTRACT.md): create (multipart, files repeated), submit, approve,
reject, release, read; plus standalone press releases, edits (a frozen pack answers with its new
version), lists and the download log."""
from __future__ import annotations

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.api import bp, openapi
from coordinator.api.common import act_on, get_scoped, iso, json_body, paginated, require
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.packs import operations as ops
from coordinator.packs.models import STATUSES, Pack, PackDownload
from coordinator.schedule.models import Briefing

PACK_FILE = openapi.schema("PackFile", {
    "type": "object", "required": ["name", "size", "content_type"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "size": {"type": "integer"},
                   "content_type": {"type": "string"}, "sha256": {"type": "string"}}})
PACK_APPROVAL = openapi.schema("PackApproval", {
    "type": "object",
    "properties": {"user_id": {"type": ["integer", "null"]}, "user": {"type": "string"},
                   "decision": {"enum": ["approved", "rejected"]}, "reason": {"type": ["string", "null"]},
                   "round": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}})
PACK = openapi.schema("Pack", {
    "type": "object", "required": ["id", "status", "version", "embargo_until", "files", "approvals"],
    "properties": {
        "id": {"type": "integer"}, "root_id": {"type": "integer"}, "briefing_id": {"type": ["integer", "null"]},
        "status": {"enum": list(STATUSES)}, "version": {"type": "integer"}, "title": {"type": "string"},
        "summary": {"type": "string"}, "body": {"type": "string", "description": "sanitised HTML"},
        "language": {"enum": ["vi", "en"]},
        "embargo_until": {"type": ["string", "null"], "format": "date-time",
                          "description": "when the embargo lifts (kept in step with the briefing when it follows it)"},
        "embargo_mode": {"enum": ["fixed", "briefing"]},
        "embargo_offset_minutes": {"type": ["integer", "null"],
                                   "description": "with embargo_mode briefing: minutes after the briefing's start"},
        "embargo_held": {"type": "boolean", "description": "the followed briefing is cancelled (or gone): the "
                                                           "embargo holds with no end and nothing is released"},
        "embargo_text": {"type": "string", "description": "the embargo in words, in the office's time zone"},
        "release_at": {"type": ["string", "null"], "format": "date-time"},
        "send_under_embargo": {"type": "boolean"},
        "audience": {"type": "object", "properties": {"list_ids": {"type": "array", "items": {"type": "integer"}},
                                                       "beats": {"type": "array", "items": {"type": "string"}}}},
        "files": {"type": "array", "items": PACK_FILE},
        "approvals": {"type": "array", "items": PACK_APPROVAL},
        "approvals_needed": {"type": "integer"},
        "rejection_reason": {"type": ["string", "null"]},
        "release_due_at": {"type": ["string", "null"], "format": "date-time"},
        "released_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"}}})
PACK_FORM = {"type": "object", "required": ["title"], "properties": {
    "title": openapi.text(300), "summary": {"type": "string"}, "body": {"type": "string"},
    "language": {"enum": ["vi", "en"]}, "embargo_until": {"type": "string", "format": "date-time"},
    "embargo_mode": {"enum": ["fixed", "briefing"], "description": "fixed: embargo_until (or none); briefing: "
                     "lifted at the briefing's start plus embargo_offset_minutes, moved with it, held if it is "
                     "cancelled (needs a briefing; embargo_until must then be empty)"},
    "embargo_offset_minutes": {"type": "integer", "minimum": 0, "maximum": 10080},
    "release_at": {"type": "string", "format": "date-time"}, "send_under_embargo": {"type": "boolean"},
    "list_ids": {"type": "array", "items": {"type": "integer"}},
    "beats": {"type": "array", "items": {"type": "string"}},
    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}
MULTIPART = {"required": True, "content": {"multipart/form-data": {"schema": PACK_FORM},
                                           "application/json": {"schema": PACK_FORM}}}
DOWNLOAD = openapi.schema("PackDownload", {"type": "object", "properties": {
    "file": {"type": ["string", "null"]}, "journalist_id": {"type": ["integer", "null"]},
    "source": {"enum": ["link", "newsroom"]}, "before_lift": {"type": "boolean"},
    "at": {"type": "string", "format": "date-time"}}})

openapi.operation("/briefings/{briefing_id}/packs", "post", summary="Create a pack for a briefing (multipart; "
                  "`files` may repeat)", tag="packs", request_body=MULTIPART,
                  responses={"201": openapi.json_response(PACK, "Created")})
openapi.operation("/briefings/{briefing_id}/packs", "get", summary="Packs of a briefing", tag="packs",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(PACK))})
openapi.operation("/packs", "post", summary="Create a standalone press release (no briefing)", tag="packs",
                  request_body=MULTIPART, responses={"201": openapi.json_response(PACK, "Created")})
openapi.operation("/packs", "get", summary="Packs of the office", tag="packs",
                  parameters=[*openapi.PAGE_PARAMS, {"name": "status", "in": "query",
                                                     "schema": {"enum": list(STATUSES)}}],
                  responses={"200": openapi.json_response(openapi.page_of(PACK))})
openapi.operation("/packs/{pack_id}", "get", summary="A pack (one version)", tag="packs",
                  responses={"200": openapi.json_response(PACK)})
openapi.operation("/packs/{pack_id}", "patch", summary="Edit a draft (200); an approved or released pack "
                  "answers 201 with its new draft version (a correction)", tag="packs", request_body=MULTIPART,
                  responses={"200": openapi.json_response(PACK), "201": openapi.json_response(PACK, "New version")})
openapi.operation("/packs/{pack_id}/submit", "post", summary="Submit a draft for approval", tag="packs",
                  responses={"200": openapi.json_response(PACK)})
openapi.operation("/packs/{pack_id}/approve", "post", summary="Approve (spokesperson or admin; with two "
                  "approvers required, two different people, never the submitter)", tag="packs",
                  responses={"200": openapi.json_response(PACK)})
openapi.operation("/packs/{pack_id}/reject", "post", summary="Reject back to draft with a reason", tag="packs",
                  request_body=openapi.json_request({"type": "object", "required": ["reason"],
                                                     "properties": {"reason": openapi.text(2000)}}),
                  responses={"200": openapi.json_response(PACK)})
openapi.operation("/packs/{pack_id}/release", "post", summary="Release an approved pack now (never before an "
                  "embargo it is not sent under: 409)", tag="packs", responses={"200": openapi.json_response(PACK)})
openapi.operation("/packs/{pack_id}/downloads", "get", summary="Download log of a pack version", tag="packs",
                  parameters=openapi.PAGE_PARAMS, responses={"200": openapi.json_response(openapi.page_of(DOWNLOAD))})


def serialize(pack: Pack) -> dict:
    return {
        "id": pack.id, "root_id": pack.lineage_id, "briefing_id": pack.briefing_id, "status": pack.status,
        "version": pack.version, "title": pack.title, "summary": pack.summary, "body": pack.body,
        "language": pack.language, "embargo_until": iso(pack.embargo_until), "release_at": iso(pack.release_at),
        "embargo_mode": "briefing" if pack.embargo_follows_briefing else "fixed",
        "embargo_offset_minutes": pack.embargo_offset_minutes, "embargo_held": pack.embargo_held_at is not None,
        "embargo_text": ops.embargo_words(pack, db.session.get(Office, pack.office_id).timezone),
        "send_under_embargo": pack.send_under_embargo,
        "audience": {"list_ids": (pack.audience or {}).get("list_ids", []),
                     "beats": (pack.audience or {}).get("beats", [])},
        "files": [{"id": f.id, "name": f.display_name, "size": f.size, "content_type": f.content_type,
                   "sha256": f.sha256} for f in pack.files],
        "approvals": [{"user_id": a.user_id, "user": a.user_label, "decision": a.decision, "reason": a.reason,
                       "round": a.submission_round, "at": iso(a.created_at)} for a in pack.approvals],
        "approvals_needed": ops.approvals_needed(pack),
        "rejection_reason": pack.rejection_reason, "release_due_at": iso(pack.release_due_at),
        "released_at": iso(pack.released_at), "created_at": iso(pack.created_at),
    }


def _list_values(name: str) -> list:
    values = []
    for value in request.form.getlist(name):
        values.extend(part.strip() for part in value.split(",") if part.strip())
    return values


def _input() -> tuple[dict, list[ops.Upload], list[int]]:
    """Fields, uploads and files to remove, from multipart or JSON."""
    if request.is_json:
        data = json_body()
        remove = data.pop("remove_file_ids", None) or []
        if not isinstance(remove, list):
            raise ValidationError({"remove_file_ids": _("Cần danh sách mã tệp.")})
        return data, [], [parse_id(i) for i in remove if parse_id(i) is not None]
    form = request.form
    data: dict = {}
    for key in ("title", "summary", "body", "language", "embargo_until", "release_at", "send_under_embargo",
                "embargo_mode", "embargo_offset_minutes"):
        if key in form:
            data[key] = form.get(key)
    if "list_ids" in form or "beats" in form:
        data["audience"] = {"list_ids": _list_values("list_ids"), "beats": _list_values("beats")}
    uploads = [ops.Upload(f.filename or "", f.read()) for f in request.files.getlist("files") if f]
    remove = [parse_id(i) for i in _list_values("remove_file_ids") if parse_id(i) is not None]
    return data, uploads, remove


def _created(pack: Pack):
    return jsonify(serialize(pack)), 201


@bp.post("/briefings/<int:briefing_id>/packs")
def create_briefing_pack(briefing_id: int) -> ResponseReturnValue:
    briefing = get_scoped(Briefing, briefing_id)
    require("edit")
    data, uploads, _remove = _input()
    return _created(ops.create_pack(g.office, g.api_user, data, uploads, briefing=briefing))


@bp.post("/packs")
def create_standalone_pack() -> ResponseReturnValue:
    require("edit")
    data, uploads, _remove = _input()
    briefing = None
    briefing_id = data.pop("briefing_id", None) if request.is_json else request.form.get("briefing_id")
    if briefing_id not in (None, ""):
        if parse_id(briefing_id) is None:
            raise ValidationError({"briefing_id": _("%(name)s phải là số nguyên.", name="briefing_id")})
        briefing = get_scoped(Briefing, parse_id(briefing_id))
    return _created(ops.create_pack(g.office, g.api_user, data, uploads, briefing=briefing))


@bp.get("/packs")
def list_packs() -> ResponseReturnValue:
    query = select(Pack).where(Pack.office_id == g.office.id).order_by(Pack.created_at.desc(), Pack.id.desc())
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise ValidationError({"status": _("%(name)s phải là một trong: %(choices)s.", name="status",
                                                choices=", ".join(STATUSES))})
        query = query.where(Pack.status == status)
    return paginated(query, serialize)


@bp.get("/briefings/<int:briefing_id>/packs")
def list_briefing_packs(briefing_id: int) -> ResponseReturnValue:
    briefing = get_scoped(Briefing, briefing_id)
    return paginated(select(Pack).where(Pack.office_id == g.office.id, Pack.briefing_id == briefing.id)
                     .order_by(Pack.root_id, Pack.version), serialize)


@bp.get("/packs/<int:pack_id>")
def get_pack(pack_id: int) -> ResponseReturnValue:
    return jsonify(serialize(get_scoped(Pack, pack_id)))


@bp.patch("/packs/<int:pack_id>")
def edit_pack(pack_id: int) -> ResponseReturnValue:
    pack = get_scoped(Pack, pack_id)
    require("edit")
    data, uploads, remove = _input()
    result = ops.update_pack(pack, g.api_user, data, uploads, remove)
    return jsonify(serialize(result)), (201 if result.id != pack_id else 200)


@bp.post("/packs/<int:pack_id>/submit")
def submit_pack(pack_id: int) -> ResponseReturnValue:
    return act_on(Pack, pack_id, lambda pack: ops.submit(pack, g.api_user), serialize)


@bp.post("/packs/<int:pack_id>/approve")
def approve_pack(pack_id: int) -> ResponseReturnValue:
    return act_on(Pack, pack_id, lambda pack: ops.approve(pack, g.api_user), serialize, action="approve")


def _reason() -> str | None:
    """Why a pack is sent back, from a JSON body or a form."""
    reason = json_body().get("reason") if request.is_json else request.form.get("reason")
    return reason if isinstance(reason, str) else None


@bp.post("/packs/<int:pack_id>/reject")
def reject_pack(pack_id: int) -> ResponseReturnValue:
    return act_on(Pack, pack_id, lambda pack: ops.reject(pack, g.api_user, _reason()), serialize, action="approve")


@bp.post("/packs/<int:pack_id>/release")
def release_pack(pack_id: int) -> ResponseReturnValue:
    return act_on(Pack, pack_id, lambda pack: ops.release_now(pack, g.api_user), serialize, action="approve")


@bp.get("/packs/<int:pack_id>/downloads")
def pack_downloads(pack_id: int) -> ResponseReturnValue:
    pack = get_scoped(Pack, pack_id)
    query = select(PackDownload).where(PackDownload.pack_id == pack.id).order_by(PackDownload.created_at.desc())
    return paginated(query, lambda d: {"file": d.file.display_name if d.file else None,
                                       "journalist_id": d.journalist_id, "source": d.source,
                                       "before_lift": d.before_lift, "at": iso(d.created_at)})
