"""The dashboard's "packs awaiting approval" block."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.web import dashboard

LIMIT = 5


@dashboard.register("packs", 20, "web/dashboard/_packs.html")
def awaiting_approval(office_id: int) -> dict:
    where = (Pack.office_id == office_id, Pack.status == "submitted")
    rows = list(db.session.scalars(select(Pack).where(*where).order_by(Pack.submitted_at, Pack.id).limit(LIMIT)))
    total = db.session.scalar(select(func.count(Pack.id)).where(*where)) or 0
    return {"items": rows, "total": total}
