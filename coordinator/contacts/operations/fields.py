"""Labels, and the small validators the API, the forms and the importer share for contact fields.

Generic checks (e-mail addresses, phone numbers, days, ids, web addresses) come from
``coordinator.core.validators``; what is here is particular to the contact book: outlet kinds and levels
as people write them, languages, article domains, and the office's "today" for outlet history.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.contacts.models import OUTLET_KINDS, OUTLET_LEVELS
from coordinator.contacts.text import clean, fold
from coordinator.core import clock, validators
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office

KIND_LABELS = {"newspaper": _l("Báo in"), "online": _l("Báo điện tử"), "tv": _l("Truyền hình"),
               "radio": _l("Phát thanh"), "news_agency": _l("Thông tấn"), "magazine": _l("Tạp chí"),
               "social": _l("Mạng xã hội")}
LEVEL_LABELS = {"central": _l("Trung ương"), "provincial": _l("Cấp tỉnh"), "local": _l("Địa phương"),
                "foreign": _l("Nước ngoài")}
STATUS_LABELS = {"active": _l("Đang hoạt động"), "bounced": _l("Thư bị trả lại"),
                 "unsubscribed": _l("Đã huỷ nhận tin"), "archived": _l("Lưu trữ")}
LANGUAGE_LABELS = {"vi": _l("Tiếng Việt"), "en": _l("Tiếng Anh")}

# Words people write for a kind or a level (folded), besides the codes themselves.
KIND_ALIASES = {
    "newspaper": ("bao", "bao in", "nhat bao", "newspaper", "print", "print newspaper", "bao giay"),
    "online": ("bao dien tu", "dien tu", "online", "online newspaper", "trang tin", "trang tin dien tu", "web"),
    "tv": ("truyen hinh", "tv", "television", "dai truyen hinh"),
    "radio": ("phat thanh", "radio", "dai phat thanh"),
    "news_agency": ("thong tan", "news agency", "news_agency", "hang thong tan", "thong tan xa"),
    "magazine": ("tap chi", "magazine"),
    "social": ("mang xa hoi", "social", "social media", "kenh mang xa hoi"),
}
LEVEL_ALIASES = {
    "central": ("trung uong", "central", "national", "quoc gia"),
    "provincial": ("tinh", "cap tinh", "provincial", "province", "dia phuong cap tinh"),
    "local": ("dia phuong", "local", "huyen", "cap huyen", "co so"),
    "foreign": ("nuoc ngoai", "foreign", "quoc te", "international"),
}
_KIND_LOOKUP = {alias: kind for kind, aliases in KIND_ALIASES.items() for alias in aliases}
_LEVEL_LOOKUP = {alias: level for level, aliases in LEVEL_ALIASES.items() for alias in aliases}
_LANGUAGE_LOOKUP = {"vi": "vi", "vie": "vi", "tieng viet": "vi", "viet": "vi", "vietnamese": "vi",
                    "en": "en", "eng": "en", "tieng anh": "en", "anh": "en", "english": "en"}
# Pieces of an outlet's (folded) name that give its kind away, tried in this order.
_KIND_HINTS = (("truyen hinh", "tv"), ("pt-th", "tv"), ("ptth", "tv"), ("vtv", "tv"),
               ("phat thanh", "radio"), ("vov", "radio"), ("thong tan", "news_agency"),
               ("ttxvn", "news_agency"), ("tap chi", "magazine"), ("dien tu", "online"),
               (".vn", "online"), (".net", "online"), (".com", "online"), ("dai ", "tv"))

EMAIL_RE = validators.EMAIL_RE
HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# The shared validators under the names the importer, the API and the tests know them by.
normalize_email = validators.email  # a lowercased address, or ValidationError on "email"
normalize_phone = validators.phone  # E.164, None for an empty value, or ValidationError on "phone"


def is_int(value: Any) -> bool:
    """An integer as JSON gives it (Python counts ``True`` as 1; an id never is)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int_list(value: Any) -> bool:
    return isinstance(value, list) and all(is_int(item) for item in value)


def required_name(data: dict, key: str, errors: dict[str, str], *, max_len: int, missing: str,
                  too_long: str) -> str | None:
    """``data[key]`` cleaned for storage, or ``None`` with ``missing`` / ``too_long`` under ``key`` in ``errors``."""
    value = data.get(key)
    name = clean(value if isinstance(value, str) else "")
    if not name:
        errors[key] = missing
    elif len(name) > max_len:
        errors[key] = too_long
    else:
        return name
    return None


def parse_present(data: dict, parsers: Iterable[tuple[str, Callable[[Any], Any]]], values: dict[str, Any],
                  errors: dict[str, str]) -> None:
    """Each key present in ``data`` parsed into ``values``; a refusal's fields go into ``errors``."""
    for key, parser in parsers:
        if key in data:
            try:
                values[key] = parser(data.get(key))
            except ValidationError as exc:
                errors.update(exc.fields)


def display_phone(value: str | None) -> str:
    """An E.164 number as people read it: national for Vietnam, international otherwise."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 84
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def parse_kind(value: Any) -> str:
    kind = _KIND_LOOKUP.get(fold(str(value or "")).replace("_", " ")) or (
        value if value in OUTLET_KINDS else None)
    if kind is None:
        raise ValidationError({"kind": _("Loại hình không hợp lệ: %(value)s (cho phép: %(choices)s).",
                                         value=value, choices=", ".join(OUTLET_KINDS))})
    return kind


def parse_level(value: Any) -> str:
    level = _LEVEL_LOOKUP.get(fold(str(value or ""))) or (value if value in OUTLET_LEVELS else None)
    if level is None:
        raise ValidationError({"level": _("Cấp không hợp lệ: %(value)s (cho phép: %(choices)s).",
                                          value=value, choices=", ".join(OUTLET_LEVELS))})
    return level


def parse_language(value: Any) -> str:
    """``vi`` or ``en`` from a code or a name in either language; an empty value is ``vi``."""
    text = fold(str(value or ""))
    if not text:
        return "vi"
    if text not in _LANGUAGE_LOOKUP:
        raise ValidationError({"language": _("Ngôn ngữ phải là vi hoặc en, không phải %(value)s.", value=value)})
    return _LANGUAGE_LOOKUP[text]


def guess_kind(name: str) -> str:
    """A best guess from an outlet's name, for outlets an import creates without a kind."""
    folded = fold(name)
    for needle, kind in _KIND_HINTS:
        if needle in folded:
            return kind
    return "newspaper"


def parse_domains(value: Any) -> list[str]:
    """``"baoquangninh.vn, www.qtv.vn"`` or a list → ``["baoquangninh.vn", "qtv.vn"]``."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value))
    domains: list[str] = []
    for item in items:
        host = host_of(str(item))
        if not host:
            continue
        if not HOST_RE.match(host):
            raise ValidationError({"domains": _("Tên miền không hợp lệ: %(value)s", value=item)})
        if host not in domains:
            domains.append(host)
    return domains


def host_of(value: str) -> str:
    """The host of a URL or a bare host name, lowercased, IDNA-encoded, without ``www.``; "" if none."""
    text = value.strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
    return host[4:] if host.startswith("www.") else host



def normalize_website(value: Any) -> str | None:
    """An outlet's site as an ``http(s)://`` address (``https://`` added when people leave it out)."""
    text = clean(value if isinstance(value, str) else "")
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    if not (validators.is_web_url(text) and HOST_RE.match(host_of(text))):
        raise ValidationError({"website": _("Địa chỉ trang web không hợp lệ: %(value)s", value=value)})
    return text


def office_today(office_id: int) -> date:
    """Today in the office's time zone: the day an outlet period starts unless told otherwise."""
    tz = db.session.scalar(select(Office.timezone).where(Office.id == office_id)) or "Asia/Ho_Chi_Minh"
    return clock.today(tz)

# What the package (``contacts.operations``) offers from this module.
__all__ = ["EMAIL_RE", "HOST_RE", "KIND_ALIASES", "KIND_LABELS", "LANGUAGE_LABELS", "LEVEL_ALIASES",
    "LEVEL_LABELS", "STATUS_LABELS", "display_phone", "guess_kind", "host_of", "is_int", "is_int_list",
    "normalize_email", "normalize_phone", "normalize_website", "office_today", "parse_domains", "parse_kind",
    "parse_language", "parse_level"]
