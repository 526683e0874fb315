"""Text from users: titles kept as plain text (escaped wherever shown), bodies as rich text cleaned
by nh3 (no scripts, no event handlers, no styles, only safe links), file names made safe to show."""
from __future__ import annotations

import re
import unicodedata

import nh3

from coordinator.contacts.text import clean, fold

BODY_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
             "a", "table", "thead", "tbody", "tr", "th", "td", "hr"}
BODY_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f;]')
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def title(value: str | None, limit: int = 300) -> str:
    return _CONTROL.sub("", clean(value))[:limit]


def body(value: str | None) -> str:
    if not value:
        return ""
    return nh3.clean(value, tags=BODY_TAGS, attributes=BODY_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", strip_comments=True).strip()


def plain(value: str | None, limit: int = 4000) -> str:
    """Plain text of any length (the summary): control characters dropped, NFC."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()[:limit]


def display_name(original: str | None, fallback_ext: str = "") -> str:
    """A safe name to show and offer for download: the last path component only (``../../etc/passwd``
    → ``passwd``), no control or reserved characters, no leading dots, at most 200 characters with
    the extension kept (``....pdf`` → ``tai-lieu.pdf``)."""
    name = unicodedata.normalize("NFC", original or "").replace("\\", "/").split("/")[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, fallback_ext.lstrip(".")
    ext = re.sub(r"[^\w-]", "", ext)[:10]
    stem = stem.strip().lstrip(".").strip()
    if not stem or stem == "_":
        stem = "tai-lieu"
    stem = stem[: 200 - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def ascii_name(name: str) -> str:
    """The ASCII fallback of a file name for old clients (``Báo cáo quý.pdf`` → ``Bao cao quy.pdf``)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    folded = _ASCII_UNSAFE.sub("_", fold(stem) if stem else "").strip() or "tai-lieu"
    ext = _ASCII_UNSAFE.sub("", ext.lower())
    return f"{folded}.{ext}" if ext else folded
