"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106), and the rule a new password meets."""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()
# Compared against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# --- the password rule ------------------------------------------------------------------------------

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common_passwords.txt"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (``data/README.md`` says where it comes from); read once, never fetched."""
    return frozenset(line.strip() for line in COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip())


def _fold(value: str | None) -> str:
    """Lower case, no diacritics, letters and digits only: ``"Quảng Ninh"`` → ``"quangninh"``."""
    text = unicodedata.normalize("NFKD", (value or "").translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NOT_ALNUM.sub("", text)


def _names(*values: str | None) -> set[str]:
    """Each value whole, and each pair of neighbouring words (a place name is usually two: Quảng Ninh)."""
    found: set[str] = set()
    for value in values:
        words = [_fold(word) for word in re.split(r"[\s@._\-]+", value or "") if _fold(word)]
        found.add("".join(words))
        found.update(a + b for a, b in zip(words, words[1:], strict=False))
    return {name for name in found if len(name) >= 4}


def password_problem(password: str, *, email: str = "", full_name: str = "", office_name: str = "",
                     office_slug: str = "") -> str | None:
    """Why ``password`` is refused (a sentence for the form), or None when it is acceptable.

    Refused: shorter than 10 or longer than 200 characters; one of the 30,000 commonest passwords, also with
    digits or symbols before or after; the user's name or e-mail name, the office's name or a place in it.
    """
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        return _("Mật khẩu cần từ %(min)d đến %(max)d ký tự.", min=MIN_LENGTH, max=MAX_LENGTH)
    lowered = password.casefold()
    core = _EDGES.sub("", lowered)
    common = common_passwords()
    if lowered in common or core in common or _NOT_ALNUM.sub("", lowered) in common:
        return _("Mật khẩu này nằm trong danh sách mật khẩu phổ biến nhất, rất dễ bị đoán. Hãy chọn mật khẩu khác.")
    folded = _fold(password)
    letters = _fold(core)
    local_part = email.split("@", 1)[0] if email else ""
    names = _names(full_name, local_part, office_name, office_slug)
    if any(name in folded for name in names) or (len(letters) >= 4 and any(letters in name for name in names)):
        return _("Mật khẩu không được chứa tên của bạn, tên email hay tên cơ quan. Hãy chọn mật khẩu khác.")
    return None
