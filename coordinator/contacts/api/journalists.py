"""``/api/v1/journalists``: search, one journalist, vCard, merging duplicates, export."""
from __future__ import annotations

from typing import Any

from flask import g, request
from flask_babel import gettext as _

from coordinator.api import bp
from coordinator.api.common import get_scoped, json_body, office_id, paginated, require
from coordinator.contacts import exporter
from coordinator.contacts import operations as ops
from coordinator.contacts.api.crud import crud_routes
from coordinator.contacts.api.serializers import serialize_journalist, serialize_journalist_detail
from coordinator.contacts.models import Journalist
from coordinator.contacts.search import JournalistFilters, journalist_query
from coordinator.core import audit
from coordinator.core.errors import ValidationError


@bp.get("/journalists")
def list_journalists() -> Any:
    filters = JournalistFilters.from_args(request.args)
    return paginated(journalist_query(office_id(), filters), serialize_journalist)


# DELETE archives: past invitations and attendance keep their journalist.
def _create(office: int, data: dict) -> Journalist:
    return ops.create_journalist(office, data, consent_source="api", consent_detail=g.api_user.email)


crud_routes("/journalists", "journalist", Journalist, serialize_journalist_detail,
            create=_create, update=ops.update_journalist, remove=ops.archive_journalist)


@bp.get("/journalists/<int:journalist_id>/vcard")
def journalist_vcard(journalist_id: int) -> Any:
    person = get_scoped(Journalist, journalist_id)
    audit.record("journalist.exported", person, data={"format": "vcard"})
    return exporter.vcard_download(person)


@bp.post("/journalists/merge")
def merge_journalists() -> Any:
    require("edit")
    body = json_body()
    errors = {key: _("Cần mã số nhà báo (số nguyên).") for key in ("keep_id", "drop_id")
              if not ops.is_int(body.get(key))}
    if errors:
        raise ValidationError(errors)
    keep = get_scoped(Journalist, body["keep_id"])
    drop = get_scoped(Journalist, body["drop_id"])
    ops.merge_journalists(keep, drop)
    return serialize_journalist(keep, detail=True)


@bp.get("/journalists/export")
def export_journalists() -> Any:
    file_format = request.args.get("format", "csv")
    if file_format not in exporter.EXPORT_FORMATS:
        raise ValidationError({"format": "format ∈ csv, xlsx"})
    filters = JournalistFilters.from_args(request.args)
    audit.record("journalists.exported", ("journalist", None), office_id=office_id(),
                 data={"format": file_format, "filters": filters.as_args()})
    return exporter.journalists_download(office_id(), filters, file_format)
