"""Outlet history: which outlet a journalist worked for on a given day (periods never overlap)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from coordinator.contacts.models import Journalist, JournalistOutletHistory, Outlet
from coordinator.contacts.operations.fields import office_today
from coordinator.core import audit
from coordinator.core.errors import NotFound
from coordinator.extensions import db


def move_to_outlet(journalist: Journalist, outlet: Outlet, since: date | None = None, *,
                   record: bool = True) -> None:
    """The journalist works for ``outlet`` from ``since`` (default: today in the office's zone);
    the previous period is closed the day before, so history answers "which outlet on that date"."""
    if outlet.office_id != journalist.office_id:
        raise NotFound(_("Không tìm thấy cơ quan báo chí."))
    since = since or office_today(journalist.office_id)
    old_outlet_id = journalist.outlet_id
    rows = sorted(journalist.history, key=lambda h: h.valid_from)
    # A move dated before later periods replaces them: the new period runs on from ``since``.
    for row in list(rows):
        if row.valid_from >= since:
            journalist.history.remove(row)
            rows.remove(row)
    for row in rows:
        if row.valid_to is None or row.valid_to >= since:
            row.valid_to = since - timedelta(days=1)
    journalist.history.append(JournalistOutletHistory(outlet_id=outlet.id, valid_from=since))
    journalist.outlet = outlet
    journalist.outlet_id = outlet.id
    db.session.flush()
    if record:
        audit.record("journalist.moved", journalist,
                     data={"from": old_outlet_id, "to": outlet.id, "since": since.isoformat()})


def outlet_on(journalist: Journalist, on: date | datetime) -> int:
    """The id of the outlet the journalist belonged to on that date (before the first known period:
    the first outlet; with no history: the current one)."""
    if isinstance(on, datetime):
        on = on.date()
    rows = sorted(journalist.history, key=lambda h: h.valid_from, reverse=True)
    for row in rows:
        if row.valid_from <= on and (row.valid_to is None or row.valid_to >= on):
            return row.outlet_id
    if rows and on < rows[-1].valid_from:
        return rows[-1].outlet_id
    return journalist.outlet_id

# What the package (``contacts.operations``) offers from this module.
__all__ = ["move_to_outlet", "outlet_on"]
