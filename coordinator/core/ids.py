"""Database ids from untrusted text: ASCII digits only, within the database's 32-bit INTEGER."""
from __future__ import annotations

from typing import Any

ID_MAX = 2**31 - 1


def parse_id(value: Any) -> int | None:
    """``value`` as a positive id (an int or a string of ASCII digits), or ``None`` if it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= ID_MAX else None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 10:
            number = int(text)
            return number if 1 <= number <= ID_MAX else None
    return None


def looks_like_id(value: Any) -> bool:
    return parse_id(value) is not None
