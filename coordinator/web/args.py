"""Query-string arguments a page reads, with the default it falls back to on anything unexpected."""
from __future__ import annotations

from collections.abc import Sequence

from flask import request


def choice_arg(name: str, choices: Sequence[str], default: str) -> str:
    """``request.args[name]`` if it is one of ``choices``, else ``default`` (a page never fails on it)."""
    value = request.args.get(name, default)
    return value if value in choices else default
