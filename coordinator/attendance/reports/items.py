"""A report's rows as items: their labels, rates, order and totals."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.attendance.reports.periods import Period
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.operations import KIND_LABELS, LEVEL_LABELS
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.schedule.models import Briefing

TOTAL_KEYS = ("invited", "accepted", "attended", "no_shows", "walk_ins", "online")


def check_dimension(by: str, dimensions: tuple[str, ...]) -> None:
    """``by`` must be one of the report's ``dimensions``."""
    if by not in dimensions:
        raise ValidationError({"by": _("by phải là một trong: %(choices)s.", choices=", ".join(dimensions))})


def rate(attended: int, invited: int) -> float:
    """attended / invited, capped to 1 (walk-ins may outnumber the invited); 0 when nobody was invited."""
    if not invited:
        return 0.0
    return round(min(1.0, attended / invited), 4)


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else value


def sort_items(items: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Months and briefings in time order; anything else the largest first, then by label."""
    if by == "month":
        return sorted(items, key=lambda i: str(i["key"]))
    if by == "briefing":
        return sorted(items, key=lambda i: (i.get("start") or "", i["key"]))
    return sorted(items, key=lambda i: (-i.get("invited", 0), -i.get("attended", i.get("total", 0)),
                                        str(i["label"]).lower(), str(i["key"])))


def fill_months(merged: dict[Any, dict[str, Any]], by: str, period: Period, blank: dict[str, Any]) -> None:
    """By month, every month of the period is an item, a month without rows too (``blank``)."""
    if by == "month":
        for month in period.months():
            merged.setdefault(month, dict(blank))


def _labels(by: str, keys: list) -> dict[Any, dict[str, Any]]:
    """What each key is called (and, by outlet or journalist or briefing, a few more columns)."""
    ids = [k for k in keys if k is not None]
    if by == "outlet":
        return {row.id: {"label": row.name, "level": row.level, "kind": row.kind}
                for row in db.session.execute(select(Outlet.id, Outlet.name, Outlet.level, Outlet.kind)
                                              .where(Outlet.id.in_(ids)))}
    if by == "journalist":
        return {row.id: {"label": row.full_name, "outlet": row.name}
                for row in db.session.execute(select(Journalist.id, Journalist.full_name, Outlet.name)
                                              .join(Outlet, Outlet.id == Journalist.outlet_id)
                                              .where(Journalist.id.in_(ids)))}
    if by == "briefing":
        out = {}
        for row in db.session.scalars(select(Briefing).where(Briefing.id.in_(ids))):
            out[row.id] = {"label": row.effective_title, "start": row.start.isoformat()}
        return out
    if by == "month":
        return {k: {"label": f"{str(k)[5:7]}/{str(k)[:4]}"} for k in ids}
    if by == "level":
        return {k: {"label": str(LEVEL_LABELS.get(k, k))} for k in ids}
    if by == "kind":
        return {k: {"label": str(KIND_LABELS.get(k, k))} for k in ids}
    return {}


def totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The attendance figures of ``items`` added up, with the rate of the sums."""
    out = {key: sum(int(i.get(key, 0)) for i in items) for key in TOTAL_KEYS}
    out["rate"] = rate(out["attended"], out["invited"])
    return out


def sums(items: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, int]:
    """Each of ``keys`` added up over ``items``."""
    return {key: sum(i[key] for i in items) for key in keys}
