"""Outlets, journalists, beats and lists as the API answers them (the shapes ``spec`` describes)."""
from __future__ import annotations

from typing import Any

from coordinator.api.common import iso
from coordinator.contacts.models import Beat, DistributionList, Journalist, Outlet
from coordinator.contacts.operations.consent import current_consent, may_mail
from coordinator.contacts.operations.lists import fixed_member_ids


def serialize_outlet(outlet: Outlet) -> dict[str, Any]:
    return {"id": outlet.id, "name": outlet.name, "kind": outlet.kind, "level": outlet.level,
            "website": outlet.website, "domains": list(outlet.domains or []),
            "created_at": iso(outlet.created_at), "updated_at": iso(outlet.updated_at)}


def serialize_journalist(journalist: Journalist, *, detail: bool = False) -> dict[str, Any]:
    """The journalist; ``detail`` adds the outlet history, oldest period first."""
    data = {"id": journalist.id, "full_name": journalist.full_name, "email": journalist.email,
            "phone": journalist.phone, "outlet_id": journalist.outlet_id, "outlet_name": journalist.outlet.name,
            "beats": [b.name for b in journalist.beats], "language": journalist.language,
            "status": journalist.status, "status_reason": journalist.status_reason,
            "status_changed_at": iso(journalist.status_changed_at), "notes": journalist.notes,
            "merged_into_id": journalist.merged_into_id,
            "created_at": iso(journalist.created_at), "updated_at": iso(journalist.updated_at)}
    if detail:
        data["outlet_history"] = [
            {"outlet_id": h.outlet_id, "outlet_name": h.outlet.name, "valid_from": h.valid_from.isoformat(),
             "valid_to": h.valid_to.isoformat() if h.valid_to else None}
            for h in sorted(journalist.history, key=lambda h: h.valid_from)]
        record = current_consent(journalist)
        data["consent"] = None if record is None else {
            "basis": record.basis, "purpose": record.purpose, "network_sharing": record.network_sharing,
            "source": record.source, "recorded_at": iso(record.recorded_at), "withdrawn_at": iso(record.withdrawn_at),
            "may_mail": may_mail(journalist)}
    return data


def serialize_journalist_detail(journalist: Journalist) -> dict[str, Any]:
    return serialize_journalist(journalist, detail=True)


def serialize_beat(beat: Beat, count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": beat.id, "name": beat.name, "slug": beat.slug}
    if count is not None:
        data["journalist_count"] = count
    return data


def serialize_list(dl: DistributionList) -> dict[str, Any]:
    return {"id": dl.id, "name": dl.name, "description": dl.description, "rule": dl.rule or {},
            "member_ids": sorted(fixed_member_ids(dl)), "created_at": iso(dl.created_at),
            "updated_at": iso(dl.updated_at)}
