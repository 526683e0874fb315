"""Coverage: articles and broadcasts, one row per normalised URL per office."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.attendance.models import COVERAGE_KINDS, TONES, Coverage
from coordinator.attendance.operations.briefings import briefing_day
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Outlet
from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.core.validators import parse_day, parse_id
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|zarsrc|gidzl|_ga|mc_cid|mc_eid)$", re.I)
URL_MAX = 1000
TITLE_MAX = 500


def _invalid_url(text: str) -> ValidationError:
    return ValidationError({"url": _("Đường dẫn không hợp lệ: %(value)s", value=text[:200])})


def normalise_url(value: Any) -> str:
    """``http(s)://host/path?query`` with the host lowercased, https, no fragment, no tracking
    parameters, no trailing slash: the same article pasted twice is one row."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({"url": _("Đường dẫn là bắt buộc.")})
    if any(ch.isspace() for ch in text):
        raise _invalid_url(text)
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        raise _invalid_url(text) from None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = ""
    if parts.scheme.lower() not in ("http", "https") or not contacts.HOST_RE.match(host):
        raise _invalid_url(text)
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMS.match(k)])
    url = urlunsplit(("https", netloc, path, query, ""))
    if len(url) > URL_MAX:
        raise ValidationError({"url": _("Đường dẫn quá dài (tối đa 1000 ký tự).")})
    return url


def find_coverage(office_id: int, url: str) -> Coverage | None:
    return db.session.scalar(select(Coverage).where(Coverage.office_id == office_id, Coverage.url == url))


def office_row(model: Any, raw: Any, office_id: int) -> Any:
    """The office's ``model`` row whose id ``raw`` is (an int or a string of digits), or None."""
    number = parse_id(raw)
    row = db.session.get(model, number) if number is not None else None
    return row if row is not None and row.office_id == office_id else None


# --- the fields of a coverage item, each checked on its own: every bad one is reported at once ---------

def _url_value(office_id: int, data: dict, coverage: Coverage | None, values: dict, errors: dict) -> None:
    try:
        url = normalise_url(data.get("url"))
    except ValidationError as exc:
        errors.update(exc.fields)
        return
    other = find_coverage(office_id, url)
    if other is not None and other is not coverage:
        errors["url"] = _("Bài này đã được ghi nhận (#%(id)s).", id=other.id)
    values["url"] = url


def _outlet_value(office_id: int, data: dict, values: dict, errors: dict) -> None:
    """The outlet chosen, or (none chosen) the one whose domain the URL is on."""
    raw = data.get("outlet_id")
    if raw in (None, "") and "url" in values:
        outlet = contacts.outlet_for_url(office_id, values["url"])
        if outlet is None:
            errors["outlet_id"] = _("Không nhận ra cơ quan báo chí từ tên miền: hãy chọn cơ quan.")
    else:
        outlet = office_row(Outlet, raw, office_id)
        if outlet is None:
            errors["outlet_id"] = _("Không tìm thấy cơ quan báo chí %(value)s.", value=data.get("outlet_id"))
    if outlet is not None:
        values["outlet_id"] = outlet.id


def _briefing_value(office_id: int, data: dict, values: dict, errors: dict) -> None:
    """The briefing it came of (empty or 0: none); ``_briefing`` carries it for the default day."""
    raw = data.get("briefing_id")
    if raw in (None, "", 0, "0"):
        values["briefing_id"] = None
        return
    briefing = office_row(Briefing, raw, office_id)
    if briefing is None:
        errors["briefing_id"] = _("Không tìm thấy buổi họp báo %(value)s.", value=data.get("briefing_id"))
    else:
        values["briefing_id"] = briefing.id
        values["_briefing"] = briefing


def _day_value(data: dict, values: dict, errors: dict) -> None:
    try:
        values["published_on"] = parse_day(data.get("published_on"))
    except ValueError:
        errors["published_on"] = _("Ngày không hợp lệ (YYYY-MM-DD).")


def _choice_values(data: dict, values: dict, errors: dict) -> None:
    for key, allowed in (("tone", TONES), ("kind", COVERAGE_KINDS)):
        if key in data and data.get(key) not in (None, ""):
            if data.get(key) not in allowed:
                errors[key] = _("Giá trị phải là một trong: %(choices)s.", choices=", ".join(allowed))
            else:
                values[key] = data[key]


def _title_value(data: dict, values: dict, errors: dict) -> None:
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        errors["title"] = _("Tiêu đề phải là văn bản.")
    elif title and len(title.strip()) > TITLE_MAX:
        errors["title"] = _("Tiêu đề tối đa 500 ký tự.")
    else:
        values["title"] = (title or "").strip() or None


def _coverage_values(office_id: int, data: dict, coverage: Coverage | None) -> dict:
    """The checked values of ``data``: every field for a new item (``coverage`` None), the ones given for
    a change. Raises one ``ValidationError`` naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    partial = coverage is not None
    if "url" in data or not partial:
        _url_value(office_id, data, coverage, values, errors)
    if "outlet_id" in data or not partial:
        _outlet_value(office_id, data, values, errors)
    if "briefing_id" in data:
        _briefing_value(office_id, data, values, errors)
    if "published_on" in data and data.get("published_on") not in (None, ""):
        _day_value(data, values, errors)
    _choice_values(data, values, errors)
    if "title" in data:
        _title_value(data, values, errors)
    if errors:
        raise ValidationError(errors)
    return values


def create_coverage(office_id: int, data: dict, *, user_id: int | None = None, source: str = "manual") -> Coverage:
    """A new item; published on the briefing's day (or today) unless ``published_on`` says otherwise."""
    values = _coverage_values(office_id, data, None)
    briefing = values.pop("_briefing", None)
    if "published_on" not in values:
        values["published_on"] = briefing_day(briefing) if briefing is not None else contacts.office_today(office_id)
    coverage = Coverage(office_id=office_id, source=source, created_by_id=user_id,
                        tone=values.pop("tone", "neutral"), kind=values.pop("kind", "article"), **values)
    db.session.add(coverage)
    db.session.flush()
    audit.record("coverage.created", coverage, data={"url": coverage.url, "outlet_id": coverage.outlet_id})
    return coverage


def update_coverage(coverage: Coverage, data: dict) -> Coverage:
    values = _coverage_values(coverage.office_id, data, coverage)
    values.pop("_briefing", None)
    changes = {}
    for key, value in values.items():
        if getattr(coverage, key) != value:
            changes[key] = [str(getattr(coverage, key)), str(value)]
            setattr(coverage, key, value)
    db.session.flush()
    if changes:
        audit.record("coverage.updated", coverage, data=changes)
    return coverage


def delete_coverage(coverage: Coverage) -> None:
    audit.record("coverage.deleted", coverage, data={"url": coverage.url})
    db.session.delete(coverage)
    db.session.flush()

# What the package (``attendance.operations``) offers from this module.
__all__ = ["TRACKING_PARAMS", "_coverage_values", "create_coverage", "delete_coverage", "find_coverage",
    "normalise_url", "update_coverage"]
