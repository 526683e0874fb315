"""What readers see of packs: whether an embargo still holds, the public newsroom's list, and the packs a
journalist was sent (the portal). Reads only: nothing here writes."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from coordinator.contacts.models import Journalist
from coordinator.contacts.text import fold
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.packs.models import Pack, PackRecipient

_TAG = re.compile(r"<[^>]+>")


def embargo_active(pack: Pack, now: datetime | None = None) -> bool:
    """An embargo holds until its time; one that follows a cancelled (or removed) briefing holds with no end."""
    if pack.embargo_offset_minutes is not None and (pack.embargo_held_at is not None or pack.briefing_id is None):
        return True
    return pack.embargo_until is not None and pack.embargo_until > (now or clock.now())


def publicly_visible(pack: Pack, now: datetime | None = None) -> bool:
    """In the newsroom: released, the newest released version of its lineage, embargo lifted."""
    return pack.status == "released" and not embargo_active(pack, now)


def public_packs(office_id: int, now: datetime | None = None, q: str | None = None) -> list[Pack]:
    """The newest released version of each lineage whose embargo has lifted, newest first."""
    now = now or clock.now()
    newest = (select(Pack.root_id, func.max(Pack.version).label("version"))
              .where(Pack.office_id == office_id, Pack.status == "released").group_by(Pack.root_id).subquery())
    rows = db.session.scalars(
        select(Pack).join(newest, (Pack.root_id == newest.c.root_id) & (Pack.version == newest.c.version))
        .where(Pack.office_id == office_id, Pack.status == "released")
        .order_by(Pack.released_at.desc(), Pack.id.desc()))
    packs = [p for p in rows if publicly_visible(p, now)]
    if q:
        needle = fold(q)
        packs = [p for p in packs if needle in fold(f"{p.title} {p.summary} {_text_of(p.body)}")]
    return packs


def _text_of(html: str) -> str:
    return _TAG.sub(" ", html or "")


def received_by(journalist: Journalist, limit: int = 50) -> list[Pack]:
    """Released packs this journalist was sent (the newest released version of each lineage)."""
    roots = select(PackRecipient.root_id).where(PackRecipient.journalist_id == journalist.id,
                                                PackRecipient.office_id == journalist.office_id).distinct()
    rows = db.session.scalars(select(Pack).where(Pack.root_id.in_(roots), Pack.status == "released")
                              .order_by(Pack.root_id, Pack.version.desc()))
    newest: dict[int, Pack] = {}
    for pack in rows:
        newest.setdefault(pack.root_id, pack)
    return sorted(newest.values(), key=lambda p: p.released_at or p.created_at, reverse=True)[:limit]


def is_recipient(pack: Pack, journalist_id: int) -> bool:
    """Whether the journalist was sent any version of this pack's lineage."""
    return db.session.scalar(select(PackRecipient.id).where(PackRecipient.root_id == pack.lineage_id,
                                                            PackRecipient.journalist_id == journalist_id)
                             .limit(1)) is not None
