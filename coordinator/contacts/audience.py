"""Audiences: who a briefing (or series, or pack) is for.

An audience is ``{"list_ids": [...], "beats": [...], "outlet_ids": [...], "journalist_ids": [...]}``
(every key optional). Other domains store the normalised form from ``validate_audience`` and call
``resolve_audience`` when they need the people.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.contacts.models import (
    Beat,
    DistributionList,
    DistributionListMember,
    Journalist,
    Outlet,
    journalist_beat,
)
from coordinator.contacts.text import fold, slugify
from coordinator.core.errors import ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db

AUDIENCE_KEYS = ("list_ids", "beats", "outlet_ids", "journalist_ids")
ID_KEYS = ("list_ids", "outlet_ids", "journalist_ids")
_ID_MODELS = {"list_ids": DistributionList, "outlet_ids": Outlet, "journalist_ids": Journalist}


def empty_audience() -> dict[str, list]:
    return {key: [] for key in AUDIENCE_KEYS}


def _bad(message: str) -> ValidationError:
    return ValidationError({"audience": message})


def _not_found(key: str, ids: str) -> str:
    if key == "list_ids":
        return _("Không tìm thấy danh sách có mã %(ids)s.", ids=ids)
    if key == "outlet_ids":
        return _("Không tìm thấy cơ quan báo chí có mã %(ids)s.", ids=ids)
    return _("Không tìm thấy nhà báo có mã %(ids)s.", ids=ids)


def _as_id(value: Any, key: str) -> int:
    if isinstance(value, bool):
        raise _bad(_("%(key)s: mã phải là số nguyên.", key=key))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and parse_id(value) is not None:
        return parse_id(value)
    raise _bad(_("%(key)s: mã phải là số nguyên.", key=key))


def _unique(values: list) -> list:
    seen: set = set()
    out = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def beat_slug_map(office_id: int) -> dict[str, str]:
    """Folded name and slug of every beat of the office → its slug."""
    mapping: dict[str, str] = {}
    for beat in db.session.scalars(select(Beat).where(Beat.office_id == office_id)):
        mapping[beat.slug] = beat.slug
        mapping[fold(beat.name)] = beat.slug
        mapping[slugify(beat.name)] = beat.slug
    return mapping


def validate_audience(office_id: int, audience: dict | None) -> dict:
    """Normalise an audience; ``ValidationError({"audience": ...})`` on a wrong shape, an unknown id,
    another office's id or an unknown beat. Returns every key, ids as ints, beats as slugs."""
    if audience is None:
        return empty_audience()
    if not isinstance(audience, dict):
        raise _bad(_("Đối tượng mời phải là một đối tượng {list_ids, beats, outlet_ids, journalist_ids}."))
    unknown = sorted(set(audience) - set(AUDIENCE_KEYS))
    if unknown:
        raise _bad(_("Khoá không hợp lệ: %(keys)s.", keys=", ".join(map(str, unknown))))
    result = empty_audience()
    for key in AUDIENCE_KEYS:
        values = audience.get(key)
        if values is None:
            continue
        if not isinstance(values, list | tuple):
            raise _bad(_("%(key)s phải là một danh sách.", key=key))
        if key in ID_KEYS:
            ids = _unique([_as_id(value, key) for value in values])
            if ids:
                model = _ID_MODELS[key]
                found = set(db.session.scalars(
                    select(model.id).where(model.id.in_(ids), model.office_id == office_id)))
                missing = [i for i in ids if i not in found]
                if missing:
                    raise _bad(_not_found(key, ", ".join(map(str, missing))))
            result[key] = ids
        else:
            mapping = beat_slug_map(office_id)
            slugs = []
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    raise _bad(_("beats: mỗi lĩnh vực phải là tên hoặc mã (slug) không rỗng."))
                slug = mapping.get(fold(value)) or mapping.get(slugify(value))
                if slug is None:
                    raise _bad(_("Không có lĩnh vực “%(name)s”.", name=value))
                slugs.append(slug)
            result["beats"] = _unique(slugs)
    return result


def _lenient(office_id: int, audience: dict | None) -> dict:
    """A stored audience may name things deleted since: ignore what no longer exists."""
    result = empty_audience()
    if not isinstance(audience, dict):
        return result
    for key in ID_KEYS:
        ids = []
        for value in audience.get(key) or []:
            try:
                ids.append(_as_id(value, key))
            except ValidationError:
                continue
        result[key] = _unique(ids)
    mapping = beat_slug_map(office_id)
    slugs = [mapping.get(fold(v)) or mapping.get(slugify(v))
             for v in audience.get("beats") or [] if isinstance(v, str)]
    result["beats"] = _unique([slug for slug in slugs if slug])
    return result


def list_member_ids(office_id: int, list_ids: list[int]) -> set[int]:
    """Journalist ids (any status) of these lists: fixed members plus those the rule matches."""
    if not list_ids:
        return set()
    lists = db.session.scalars(select(DistributionList).where(
        DistributionList.id.in_(list_ids), DistributionList.office_id == office_id)).all()
    ids: set[int] = set()
    if not lists:
        return ids
    ids.update(db.session.scalars(
        select(DistributionListMember.journalist_id)
        .join(Journalist, Journalist.id == DistributionListMember.journalist_id)
        .where(DistributionListMember.list_id.in_([dl.id for dl in lists]),
               Journalist.office_id == office_id)))
    for dl in lists:
        ids.update(rule_member_ids(office_id, dl.rule or {}))
    return ids


def rule_is_empty(rule: dict | None) -> bool:
    rule = rule or {}
    return not any(rule.get(key) for key in ("beat_ids", "outlet_kinds", "levels", "outlet_ids"))


def rule_member_ids(office_id: int, rule: dict) -> set[int]:
    """Journalists matching a list rule: criteria ANDed, each criterion any-of. An empty rule: nobody."""
    if rule_is_empty(rule):
        return set()
    query = select(Journalist.id).join(Outlet, Outlet.id == Journalist.outlet_id).where(
        Journalist.office_id == office_id)
    if rule.get("beat_ids"):
        query = query.where(Journalist.id.in_(
            select(journalist_beat.c.journalist_id).where(journalist_beat.c.beat_id.in_(rule["beat_ids"]))))
    if rule.get("outlet_kinds"):
        query = query.where(Outlet.kind.in_(rule["outlet_kinds"]))
    if rule.get("levels"):
        query = query.where(Outlet.level.in_(rule["levels"]))
    if rule.get("outlet_ids"):
        query = query.where(Journalist.outlet_id.in_(rule["outlet_ids"]))
    return set(db.session.scalars(query))


def _candidate_ids(office_id: int, audience: dict) -> set[int]:
    ids = list_member_ids(office_id, audience["list_ids"])
    if audience["beats"]:
        ids.update(db.session.scalars(
            select(journalist_beat.c.journalist_id)
            .join(Beat, Beat.id == journalist_beat.c.beat_id)
            .where(Beat.office_id == office_id, Beat.slug.in_(audience["beats"]))))
    if audience["outlet_ids"]:
        ids.update(db.session.scalars(select(Journalist.id).where(
            Journalist.office_id == office_id, Journalist.outlet_id.in_(audience["outlet_ids"]))))
    if audience["journalist_ids"]:
        ids.update(db.session.scalars(select(Journalist.id).where(
            Journalist.office_id == office_id, Journalist.id.in_(audience["journalist_ids"]))))
    return ids


def _load(office_id: int, ids: set[int]) -> list[Journalist]:
    if not ids:
        return []
    rows: list[Journalist] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):  # stay under bound-parameter limits
        chunk = ordered[start:start + 500]
        rows.extend(db.session.scalars(select(Journalist).where(
            Journalist.office_id == office_id, Journalist.id.in_(chunk))).unique())
    rows.sort(key=lambda j: j.id)
    return rows


def explain_audience(office_id: int, audience: dict) -> tuple[list[Journalist], list[tuple[Journalist, str]]]:
    """Included (active) journalists, and the excluded ones with their status as the reason
    (``bounced``, ``unsubscribed``, ``archived``); both ordered by id."""
    normalised = _lenient(office_id, audience)
    everyone = _load(office_id, _candidate_ids(office_id, normalised))
    included = [j for j in everyone if j.status == "active"]
    excluded = [(j, j.status) for j in everyone if j.status != "active"]
    return included, excluded


def resolve_audience(office_id: int, audience: dict) -> list[Journalist]:
    """The active journalists the audience names, deduplicated, ordered by id."""
    return explain_audience(office_id, audience)[0]


def audience_fingerprint(office_id: int, audience: dict | None) -> str:
    """A short digest of who an audience reaches now: a confirmation given for one set of people is not
    taken for another (a list changed in between, other boxes ticked)."""
    people = resolve_audience(office_id, audience or {})
    digest = hashlib.sha256(",".join(str(j.id) for j in people).encode()).hexdigest()
    return digest[:32]


def source_sizes(office_id: int) -> dict[str, dict]:
    """How many active journalists each list, beat and outlet reaches, for the audience pickers."""
    active = (Journalist.office_id == office_id, Journalist.status == "active")
    lists = {dl.id: len(_active(office_id, list_member_ids(office_id, [dl.id])))
             for dl in db.session.scalars(select(DistributionList).where(DistributionList.office_id == office_id))}
    beats = dict(db.session.execute(
        select(Beat.slug, func.count(journalist_beat.c.journalist_id))
        .join(journalist_beat, journalist_beat.c.beat_id == Beat.id)
        .join(Journalist, Journalist.id == journalist_beat.c.journalist_id)
        .where(Beat.office_id == office_id, *active).group_by(Beat.slug)).all())
    outlets = dict(db.session.execute(
        select(Journalist.outlet_id, func.count(Journalist.id)).where(*active, Journalist.outlet_id.is_not(None))
        .group_by(Journalist.outlet_id)).all())
    return {"lists": lists, "beats": beats, "outlets": outlets}


def _active(office_id: int, ids: set[int]) -> set[int]:
    found: set[int] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        found.update(db.session.scalars(select(Journalist.id).where(
            Journalist.office_id == office_id, Journalist.status == "active",
            Journalist.id.in_(ordered[start:start + 500]))))
    return found
