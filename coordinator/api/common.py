"""Helpers every API module uses: the acting user, role checks, JSON bodies, pagination, and the usual
endpoint on one object (``act_on``)."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Response, abort, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import Select

from coordinator.core.errors import DomainError, Forbidden, NotFound, ValidationError
from coordinator.core.permissions import can
from coordinator.extensions import db

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
# Every integer the API reads is a 32-bit signed integer (the database's INTEGER); the OpenAPI document
# declares them ``format: int32``.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
T = TypeVar("T")


def office_id() -> int:
    """The office of the token's user: every query of an endpoint is scoped to it."""
    return g.office.id


def require(action: str) -> None:
    """Refuse (403) unless the token's user may do ``action`` (``coordinator.core.permissions.can``) and,
    for the office's administration, the token has the ``admin`` scope."""
    from coordinator.api import ADMIN_ACTIONS

    if not can(g.api_user, action):
        raise Forbidden("Vai trò của bạn không được phép thực hiện thao tác này.")
    if action in ADMIN_ACTIONS and g.api_token.scope != "admin":
        raise Forbidden(_("Mã truy cập này không có quyền quản trị."))


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _bad_values(value: Any, path: str, found: dict[str, str]) -> None:
    """Values no field can hold: integers beyond 32 bits, lone surrogates and NUL characters."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            found.setdefault(path, _("Số nằm ngoài giới hạn cho phép."))
    elif isinstance(value, float):
        if not math.isfinite(value):  # pragma: no cover - NaN and Infinity are refused while parsing
            found.setdefault(path, _("Số không hợp lệ."))
    elif isinstance(value, str):
        if "\x00" in value:
            found.setdefault(path, _("Văn bản không được chứa ký tự NUL."))
        elif _has_surrogate(value):
            found.setdefault(path, _("Văn bản chứa ký tự Unicode không hợp lệ."))
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in key or _has_surrogate(key):
                found.setdefault(path or "_", _("Tên trường chứa ký tự không hợp lệ."))
                continue
            _bad_values(item, child, found)
    elif isinstance(value, list):
        for item in value:
            _bad_values(item, path, found)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_body() -> dict[str, Any]:
    """The request's JSON object, checked before anything is written.

    Wrong Content-Type, bytes that are not UTF-8, malformed JSON, NaN/Infinity or anything but an object
    answer 400; integers beyond 32 bits, lone surrogates and NUL characters answer 422 with the field.
    """
    cached = request.environ.get("coordinator.json_body")
    if cached is not None:
        return cached
    if not request.is_json:
        raise DomainError(_("Nội dung phải là JSON (Content-Type: application/json)."))
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DomainError(_("Nội dung không phải UTF-8 hợp lệ.")) from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise DomainError(_("JSON không hợp lệ.")) from None
    if not isinstance(data, dict):
        raise DomainError(_("JSON không hợp lệ: cần một đối tượng {…}."))
    found: dict[str, str] = {}
    _bad_values(data, "", found)
    if found:
        raise ValidationError(found)
    request.environ["coordinator.json_body"] = data
    return data


def int_arg(name: str, errors: dict[str, str], *, minimum: int = 1) -> int | None:
    """An optional integer query parameter (``None`` when absent or empty); a bad one goes into ``errors``."""
    value = request.args.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not minimum <= number <= INT_MAX or not value.lstrip("-").isdigit():
        errors[name] = _("%(name)s phải là số nguyên.", name=name)
        return None
    return number


def page_args() -> tuple[int, int]:
    """``page`` and ``per_page`` from the query string (1 and 50 when absent); both bad ones are reported."""
    errors: dict[str, str] = {}
    page = _bounded_arg("page", 1, MAX_PAGE, errors,
                        _("page phải là số nguyên từ 1 đến %(max)s.", max=MAX_PAGE))
    per_page = _bounded_arg("per_page", 50, MAX_PER_PAGE, errors,
                            _("per_page phải là số nguyên từ 1 đến %(max)s.", max=MAX_PER_PAGE))
    if errors:
        raise ValidationError(errors)
    return page, per_page


def _bounded_arg(name: str, default: int, maximum: int, errors: dict[str, str], message: str) -> int:
    """A query parameter between 1 and ``maximum``; otherwise ``message`` goes into ``errors``."""
    try:
        value = int(request.args.get(name, default))
        if not 1 <= value <= maximum:
            raise ValueError
    except ValueError:
        errors[name] = message
        return default
    return value


def paginated(query: Select, serialize: Callable[[Any], dict[str, Any]]) -> Response:
    """``{"items", "total", "page", "per_page"}`` for a select() already scoped to the office."""
    page, per_page = page_args()
    total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique()
    return jsonify({"items": [serialize(row) for row in rows], "total": total, "page": page,
                    "per_page": per_page})


def get_scoped(model: type[T], object_id: int) -> T:
    """The office's object with this id; another office's answers 404, exactly like a missing one."""
    if isinstance(object_id, bool) or not isinstance(object_id, int) or not 1 <= object_id <= INT_MAX:
        raise NotFound(_("Không tìm thấy."))
    obj = db.session.get(model, object_id)
    if obj is None or obj.office_id != office_id():
        raise NotFound(_("Không tìm thấy."))
    return obj


def act_on(model: type[T], object_id: int, operation: Callable[[T], Any],
           serialize: Callable[[T], dict[str, Any]] | None = None, *, action: str = "edit",
           role_first: bool = False) -> ResponseReturnValue:
    """The usual endpoint on one of the office's objects: get it (another office's answers 404), check the
    role, apply ``operation`` to it, answer ``serialize(obj)`` as JSON (or 204 with no ``serialize``).

    ``operation`` reads the request body itself when it needs one (``json_body()``), so a bad body is
    refused only after the object and the role were checked. ``role_first`` checks the role before looking
    the object up: endpoints that have always answered 403 before 404 keep doing so.
    """
    if role_first:
        require(action)
    obj = get_scoped(model, object_id)
    if not role_first:
        require(action)
    operation(obj)
    if serialize is None:
        return "", 204
    return jsonify(serialize(obj))


def not_found() -> None:
    abort(404)


def iso(value: date | None) -> str | None:
    """A date or datetime as ISO 8601 text, ``None`` kept."""
    return value.isoformat() if value is not None else None
