"""``/api/v1`` endpoints of the contact network: outlets, journalists, beats, lists, import/export."""
from __future__ import annotations

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.api import bp, openapi
from coordinator.api.common import get_scoped, iso, json_body, office_id, paginated, require
from coordinator.contacts import exporter, importer
from coordinator.contacts import operations as ops
from coordinator.contacts.audience import explain_audience, list_member_ids, rule_member_ids, validate_audience
from coordinator.contacts.models import (
    LANGUAGES,
    OUTLET_KINDS,
    OUTLET_LEVELS,
    STATUSES,
    Beat,
    ContactImport,
    DistributionList,
    DistributionListMember,
    Journalist,
    Outlet,
    journalist_beat,
)
from coordinator.contacts.operations import EMAIL_RE
from coordinator.contacts.search import JournalistFilters, journalist_query, outlet_query
from coordinator.core import uow
from coordinator.core.errors import ValidationError
from coordinator.extensions import db

TAG = "contacts"


# --- serializers ---------------------------------------------------------------------------------

def serialize_outlet(outlet: Outlet) -> dict:
    return {"id": outlet.id, "name": outlet.name, "kind": outlet.kind, "level": outlet.level,
            "website": outlet.website, "domains": list(outlet.domains or []),
            "created_at": iso(outlet.created_at), "updated_at": iso(outlet.updated_at)}


def serialize_journalist(journalist: Journalist, *, detail: bool = False) -> dict:
    data = {"id": journalist.id, "full_name": journalist.full_name, "email": journalist.email,
            "phone": journalist.phone, "outlet_id": journalist.outlet_id, "outlet_name": journalist.outlet.name,
            "beats": [b.name for b in journalist.beats], "language": journalist.language,
            "status": journalist.status, "status_reason": journalist.status_reason,
            "status_changed_at": iso(journalist.status_changed_at), "notes": journalist.notes,
            "merged_into_id": journalist.merged_into_id,
            "created_at": iso(journalist.created_at), "updated_at": iso(journalist.updated_at)}
    if detail:
        data["outlet_history"] = [
            {"outlet_id": h.outlet_id, "outlet_name": h.outlet.name, "valid_from": h.valid_from.isoformat(),
             "valid_to": h.valid_to.isoformat() if h.valid_to else None}
            for h in sorted(journalist.history, key=lambda h: h.valid_from)]
    return data


def serialize_beat(beat: Beat, count: int | None = None) -> dict:
    data = {"id": beat.id, "name": beat.name, "slug": beat.slug}
    if count is not None:
        data["journalist_count"] = count
    return data


def serialize_list(dl: DistributionList) -> dict:
    member_ids = sorted(db.session.scalars(select(DistributionListMember.journalist_id)
                                           .where(DistributionListMember.list_id == dl.id)))
    return {"id": dl.id, "name": dl.name, "description": dl.description, "rule": dl.rule or {},
            "member_ids": member_ids, "created_at": iso(dl.created_at), "updated_at": iso(dl.updated_at)}


# --- OpenAPI ------------------------------------------------------------------------------------

_DT = {"type": ["string", "null"], "format": "date-time"}
OUTLET = openapi.schema("Outlet", {
    "type": "object", "required": ["id", "name", "kind", "level", "website", "domains"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"enum": list(OUTLET_KINDS)},
                   "level": {"enum": list(OUTLET_LEVELS)}, "website": {"type": ["string", "null"]},
                   "domains": {"type": "array", "items": {"type": "string"}},
                   "created_at": _DT, "updated_at": _DT}})
OUTLET_IN = openapi.schema("OutletInput", {
    "type": "object", "required": ["name", "kind", "level"],
    "properties": {"name": openapi.text(255), "kind": {"enum": list(OUTLET_KINDS)},
                   "level": {"enum": list(OUTLET_LEVELS)}, "website": {"type": ["string", "null"]},
                   "domains": {"type": "array", "items": {"type": "string"},
                               "description": "Host names of its article URLs (default: the website's)"}}})
HISTORY = {"type": "object", "properties": {"outlet_id": {"type": "integer"}, "outlet_name": {"type": "string"},
                                            "valid_from": {"type": "string", "format": "date"},
                                            "valid_to": {"type": ["string", "null"], "format": "date"}}}
JOURNALIST = openapi.schema("Journalist", {
    "type": "object", "required": ["id", "full_name", "email", "outlet_id", "beats", "language", "status"],
    "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"}, "email": {"type": "string"},
                   "phone": {"type": ["string", "null"], "description": "E.164"},
                   "outlet_id": {"type": "integer"}, "outlet_name": {"type": "string"},
                   "beats": {"type": "array", "items": {"type": "string"}},
                   "language": {"enum": list(LANGUAGES)}, "status": {"enum": list(STATUSES)},
                   "status_reason": {"type": ["string", "null"]}, "status_changed_at": _DT,
                   "notes": {"type": ["string", "null"]}, "merged_into_id": {"type": ["integer", "null"]},
                   "outlet_history": {"type": "array", "items": HISTORY,
                                      "description": "Only on GET /journalists/{id}"},
                   "created_at": _DT, "updated_at": _DT}})
JOURNALIST_IN = openapi.schema("JournalistInput", {
    "type": "object", "required": ["full_name", "email", "outlet_id"],
    "properties": {"full_name": openapi.text(255), "email": {"type": "string", "maxLength": 254,
                                                              "pattern": EMAIL_RE.pattern},
                   "outlet_id": openapi.ID,
                   "phone": {"type": ["string", "null"]}, "beats": {"type": "array", "items": {"type": "string"},
                                                                    "description": "Names; unknown ones are created"},
                   "language": {"enum": list(LANGUAGES)}, "notes": {"type": ["string", "null"]},
                   "status": {"enum": list(STATUSES)}, "status_reason": {"type": ["string", "null"]},
                   "outlet_since": {"type": "string", "format": "date",
                                    "description": "PATCH: the date a new outlet_id applies from (default today)"}}})
IMPORT_REPORT = openapi.schema("ImportReport", {
    "type": "object", "required": ["dry_run", "summary", "rows"],
    "properties": {
        "dry_run": {"type": "boolean"},
        "summary": {"type": "object", "required": ["created", "updated", "rejected"],
                    "properties": {k: {"type": "integer"} for k in ("created", "updated", "rejected")}},
        "rows": {"type": "array", "items": {
            "type": "object", "required": ["row", "status"],
            "properties": {"row": {"type": "integer", "description": "Sheet row (header is row 1)"},
                           "status": {"enum": ["created", "updated", "rejected"]},
                           "journalist_id": {"type": "integer"}, "reason": {"type": "string"}}}}}})
IMPORT_ACCEPTED = openapi.schema("ImportAccepted", {
    "type": "object", "required": ["job_id", "status_url"],
    "properties": {"job_id": {"type": "integer"}, "status_url": {"type": "string"}}})
IMPORT_PROGRESS = openapi.schema("ImportProgress", {
    "type": "object", "properties": {"job_id": {"type": "integer"}, "status": {"enum": ["queued", "running", "failed"]},
                                     "processed": {"type": "integer"}, "total": {"type": "integer"},
                                     "percent": {"type": "integer"}, "error": {"type": ["string", "null"]}}})
BEAT = openapi.schema("Beat", {
    "type": "object", "required": ["id", "name", "slug"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "slug": {"type": "string"},
                   "journalist_count": {"type": "integer"}}})
RULE = {"type": "object", "description": "Criteria are ANDed; each is any-of. Empty rule: nobody.",
        "properties": {"beat_ids": {"type": "array", "items": {"type": "integer"}},
                       "beats": {"type": "array", "items": {"type": "string"}, "description": "Input only"},
                       "outlet_kinds": {"type": "array", "items": {"enum": list(OUTLET_KINDS)}},
                       "levels": {"type": "array", "items": {"enum": list(OUTLET_LEVELS)}},
                       "outlet_ids": {"type": "array", "items": {"type": "integer"}}}}
LIST = openapi.schema("DistributionList", {
    "type": "object", "required": ["id", "name", "rule", "member_ids"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                   "description": {"type": ["string", "null"]}, "rule": RULE,
                   "member_ids": {"type": "array", "items": {"type": "integer"}, "description": "Fixed members"},
                   "created_at": _DT, "updated_at": _DT}})
LIST_IN = openapi.schema("DistributionListInput", {
    "type": "object", "required": ["name"],
    "properties": {"name": openapi.text(200), "description": {"type": ["string", "null"]}, "rule": RULE,
                   "member_ids": {"type": "array", "items": openapi.ID}}})
LIST_MEMBER = openapi.schema("ListMember", {
    "type": "object", "required": ["journalist", "included", "source"],
    "properties": {"journalist": JOURNALIST, "included": {"type": "boolean"},
                   "excluded_reason": {"enum": ["bounced", "unsubscribed", "archived", None]},
                   "source": {"enum": ["fixed", "rule", "both"]}}})
AUDIENCE = openapi.schema("Audience", {
    "type": "object", "properties": {k: {"type": "array"} for k in ("list_ids", "beats", "outlet_ids",
                                                                     "journalist_ids")}})
_Q = [{"name": "q", "in": "query", "schema": {"type": "string"},
       "description": "Name or email; insensitive to case, diacritics and Unicode normalisation"},
      {"name": "outlet_id", "in": "query", "schema": openapi.ID},
      {"name": "beat", "in": "query", "schema": {"type": "string"}, "description": "Beat slug, name or id"},
      {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}}]
_MULTIPART = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}
_NO_CONTENT = {"204": {"description": "Deleted"}}

for path, method, summary, extra in (
    ("/outlets", "get", "List outlets (?q=&kind=&level=)", {
        "parameters": [*openapi.PAGE_PARAMS, {"name": "q", "in": "query", "schema": {"type": "string"}},
                       {"name": "kind", "in": "query", "schema": {"enum": list(OUTLET_KINDS)}},
                       {"name": "level", "in": "query", "schema": {"enum": list(OUTLET_LEVELS)}}],
        "responses": {"200": openapi.json_response(openapi.page_of(OUTLET))}}),
    ("/outlets", "post", "Create an outlet", {"request_body": openapi.json_request(OUTLET_IN),
                                              "responses": {"201": openapi.json_response(OUTLET, "Created")}}),
    ("/outlets/{outlet_id}", "get", "One outlet", {"responses": {"200": openapi.json_response(OUTLET)}}),
    ("/outlets/{outlet_id}", "patch", "Change an outlet", {"request_body": openapi.json_request(OUTLET_IN),
                                                           "responses": {"200": openapi.json_response(OUTLET)}}),
    ("/outlets/{outlet_id}", "delete", "Delete an outlet (409 while journalists belong or belonged to it)",
     {"responses": _NO_CONTENT}),
    ("/journalists", "get", "List and search journalists", {
        "parameters": [*openapi.PAGE_PARAMS, *_Q],
        "responses": {"200": openapi.json_response(openapi.page_of(JOURNALIST))}}),
    ("/journalists", "post", "Create a journalist", {
        "request_body": openapi.json_request(JOURNALIST_IN),
        "responses": {"201": openapi.json_response(JOURNALIST, "Created")}}),
    ("/journalists/{journalist_id}", "get", "One journalist, with the outlet history",
     {"responses": {"200": openapi.json_response(JOURNALIST)}}),
    ("/journalists/{journalist_id}", "patch", "Change a journalist (status bounced/unsubscribed suppresses mail)",
     {"request_body": openapi.json_request(JOURNALIST_IN), "responses": {"200": openapi.json_response(JOURNALIST)}}),
    ("/journalists/{journalist_id}", "delete", "Archive a journalist (kept for history)", {"responses": _NO_CONTENT}),
    ("/journalists/{journalist_id}/vcard", "get", "vCard 3.0 of a journalist",
     {"responses": {"200": {"description": "text/vcard"}}}),
    ("/journalists/merge", "post", "Merge two records of the same person into keep_id", {
        "request_body": openapi.json_request({"type": "object", "required": ["keep_id", "drop_id"],
                                              "properties": {"keep_id": openapi.ID, "drop_id": openapi.ID}}),
        "responses": {"200": openapi.json_response(JOURNALIST)}}),
    ("/journalists/import", "post", "Import CSV or XLSX (multipart `file`, ?dry_run=1); > 2000 rows answer 202", {
        "parameters": [{"name": "dry_run", "in": "query", "schema": {"enum": ["0", "1", "true", "false"]}}],
        "request_body": _MULTIPART,
        "responses": {"200": openapi.json_response(IMPORT_REPORT),
                      "202": openapi.json_response(IMPORT_ACCEPTED, "Running in the background")}}),
    ("/journalists/imports/{import_id}", "get", "A background import: the report when done, else progress", {
        "responses": {"200": openapi.json_response(IMPORT_REPORT),
                      "202": openapi.json_response(IMPORT_PROGRESS, "Still running")}}),
    ("/journalists/export", "get", "Export the filtered journalists (?format=csv|xlsx)", {
        "parameters": [{"name": "format", "in": "query", "schema": {"enum": ["csv", "xlsx"]}}, *_Q],
        "responses": {"200": {"description": "text/csv (UTF-8 with BOM) or XLSX"}}}),
    ("/beats", "get", "List beats with journalist counts", {
        "parameters": openapi.PAGE_PARAMS, "responses": {"200": openapi.json_response(openapi.page_of(BEAT))}}),
    ("/beats", "post", "Create a beat", {
        "request_body": openapi.json_request({"type": "object", "required": ["name"],
                                              "properties": {"name": openapi.text(120)}}),
        "responses": {"201": openapi.json_response(BEAT, "Created")}}),
    ("/beats/{beat_id}", "patch", "Rename a beat", {
        "request_body": openapi.json_request({"type": "object", "properties": {"name": openapi.text(120)}}),
        "responses": {"200": openapi.json_response(BEAT)}}),
    ("/beats/{beat_id}", "delete", "Delete a beat", {"responses": _NO_CONTENT}),
    ("/lists", "get", "List distribution lists", {
        "parameters": openapi.PAGE_PARAMS, "responses": {"200": openapi.json_response(openapi.page_of(LIST))}}),
    ("/lists", "post", "Create a distribution list", {"request_body": openapi.json_request(LIST_IN),
                                                      "responses": {"201": openapi.json_response(LIST, "Created")}}),
    ("/lists/{list_id}", "get", "One list", {"responses": {"200": openapi.json_response(LIST)}}),
    ("/lists/{list_id}", "patch", "Change a list (member_ids replaces the fixed members)", {
        "request_body": openapi.json_request(LIST_IN), "responses": {"200": openapi.json_response(LIST)}}),
    ("/lists/{list_id}", "delete", "Delete a list", {"responses": _NO_CONTENT}),
    ("/lists/{list_id}/members", "get", "Resolved members (fixed + rule), the excluded ones with the reason", {
        "parameters": openapi.PAGE_PARAMS,
        "responses": {"200": openapi.json_response(openapi.page_of(LIST_MEMBER))}}),
    ("/lists/{list_id}/members", "post", "Add fixed members", {
        "request_body": openapi.json_request({"type": "object", "required": ["journalist_ids"],
                                              "properties": {"journalist_ids": {"type": "array",
                                                                                "items": {"type": "integer"}}}}),
        "responses": {"200": openapi.json_response(LIST)}}),
    ("/lists/{list_id}/members/{journalist_id}", "delete", "Remove a fixed member", {"responses": _NO_CONTENT}),
    ("/audience/resolve", "post", "Who an audience reaches: included, and excluded with the reason", {
        "request_body": openapi.json_request(AUDIENCE),
        "responses": {"200": openapi.json_response({"type": "object", "properties": {
            "audience": AUDIENCE, "included": {"type": "array", "items": JOURNALIST},
            "excluded": {"type": "array", "items": {"type": "object", "properties": {
                "journalist": JOURNALIST, "reason": {"enum": ["bounced", "unsubscribed", "archived"]}}}}}})}}),
):
    openapi.operation(path, method, summary=summary, tag=TAG, parameters=extra.get("parameters"),
                      request_body=extra.get("request_body"), responses=extra["responses"])


def _created(data: dict):
    return jsonify(data), 201


# --- outlets -----------------------------------------------------------------------------------

@bp.get("/outlets")
def list_outlets():
    kind = request.args.get("kind") or None
    level = request.args.get("level") or None
    errors = {}
    if kind and kind not in OUTLET_KINDS:
        errors["kind"] = f"kind ∈ {', '.join(OUTLET_KINDS)}"
    if level and level not in OUTLET_LEVELS:
        errors["level"] = f"level ∈ {', '.join(OUTLET_LEVELS)}"
    if errors:
        raise ValidationError(errors)
    return paginated(outlet_query(office_id(), request.args.get("q", ""), kind, level), serialize_outlet)


@bp.post("/outlets")
def create_outlet():
    require("edit")
    outlet = ops.create_outlet(office_id(), json_body())
    return _created(serialize_outlet(outlet))


@bp.get("/outlets/<int:outlet_id>")
def get_outlet(outlet_id: int):
    return serialize_outlet(get_scoped(Outlet, outlet_id))


@bp.patch("/outlets/<int:outlet_id>")
def patch_outlet(outlet_id: int):
    require("edit")
    outlet = get_scoped(Outlet, outlet_id)
    ops.update_outlet(outlet, json_body())
    return serialize_outlet(outlet)


@bp.delete("/outlets/<int:outlet_id>")
def delete_outlet(outlet_id: int):
    require("edit")
    ops.delete_outlet(get_scoped(Outlet, outlet_id))
    return "", 204


# --- journalists -------------------------------------------------------------------------------

@bp.get("/journalists")
def list_journalists():
    filters = JournalistFilters.from_args(request.args)
    return paginated(journalist_query(office_id(), filters), serialize_journalist)


@bp.post("/journalists")
def create_journalist():
    require("edit")
    journalist = ops.create_journalist(office_id(), json_body())
    return _created(serialize_journalist(journalist, detail=True))


@bp.get("/journalists/<int:journalist_id>")
def get_journalist(journalist_id: int):
    return serialize_journalist(get_scoped(Journalist, journalist_id), detail=True)


@bp.patch("/journalists/<int:journalist_id>")
def patch_journalist(journalist_id: int):
    require("edit")
    journalist = get_scoped(Journalist, journalist_id)
    ops.update_journalist(journalist, json_body())
    return serialize_journalist(journalist, detail=True)


@bp.delete("/journalists/<int:journalist_id>")
def delete_journalist(journalist_id: int):
    require("edit")
    ops.archive_journalist(get_scoped(Journalist, journalist_id))
    return "", 204


@bp.get("/journalists/<int:journalist_id>/vcard")
def journalist_vcard(journalist_id: int):
    journalist = get_scoped(Journalist, journalist_id)
    return Response(exporter.vcard(journalist), mimetype="text/vcard",
                    headers={"Content-Disposition": f'attachment; filename="{exporter.vcard_filename(journalist)}"'})


@bp.post("/journalists/merge")
def merge_journalists():
    require("edit")
    body = json_body()
    errors = {key: _("Cần mã số nhà báo (số nguyên).") for key in ("keep_id", "drop_id")
              if not isinstance(body.get(key), int) or isinstance(body.get(key), bool)}
    if errors:
        raise ValidationError(errors)
    keep = get_scoped(Journalist, body["keep_id"])
    drop = get_scoped(Journalist, body["drop_id"])
    ops.merge_journalists(keep, drop)
    return serialize_journalist(keep, detail=True)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@bp.post("/journalists/import")
def import_journalists():
    require("edit")
    dry_run = _flag(request.args.get("dry_run") or request.form.get("dry_run"))
    filename, data = importer.read_upload(request.files.get("file"))
    parsed = importer.parse_file(filename, data)
    user_id = g.api_user.id
    if len(parsed.rows) > importer.BACKGROUND_ROWS:
        record = importer.create_record(office_id(), user_id, filename, parsed, data, dry_run=dry_run)
        importer.enqueue_after_commit(record)
        return jsonify({"job_id": record.id, "status_url": url_for("api.import_status", import_id=record.id)}), 202
    if dry_run:
        with uow.dry_run():
            report = importer.run_import(office_id(), parsed, dry_run=True, filename=filename)
    else:
        report = importer.run_import(office_id(), parsed, dry_run=False, filename=filename)
    return importer.public_report(report)


@bp.get("/journalists/imports/<int:import_id>")
def import_status(import_id: int):
    record = get_scoped(ContactImport, import_id)
    if record.status == "done" and record.report:
        return importer.public_report(record.report)
    body = {"job_id": record.id, **importer.progress_of(record)}
    return jsonify(body), (200 if record.status == "failed" else 202)


@bp.get("/journalists/export")
def export_journalists():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ValidationError({"format": "format ∈ csv, xlsx"})
    filters = JournalistFilters.from_args(request.args)
    rows = db.session.scalars(journalist_query(office_id(), filters)).unique()
    if fmt == "csv":
        return Response(exporter.export_csv(rows), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="nha-bao.csv"'})
    return Response(exporter.export_xlsx(rows), mimetype=exporter.XLSX_MIMETYPE,
                    headers={"Content-Disposition": 'attachment; filename="nha-bao.xlsx"'})


# --- beats ---------------------------------------------------------------------------------------

@bp.get("/beats")
def list_beats():
    counts = dict(db.session.execute(
        select(journalist_beat.c.beat_id, func.count()).join(Beat, Beat.id == journalist_beat.c.beat_id)
        .where(Beat.office_id == office_id()).group_by(journalist_beat.c.beat_id)).all())
    query = select(Beat).where(Beat.office_id == office_id()).order_by(Beat.slug)
    return paginated(query, lambda b: serialize_beat(b, counts.get(b.id, 0)))


@bp.post("/beats")
def create_beat():
    require("edit")
    beat = ops.create_beat(office_id(), json_body().get("name"))
    return _created(serialize_beat(beat, 0))


@bp.patch("/beats/<int:beat_id>")
def patch_beat(beat_id: int):
    require("edit")
    beat = get_scoped(Beat, beat_id)
    body = json_body()
    if "name" in body:
        ops.rename_beat(beat, body.get("name"))
    return serialize_beat(beat)


@bp.delete("/beats/<int:beat_id>")
def delete_beat(beat_id: int):
    require("edit")
    ops.delete_beat(get_scoped(Beat, beat_id))
    return "", 204


# --- distribution lists ----------------------------------------------------------------------

@bp.get("/lists")
def list_lists():
    query = select(DistributionList).where(DistributionList.office_id == office_id()).order_by(DistributionList.name)
    return paginated(query, serialize_list)


@bp.post("/lists")
def create_list():
    require("edit")
    dl = ops.create_list(office_id(), json_body())
    return _created(serialize_list(dl))


@bp.get("/lists/<int:list_id>")
def get_list(list_id: int):
    return serialize_list(get_scoped(DistributionList, list_id))


@bp.patch("/lists/<int:list_id>")
def patch_list(list_id: int):
    require("edit")
    dl = get_scoped(DistributionList, list_id)
    ops.update_list(dl, json_body())
    return serialize_list(dl)


@bp.delete("/lists/<int:list_id>")
def delete_list(list_id: int):
    require("edit")
    ops.delete_list(get_scoped(DistributionList, list_id))
    return "", 204


def list_members(dl: DistributionList) -> list[dict]:
    """Every member (fixed or by rule), included or excluded with the reason, ordered by id."""
    fixed = set(db.session.scalars(select(DistributionListMember.journalist_id)
                                   .where(DistributionListMember.list_id == dl.id)))
    by_rule = rule_member_ids(dl.office_id, dl.rule or {})
    included, excluded = explain_audience(dl.office_id, {"list_ids": [dl.id]})
    reasons = {j.id: reason for j, reason in excluded}
    people = sorted([*included, *(j for j, _ in excluded)], key=lambda j: j.id)
    return [{"journalist": j, "included": j.id not in reasons, "excluded_reason": reasons.get(j.id),
             "source": "both" if j.id in fixed and j.id in by_rule else ("fixed" if j.id in fixed else "rule")}
            for j in people]


@bp.get("/lists/<int:list_id>/members")
def get_list_members(list_id: int):
    from coordinator.api.common import page_args

    dl = get_scoped(DistributionList, list_id)
    page, per_page = page_args()
    members = list_members(dl)
    chunk = members[(page - 1) * per_page: page * per_page]
    items = [{**m, "journalist": serialize_journalist(m["journalist"])} for m in chunk]
    return jsonify({"items": items, "total": len(members), "page": page, "per_page": per_page,
                    "included": sum(1 for m in members if m["included"]),
                    "excluded": sum(1 for m in members if not m["included"])})


@bp.post("/lists/<int:list_id>/members")
def add_list_members(list_id: int):
    require("edit")
    dl = get_scoped(DistributionList, list_id)
    ids = json_body().get("journalist_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationError({"journalist_ids": _("Cần danh sách mã nhà báo.")})
    ops.add_members(dl, [get_scoped(Journalist, i) for i in ids])
    return serialize_list(dl)


@bp.delete("/lists/<int:list_id>/members/<int:journalist_id>")
def remove_list_member(list_id: int, journalist_id: int):
    require("edit")
    dl = get_scoped(DistributionList, list_id)
    get_scoped(Journalist, journalist_id)
    if not ops.remove_member(dl, journalist_id):
        from coordinator.core.errors import NotFound

        raise NotFound(_("Nhà báo này không phải thành viên cố định của danh sách."))
    return "", 204


@bp.post("/audience/resolve")
def resolve_audience_endpoint():
    audience = validate_audience(office_id(), json_body())
    included, excluded = explain_audience(office_id(), audience)
    return {"audience": audience, "included": [serialize_journalist(j) for j in included],
            "excluded": [{"journalist": serialize_journalist(j), "reason": reason} for j, reason in excluded]}


__all__ = ["list_member_ids", "list_members", "serialize_journalist", "serialize_outlet"]
