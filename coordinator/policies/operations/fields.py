"""What every policies operation shares: checking the fields of a JSON body (each bad one reported at once,
into ``errors``) and writing a change with its audit record."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from coordinator.core import audit, clock
from coordinator.core.validators import parse_day, parse_id
from coordinator.extensions import db


def _text(data: dict, key: str, errors: dict, *, max_length: int, required: bool = False,
          message: str | None = None) -> str | None:
    """``data[key]`` stripped ("" when absent), or None when not a string.

    Not ``core.validators.text``: these fields keep their own messages (a required field may name what is
    missing) and store "" rather than None for an empty value."""
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Giá trị phải là văn bản.")
        return None
    value = value.strip()
    if required and not value:
        errors[key] = message or _("Trường này là bắt buộc.")
    elif len(value) > max_length:
        errors[key] = _("Tối đa %(n)s ký tự.", n=max_length)
    return value


def _bool(data: dict, key: str, errors: dict) -> bool | None:
    value = data.get(key)
    if not isinstance(value, bool):
        errors[key] = _("Giá trị phải là true hoặc false.")
        return None
    return value


def _day(data: dict, key: str, errors: dict) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return parse_day(value)
    except (ValueError, TypeError):
        errors[key] = _("Ngày không hợp lệ (định dạng YYYY-MM-DD).")
        return None


def _json_id(value: Any) -> int | None:
    """``value`` if it is a JSON integer (never a string or a boolean) in the database's id range."""
    return value if isinstance(value, int) and parse_id(value) is not None else None


def _reject_unknown(data: dict, allowed: Any, errors: dict) -> None:
    """A field the API does not take is an error (named: the first one, alphabetically)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        errors[unknown[0]] = _("Trường không được hỗ trợ.")


def _apply(row: Any, values: dict) -> dict[str, list[str]]:
    """Set the values that differ; returns {field: [old, new]} for the audit log."""
    changes = {}
    for key, value in values.items():
        if getattr(row, key) != value:
            changes[key] = [str(getattr(row, key)), str(value)]
            setattr(row, key, value)
    return changes


def _save_changes(row: Any, values: dict, action: str, *, audited: Any = None, extra: dict | None = None,
                  stamp: bool = True) -> None:
    """Set the values that differ and, when any did, stamp ``updated_at`` (``stamp``), flush and audit them
    as ``action`` on ``audited`` (default: the row itself); nothing is written for no change."""
    changes = _apply(row, values)
    if changes:
        if stamp:
            row.updated_at = clock.now()
        db.session.flush()
        audit.record(action, row if audited is None else audited, data={**(extra or {}), **changes})


def _delete(row: Any, action: str, data: dict, *, audited: Any = None) -> None:
    """Audit (on ``audited``, default the row) then delete."""
    audit.record(action, row if audited is None else audited, data=data)
    db.session.delete(row)
    db.session.flush()
