"""The dashboard's blocks, each given by the domain that knows its answer (issue 25.9).

The web package sits below the domains, so it names none of them: a domain registers a block (a loader
bounded by LIMIT and scoped to the office, a template, the permission that may see it) in its
``init_app``; the dashboard shows the registered blocks in their order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from coordinator.core import clock
from coordinator.core.i18n import select_timezone
from coordinator.core.permissions import can


@dataclass(frozen=True)
class Block:
    name: str
    order: int
    template: str
    load: Callable[[int], Any]
    action: str = "read"


_blocks: dict[str, Block] = {}


def register(name: str, order: int, template: str, action: str = "read") -> Callable:
    def decorator(load: Callable[[int], Any]) -> Callable[[int], Any]:
        _blocks[name] = Block(name, order, template, load, action)
        return load
    return decorator


def blocks(user: Any, office_id: int) -> list[tuple[Block, Any]]:
    """Every block this person may see, with its data, in order."""
    return [(block, block.load(office_id)) for block in sorted(_blocks.values(), key=lambda b: (b.order, b.name))
            if can(user, block.action)]


def local_today() -> date:
    return clock.now().astimezone(ZoneInfo(select_timezone())).date()


def now() -> datetime:
    return clock.now()
