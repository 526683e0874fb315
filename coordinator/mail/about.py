"""Which messages concern a briefing, said by the domains that send them (the mail page's search).

A delivery row knows its idempotency key, not its briefing; each domain that mails about briefings
registers here how its keys name one (``invite:…``, ``update:…:<briefing>:…``, ``pack:<pack>:…``), and the
schedule registers which briefings a person may choose. The mail package imports none of them.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.sql.elements import ColumnElement

# (office_id, briefing_id) -> a condition on Delivery that is true for that briefing's messages.
Condition = Callable[[int, int], ColumnElement[bool]]
# (office_id, wanted_id or None) -> [(briefing_id, label)], recent and upcoming first.
Choices = Callable[[int, int | None], list[tuple[int, str]]]

_conditions: list[Condition] = []
_choices: list[Choices] = []


def register_condition(condition: Condition) -> Condition:
    if condition not in _conditions:
        _conditions.append(condition)
    return condition


def register_choices(choices: Choices) -> Choices:
    if choices not in _choices:
        _choices.append(choices)
    return choices


def briefing_condition(office_id: int, briefing_id: int) -> ColumnElement[bool] | None:
    """Every registered condition for this briefing, joined by OR (None when no domain says any)."""
    from sqlalchemy import or_

    parts = [condition(office_id, briefing_id) for condition in _conditions]
    return or_(*parts) if parts else None


def briefing_choices(office_id: int, wanted: int | None = None) -> list[tuple[int, str]]:
    return [choice for provider in _choices for choice in provider(office_id, wanted)]
