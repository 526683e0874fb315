"""A refused change shown on a form: the one way a ``DomainError`` reaches a page.

The API turns the same error into its JSON envelope (``coordinator.api``); a page puts each field's
message under that field (``_macros.html``'s ``field()`` shows it) and the rest at the top of the form.
Either way the unit of work is abandoned first, so nothing of the refused change is saved.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash

from coordinator.core import uow
from coordinator.core.errors import DomainError


def apply_errors(form, exc: DomainError, mapping: Mapping[str, str] | None = None, *,
                 flash_loose: bool = True) -> list[str]:
    """Put ``exc``'s field errors on ``form``'s fields and roll the unit of work back.

    ``mapping`` renames an operation's field to the form's (``{"audience": "list_ids"}``); a dotted name
    (``audience.list_ids``) falls back to its last part. Messages with no field of their own are flashed
    (``flash_loose``) or returned for the page to show above the form.
    """
    uow.abandon()
    loose: list[str] = []
    for key, message in (exc.fields or {"_": exc.message}).items():
        target = _field(form, (mapping or {}).get(key, key))
        if target is None:
            loose.append(message)
            continue
        target.errors = [*list(target.errors or []), message]
    if exc.status == 413 and exc.message not in loose:
        loose.append(exc.message)
    if flash_loose:
        for message in loose:
            flash(message, "error")
    return loose


def _field(form, name: str):
    for candidate in (name, name.split(".")[-1]):
        target = getattr(form, candidate, None)
        if target is not None and hasattr(target, "errors"):
            return target
    return None


def flash_error(exc: DomainError) -> None:
    """A refused change on a page that redirects: abandon the unit of work and say why at the top."""
    uow.abandon()
    flash(exc.message, "error")
