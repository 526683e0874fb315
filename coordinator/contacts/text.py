"""Text folding for Vietnamese search: case, diacritics and Unicode normalisation ignored."""
from __future__ import annotations

import re
import unicodedata

from coordinator.core import validators

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that are not a base letter plus combining marks, so NFD does not split them.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss"})


def fold(value: str | None) -> str:
    """``"Nguyễn Thị Hạnh"`` (NFC or NFD, any case) → ``"nguyen thi hanh"``; whitespace collapsed."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value).translate(_SPECIAL)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()


def slugify(value: str | None) -> str:
    """``"Văn hoá – Xã hội"`` → ``"van-hoa-xa-hoi"``."""
    return _NON_SLUG.sub("-", fold(value)).strip("-")


def like_escape(value: str, escape: str = "\\") -> str:
    """Escape LIKE wildcards so user input matches literally (used with ``escape="\\"``)."""
    return value.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


clean = validators.clean  # NFC-normalised, whitespace-collapsed text for storage
