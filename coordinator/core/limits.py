"""Limits on what people send us, in one place (issue 26.3).

- **Text**: every text column a request writes gets its rule here, whatever form or API endpoint filled it:
  a single-line column (``String(n)``) takes at most ``n`` characters and no line breaks or other control
  characters; a multi-line column (``Text``) at most ``TEXT_MAX`` characters (or its ``info["max_length"]``)
  and no control characters but tab and line breaks. A value that breaks the rule is refused with a 422
  naming the field, before anything is written, so no job later fails forever on it (a title with a line
  break used to reach the mail headers). The domain validators say the same earlier and more kindly
  (``coordinator.core.validators.text``); this is the net under every path they do not cover.
  Rows the system writes from outside data (mail, feeds, events) are not user input and are not checked.
- **Bodies**: a request body has a size limit per kind of endpoint (``BODY_LIMITS``; 413), a JSON body at
  most ``JSON_MAX_DEPTH`` levels of nesting (400; 100,000 nested arrays used to answer 500).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import String, Text, event, inspect
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from coordinator.core.errors import ValidationError

TEXT_MAX = 100_000
JSON_MAX_DEPTH = 64
# Machine-written tables (outside data recorded as received; never typed by a person).
NOT_INPUT = frozenset({"delivery", "outbox_event", "provider_event", "suppression", "fan_out", "feed_item",
                       "outlet_feed", "contact_import", "audit_log", "user_session", "login_throttle"})
# Request body limits by path prefix (first match), in bytes; the app's MAX_CONTENT_LENGTH caps the rest.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/webhooks/sendgrid/events", 5 * 1024 * 1024),
    ("/webhooks/", 25 * 1024 * 1024),  # inbound mail with its attachments
)
JSON_BODY_LIMIT = 1024 * 1024  # an API call's JSON (files go as multipart uploads)

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def single_line_problem(value: str, max_len: int) -> str | None:
    """Why ``value`` cannot be a one-line field of at most ``max_len`` characters (None: it can)."""
    if _LINE_BREAKS.search(value):
        return _("Không được xuống dòng trong trường này.")
    if _CONTROL_IN_LINE.search(value):
        return _("Có ký tự điều khiển không hợp lệ.")
    if len(value) > max_len:
        return _("Dài quá %(max)s ký tự.", max=max_len)
    return None


def multi_line_problem(value: str, max_len: int) -> str | None:
    """Why ``value`` cannot be a multi-line field of at most ``max_len`` characters (None: it can)."""
    if _CONTROL_IN_TEXT.search(value):
        return _("Có ký tự điều khiển không hợp lệ.")
    if len(value) > max_len:
        return _("Dài quá %(max)s ký tự.", max=max_len)
    return None


def _checker(key: str, column: Any):
    if isinstance(column.type, Text) or (isinstance(column.type, String) and not column.type.length):
        limit = int(column.info.get("max_length", TEXT_MAX))
        rule = multi_line_problem
    else:
        limit = int(column.type.length)
        rule = multi_line_problem if column.info.get("multiline") else single_line_problem

    def check(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
        if isinstance(value, str) and value and has_request_context():
            problem = rule(value, limit)
            if problem:
                raise ValidationError({key: problem})
        return value
    return check


_installed: set[tuple[type, str]] = set()


def install_text_rules(models: list[type]) -> None:
    """Give every text attribute of ``models`` its rule (once per attribute)."""
    for model in models:
        table = getattr(model, "__tablename__", None)
        if table is None or table in NOT_INPUT:
            continue
        for prop in inspect(model).column_attrs:
            column = prop.columns[0]
            if not isinstance(column.type, String) or column.info.get("unchecked"):
                continue
            if (model, prop.key) in _installed:  # create_app runs once per test: listen once
                continue
            event.listen(getattr(model, prop.key), "set", _checker(prop.key, column), retval=True)
            _installed.add((model, prop.key))


def json_depth(raw: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON text nests deeper than ``limit`` (a scan, before any parser recurses)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _check_body() -> None:
    length = request.content_length
    path = request.path
    limit = next((size for prefix, size in BODY_LIMITS if path.startswith(prefix)), None)
    if limit is None and request.is_json:
        limit = JSON_BODY_LIMIT
    if limit is not None and length is not None and length > limit:
        raise RequestEntityTooLarge(_("Nội dung gửi lên vượt quá giới hạn %(size)s.", size=_size(limit)))
    if request.is_json and request.method in ("POST", "PUT", "PATCH"):
        raw = request.get_data(cache=True)
        if limit is not None and len(raw) > limit:  # chunked bodies carry no Content-Length
            raise RequestEntityTooLarge(_("Nội dung gửi lên vượt quá giới hạn %(size)s.", size=_size(limit)))
        if json_depth(raw):
            raise BadRequest(_("JSON lồng nhau quá sâu (tối đa %(n)d cấp).", n=JSON_MAX_DEPTH))


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def init_app(app: Flask, models: list[type]) -> None:
    install_text_rules(models)
    app.before_request(_check_body)
