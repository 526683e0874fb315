"""The OpenAPI description of the contact endpoints (``/api/v1``): schemas, then one ``operation`` a route."""
from __future__ import annotations

from coordinator.api import openapi
from coordinator.contacts.models import CONSENT_BASES, LANGUAGES, OUTLET_KINDS, OUTLET_LEVELS, STATUSES
from coordinator.contacts.operations import EMAIL_RE

TAG = "contacts"

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
                   "consent": {"type": ["object", "null"], "description": "Only on GET /journalists/{id}: "
                               "the current legal basis (Law 91/2025/QH15) and whether mail may go",
                               "properties": {"basis": {"enum": list(CONSENT_BASES)}, "purpose": {"type": "string"},
                                              "network_sharing": {"type": "boolean"}, "source": {"type": "string"},
                                              "recorded_at": _DT, "withdrawn_at": _DT,
                                              "may_mail": {"type": "boolean"}}},
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
                                    "description": "PATCH: the date a new outlet_id applies from (default today)"},
                   "consent_basis": {"enum": list(CONSENT_BASES),
                                     "description": "POST only: the legal basis (default public_task)"},
                   "consent_purpose": {"type": "string", "description": "POST only (default: the office's)"},
                   "network_sharing": {"type": "boolean",
                                       "description": "POST only: the journalist agreed to be shared with the "
                                                      "network (default false)"}}})
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
