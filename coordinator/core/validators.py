"""Validators every domain shares: text, URLs, integers, e-mail addresses, phone numbers, days and ids.

The ``errors``-collecting ones (``text``, ``url``, ``integer``) read ``data[key]`` and add a message under
``key`` to ``errors`` instead of raising, so a form or an API call reports every bad field at once; the
others (``email``, ``phone``) raise ``ValidationError`` naming their field. Messages are in Vietnamese
(the source language) and translated like every other UI text.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from flask_babel import gettext as _

from coordinator.core.dates import parse_day  # noqa: F401 (re-exported: days typed by people)
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id  # noqa: F401 (re-exported: ids from untrusted text)

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str:
    """NFC-normalised, whitespace-collapsed text for storage."""
    import unicodedata

    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def text(data: dict, key: str, *, max_len: int, required: bool = False, errors: dict,
         multiline: bool = False) -> str | None:
    """``data[key]`` stripped, or None; a message in ``errors`` if missing (when required), not a string,
    longer than ``max_len``, or with a line break where the field is one line (``multiline`` False)."""
    from coordinator.core.limits import multi_line_problem, single_line_problem

    value = data.get(key)
    if value is None:
        if required:
            errors[key] = _("Trường này là bắt buộc.")
        return None
    if not isinstance(value, str):
        errors[key] = _("Phải là chuỗi ký tự.")
        return None
    value = value.strip()
    problem = (multi_line_problem if multiline else single_line_problem)(value, max_len)
    if required and not value:
        errors[key] = _("Trường này là bắt buộc.")
    elif problem:
        errors[key] = problem
    return value or None


def url(data: dict, key: str, errors: dict, *, max_len: int = 1000) -> str | None:
    """An ``http(s)://`` address with a host, or None."""
    value = text(data, key, max_len=max_len, errors=errors)
    if value and not is_web_url(value):
        errors[key] = _("Đường dẫn trực tuyến phải bắt đầu bằng http:// hoặc https://.")
    return value


def is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.hostname is not None
    except ValueError:  # e.g. an unclosed "[" (IPv6 literal)
        return False


def integer(data: dict, key: str, default: int, *, lo: int, hi: int, errors: dict) -> int:
    """A whole number between ``lo`` and ``hi`` (``default`` when absent); never a boolean."""
    value = data.get(key, default)
    if value is None or value == "":
        return default
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = _("Phải là số nguyên.")
        return default
    if not lo <= number <= hi:
        errors[key] = _("Phải từ %(lo)s đến %(hi)s.", lo=lo, hi=hi)
    return number


def email(value: Any, field: str = "email") -> str:
    """A lowercased address, or ``ValidationError`` on ``field``."""
    address = clean(value if isinstance(value, str) else "").lower()
    if not address:
        raise ValidationError({field: _("Email là bắt buộc.")})
    if len(address) > 254 or not EMAIL_RE.match(address):
        raise ValidationError({field: _("Email không hợp lệ: %(value)s", value=address)})
    return address


def phone(value: Any, field: str = "phone") -> str | None:
    """A Vietnamese (or international) number as E.164; ``None`` for an empty value."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = clean(str(value))
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({field: _("Số điện thoại không hợp lệ: %(value)s", value=raw)})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
