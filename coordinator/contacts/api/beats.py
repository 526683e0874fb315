"""``/api/v1/beats``."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from coordinator.api import bp
from coordinator.api.common import office_id, paginated
from coordinator.contacts import operations as ops
from coordinator.contacts.api.crud import crud_routes
from coordinator.contacts.api.serializers import serialize_beat
from coordinator.contacts.models import Beat, journalist_beat
from coordinator.extensions import db


@bp.get("/beats")
def list_beats() -> Any:
    counts = dict(db.session.execute(
        select(journalist_beat.c.beat_id, func.count()).join(Beat, Beat.id == journalist_beat.c.beat_id)
        .where(Beat.office_id == office_id()).group_by(journalist_beat.c.beat_id)).all())
    query = select(Beat).where(Beat.office_id == office_id()).order_by(Beat.slug)
    return paginated(query, lambda b: serialize_beat(b, counts.get(b.id, 0)))


def _create(office: int, body: dict) -> Beat:
    return ops.create_beat(office, body.get("name"))


def _rename(beat: Beat, body: dict) -> None:
    if "name" in body:
        ops.rename_beat(beat, body.get("name"))


def _serialize_new(beat: Beat) -> dict:
    return serialize_beat(beat, 0)  # a new beat has nobody yet


crud_routes("/beats", "beat", Beat, serialize_beat, create=_create, read=False, update=_rename,
            remove=ops.delete_beat, serialize_created=_serialize_new)
