"""The OpenAPI 3.1 document at ``/api/v1/openapi.json``.

Each domain's ``api.py`` describes its endpoints with ``operation()`` and its
objects with ``schema()`` next to the code, so the document grows with the API.
"""
from __future__ import annotations

import copy
from typing import Any

from flask import Response, jsonify

from coordinator.api import PUBLIC_ENDPOINTS, bp
from coordinator.api.common import MAX_PAGE, MAX_PER_PAGE

_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "fields": {"type": "object", "additionalProperties": {"type": "string"}}},
        }},
    },
}

ERROR_RESPONSES = {
    str(code): {"description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for code, text in ((400, "Bad request"), (401, "Missing or invalid token"), (403, "Role not allowed"),
                       (404, "Not found (or another office's)"), (409, "Conflict"), (413, "Too large"),
                       (422, "Invalid fields: each field with its message; also integers beyond 32 bits, "
                             "NUL characters and lone surrogates in strings"))
}


def text(max_length: int, *, min_stripped: int = 1, **extra: Any) -> dict[str, Any]:
    """A text field the server strips: it must keep ``min_stripped`` characters other than white space."""
    pattern = {0: None, 1: r"\S", 2: r"\S[\s\S]*\S"}.get(min_stripped, rf"\S[\s\S]{{{min_stripped - 2},}}\S")
    out: dict[str, Any] = {"type": "string", "maxLength": max_length, **extra}
    if pattern:
        out["minLength"] = min_stripped
        out["pattern"] = pattern
    return out


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def schema(name: str, definition: dict[str, Any]) -> dict[str, str]:
    _SCHEMAS[name] = definition
    return {"$ref": f"#/components/schemas/{name}"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(item_ref: dict) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {"items": {"type": "array", "items": item_ref}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "per_page": {"type": "integer"}}}


PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
]


def operation(path: str, method: str, *, summary: str, responses: dict[str, Any],
              parameters: list | None = None, request_body: dict | None = None, tag: str = "") -> None:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **ERROR_RESPONSES}}
    path_params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
              for name in path_params] + list(parameters or [])
    if params:
        op["parameters"] = params
    if request_body is not None:
        op["requestBody"] = request_body
    if tag:
        op["tags"] = [tag]
    _PATHS.setdefault(path, {})[method.lower()] = op


def json_response(schema_ref: dict, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema_ref}}}


def json_request(schema_ref: dict) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema_ref}}}


def _int32(node: Any) -> Any:
    """Every integer of the API is 32-bit (the database's INTEGER): say so wherever no format is given."""
    if isinstance(node, dict):
        types = node.get("type")
        if (types == "integer" or (isinstance(types, list) and "integer" in types)) and "format" not in node:
            node["format"] = "int32"
        for value in node.values():
            _int32(value)
    elif isinstance(node, list):
        for value in node:
            _int32(value)
    return node


def document() -> dict[str, Any]:
    return _int32(copy.deepcopy({
        "openapi": "3.1.0",
        "info": {"title": "Press-briefing coordinator API", "version": "1.0.0",
                 "description": "JSON API of the press-briefing coordinator. Times are ISO 8601 with an "
                                "offset; dates are YYYY-MM-DD. Objects of another office answer 404."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


PUBLIC_ENDPOINTS.add("api.openapi")
