"""Create and change offices. Functions flush, never commit: the caller commits once."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays as holidays_lib
from flask_babel import gettext as _

from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
LOCALES = ("vi", "en")


def validate_timezone(name: str) -> str:
    if name not in available_timezones():
        raise ValidationError({"timezone": _("Múi giờ không hợp lệ: %(name)s (ví dụ: Asia/Ho_Chi_Minh).", name=name)})
    try:
        ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - guarded above
        raise ValidationError({"timezone": str(exc)}) from exc
    return name


def country_of(timezone: str) -> str:
    """The country a time zone belongs to (``Europe/Berlin`` → ``DE``), Vietnam when it is not one."""
    import pytz

    for country, zones in pytz.country_timezones.items():
        if timezone in zones:
            return country.upper()
    return "VN"


def create_office(slug: str, name: str, *, timezone: str = "Asia/Ho_Chi_Minh", locale: str = "vi",
                  sender_email: str | None = None, country: str | None = None) -> Office:
    errors = {}
    slug = (slug or "").strip().lower()
    name = (name or "").strip()
    if not SLUG_RE.match(slug):
        errors["slug"] = _("Mã cơ quan chỉ gồm chữ thường không dấu, số và dấu gạch ngang (2–63 ký tự).")
    elif db.session.scalar(db.select(Office.id).where(Office.slug == slug)) is not None:
        errors["slug"] = _("Mã cơ quan %(slug)s đã tồn tại.", slug=slug)
    if not name:
        errors["name"] = _("Tên cơ quan là bắt buộc.")
    if locale not in LOCALES:
        errors["locale"] = _("Ngôn ngữ phải là một trong: %(choices)s.", choices=", ".join(LOCALES))
    try:
        validate_timezone(timezone)
    except ValidationError as exc:
        errors.update(exc.fields)
    country = (country or (country_of(timezone) if "timezone" not in errors else "VN")).strip().upper()
    if country not in holidays_lib.list_supported_countries():
        errors["country"] = _("Mã quốc gia không hợp lệ: %(value)s (ví dụ VN, DE).", value=country)
    if errors:
        raise ValidationError(errors)
    office = Office(slug=slug, name=name, timezone=timezone, locale=locale, sender_email=sender_email,
                    country=country)
    db.session.add(office)
    db.session.flush()
    audit.record("office.created", office, data={"slug": slug, "name": name})
    return office


def get_office_by_slug(slug: str) -> Office | None:
    return db.session.scalar(db.select(Office).where(Office.slug == slug))


def set_require_two_factor(office: Office, required: bool) -> bool:
    """Require (or stop requiring) two-factor sign-in of all the office's staff; True if it changed."""
    if office.require_two_factor == required:
        return False
    office.require_two_factor = required
    audit.record("office.two_factor_required" if required else "office.two_factor_optional", office)
    return True
