"""A pasted list of URLs, one per line: analysed first (nothing written), then added where the outlet is
known."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from coordinator.attendance.models import Coverage
from coordinator.attendance.operations.coverage import (
    _coverage_values,
    create_coverage,
    find_coverage,
    normalise_url,
    office_row,
)
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Outlet
from coordinator.core.errors import ValidationError

COMMON_FIELDS = ("briefing_id", "published_on", "tone", "kind")


def _paste_row(office_id: int, number: int, line: str, seen: set[str], outlets: dict[str, Any]) -> dict[str, Any]:
    """One line: ``status`` new, unmatched (no outlet yet), duplicate (recorded already), repeated (twice in
    the paste) or invalid, with ``error`` saying why."""
    row: dict[str, Any] = {"line": number, "input": line[:1000], "url": None, "outlet": None,
                           "status": "new", "error": None}
    try:
        row["url"] = normalise_url(line)
    except ValidationError as exc:
        row["status"], row["error"] = "invalid", exc.fields.get("url")
        return row
    if row["url"] in seen:
        row["status"], row["error"] = "repeated", _("Lặp lại trong danh sách.")
        return row
    seen.add(row["url"])
    existing = find_coverage(office_id, row["url"])
    if existing is not None:
        row["status"], row["existing_id"] = "duplicate", existing.id
        row["error"] = _("Đã có trong danh sách đưa tin.")
        row["outlet"] = existing.outlet
        return row
    chosen = outlets.get(row["url"]) or outlets.get(line)
    if chosen not in (None, "", 0, "0"):
        outlet = office_row(Outlet, chosen, office_id)
        if outlet is None:
            row["status"], row["error"] = "invalid", _("Không tìm thấy cơ quan báo chí %(value)s.", value=chosen)
        else:
            row["outlet"] = outlet
    else:
        row["outlet"] = contacts.outlet_for_url(office_id, row["url"])
        if row["outlet"] is None:
            row["status"] = "unmatched"
    return row


def paste_lines(office_id: int, text: str, outlets: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Each non-empty line of a pasted list, analysed (nothing written): its normalised URL, the outlet
    matched from the domain (or chosen in ``outlets``, by URL), or why it cannot be added."""
    outlets = outlets or {}
    seen: set[str] = set()
    return [_paste_row(office_id, number, raw.strip(), seen, outlets)
            for number, raw in enumerate((text or "").splitlines(), start=1) if raw.strip()]


def paste_coverage(office_id: int, text: str, *, outlets: dict[str, Any] | None = None, common: dict | None = None,
                   user_id: int | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Add every pasted URL whose outlet is known; report the rest. A line that is not a URL refuses
    the whole paste (nothing written), so the user fixes it first."""
    rows = paste_lines(office_id, text, outlets)
    if not rows:
        raise ValidationError({"text": _("Hãy dán ít nhất một đường dẫn, mỗi dòng một đường dẫn.")})
    invalid = [r for r in rows if r["status"] == "invalid"]
    if invalid:
        raise ValidationError({"text": "; ".join(_("Dòng %(n)s: %(error)s", n=r["line"], error=r["error"])
                                                 for r in invalid[:20])})
    common = dict(common or {})
    # Validate the shared fields once, before anything is written.
    probe = {k: v for k, v in common.items() if k in COMMON_FIELDS}
    _coverage_values(office_id, {**probe}, Coverage(office_id=office_id))
    created: list[Coverage] = []
    if not dry_run:
        for row in rows:
            if row["status"] == "new" and row["outlet"] is not None:
                coverage = create_coverage(office_id, {**probe, "url": row["url"], "outlet_id": row["outlet"].id},
                                           user_id=user_id, source="paste")
                row["status"], row["coverage"] = "created", coverage
                created.append(coverage)
    return {"rows": rows, "created": created,
            "unmatched": [r for r in rows if r["status"] == "unmatched"],
            "duplicates": [r for r in rows if r["status"] in ("duplicate", "repeated")]}

# What the package (``attendance.operations``) offers from this module.
__all__ = ["paste_coverage", "paste_lines"]
