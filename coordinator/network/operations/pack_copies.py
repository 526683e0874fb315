"""Packs across the network: a host's released version becomes an approved pack on each point's local
briefing, released through the point's own distribution at the same embargo."""
from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import audit, clock
from coordinator.extensions import db
from coordinator.network.models import ConnectionPoint, NetworkPackCopy
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackApproval, PackFile
from coordinator.packs.storage import save_in_transaction, storage


def host_label(office: Office) -> str:
    """Who approved a copy, as the point's staff see it: the host office, not one of its users."""
    return _("Duyệt bởi văn phòng chủ trì %(name)s", name=office.name)


def released_host_packs(host_briefing_id: int) -> list[Pack]:
    return list(db.session.scalars(select(Pack).where(Pack.briefing_id == host_briefing_id,
                                                      Pack.status == "released")
                                   .order_by(Pack.root_id, Pack.version)))


def _already_copied(host_pack: Pack, point: ConnectionPoint) -> bool:
    done = db.session.scalar(select(NetworkPackCopy).where(NetworkPackCopy.point_id == point.id,
                                                           NetworkPackCopy.host_pack_id == host_pack.id))
    return done is not None


def _new_local_pack(host_pack: Pack, point: ConnectionPoint, office: Office) -> Pack:
    """The approved copy, flushed: the next version of the point's copies of this lineage, if any."""
    earlier = db.session.scalar(select(Pack).join(NetworkPackCopy, NetworkPackCopy.local_pack_id == Pack.id)
                                .where(NetworkPackCopy.point_id == point.id,
                                       NetworkPackCopy.host_root_id == host_pack.lineage_id)
                                .order_by(Pack.version.desc()).limit(1))
    now = clock.now()
    copy = Pack(office_id=office.id, briefing_id=point.local_briefing_id, version=1, title=host_pack.title,
                summary=host_pack.summary, body=host_pack.body, language=host_pack.language, status="approved",
                embargo_until=host_pack.embargo_until, release_at=None,
                send_under_embargo=host_pack.send_under_embargo, audience={"list_ids": [], "beats": []},
                submission_round=1, submitted_at=now, approved_at=now, created_at=now, updated_at=now)
    if earlier is not None:
        from coordinator.packs.operations import latest_version

        newest = latest_version(earlier)
        copy.root_id, copy.version = newest.lineage_id, newest.version + 1
        if newest.status == "approved":
            newest.superseded_at = now
    db.session.add(copy)
    db.session.flush()
    if copy.root_id is None:
        copy.root_id = copy.id
    return copy


def _copy_files(host_pack: Pack, copy: Pack, office: Office) -> None:
    """Each file stored again under the point office (its storage is its own)."""
    for item in host_pack.files:
        with storage().open(item.storage_name) as handle:
            data = handle.read()
        db.session.add(PackFile(office_id=office.id, pack_id=copy.id, original_name=item.original_name,
                                display_name=item.display_name, storage_name=save_in_transaction(office.slug, data),
                                size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                content_type=item.content_type, kind=item.kind))


def copy_pack(host_pack: Pack, point: ConnectionPoint) -> Pack | None:
    """The host's released version as an approved pack on the point's local briefing, released through
    the point's own distribution at the same embargo. A second call finds the copy and does nothing."""
    if point.status != "accepted" or point.local_briefing_id is None or _already_copied(host_pack, point):
        return None
    office = db.session.get(Office, point.point_office_id)
    host_office = point.host_office
    copy = _new_local_pack(host_pack, point, office)
    _copy_files(host_pack, copy, office)
    label = host_label(host_office)
    db.session.add(PackApproval(office_id=office.id, pack_id=copy.id, user_id=None, user_label=label[:255],
                                decision="approved", submission_round=1))
    db.session.add(NetworkPackCopy(office_id=office.id, point_id=point.id, host_pack_id=host_pack.id,
                                   host_root_id=host_pack.lineage_id, local_pack_id=copy.id))
    db.session.flush()
    audit.record("pack.created", copy, actor_label="system",
                 data={"title": copy.title, "briefing_id": copy.briefing_id, "from_host_office": host_office.slug,
                       "host_pack_id": host_pack.id, "version": copy.version})
    audit.record("pack.approved", copy, actor_label=label[:255],
                 data={"version": copy.version, "approved_by_host_office": host_office.name, "final": True})
    from coordinator.packs.operations import schedule_release

    schedule_release(copy)
    audit.record("network.pack_copied", point, actor_label="system",
                 data={"host_pack_id": host_pack.id, "point_office": office.slug, "version": copy.version})
    return copy

# What the package (``network.operations``) offers from this module.
__all__ = ["copy_pack", "host_label", "released_host_packs"]
