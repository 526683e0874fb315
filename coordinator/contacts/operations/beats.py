"""Beats: the topics journalists cover, per office, found by name or slug whatever the case or diacritics."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import Beat
from coordinator.contacts.operations.rules import drop_from_rules
from coordinator.contacts.text import clean, slugify
from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.extensions import db

MAX_NAME = 120


def find_beat(office_id: int, name_or_slug: str) -> Beat | None:
    slug = slugify(name_or_slug)
    if not slug:
        return None
    return db.session.scalar(select(Beat).where(Beat.office_id == office_id, Beat.slug == slug))


def _beat_name(name: Any) -> str:
    name = clean(name if isinstance(name, str) else "")
    if not name or not slugify(name):
        raise ValidationError({"name": _("Tên lĩnh vực là bắt buộc.")})
    return name


def _taken(name: str) -> ValidationError:
    return ValidationError({"name": _("Lĩnh vực “%(name)s” đã có.", name=name)})


def create_beat(office_id: int, name: Any) -> Beat:
    name = _beat_name(name)
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("Tên lĩnh vực tối đa 120 ký tự.")})
    if find_beat(office_id, name) is not None:
        raise _taken(name)
    beat = Beat(office_id=office_id, name=name, slug=slugify(name))
    db.session.add(beat)
    db.session.flush()
    audit.record("beat.created", beat, data={"name": name})
    return beat


def get_or_create_beats(office_id: int, names: Iterable[str], cache: dict[str, Beat] | None = None) -> list[Beat]:
    """Beats by name or slug (case/diacritics-insensitive), created when unknown.

    ``cache`` (slug → beat, filled as beats are made) lets an import look each beat up once."""
    if cache is None:
        cache = {b.slug: b for b in db.session.scalars(select(Beat).where(Beat.office_id == office_id))}
    beats: list[Beat] = []
    for raw in names:
        name = clean(raw)
        slug = slugify(name)
        if not slug:
            continue
        beat = cache.get(slug)
        if beat is None:
            if len(name) > MAX_NAME:
                raise ValidationError({"beats": _("Tên lĩnh vực tối đa 120 ký tự.")})
            beat = Beat(office_id=office_id, name=name, slug=slug)
            db.session.add(beat)
            cache[slug] = beat
        if beat not in beats:
            beats.append(beat)
    return beats


def parse_beat_names(value: Any) -> list[str]:
    """``"Kinh tế; Du lịch"`` or a list → names. Separators: ``;``, ``,``, ``|``, new lines."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;,|\n]+", str(value))
    names = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError({"beats": _("Lĩnh vực phải là danh sách tên.")})
        name = clean(item)
        if name and slugify(name):
            names.append(name)
    return names


def rename_beat(beat: Beat, name: Any) -> Beat:
    name = _beat_name(name)
    other = find_beat(beat.office_id, name)
    if other is not None and other.id != beat.id:
        raise _taken(name)
    old = beat.name
    beat.name, beat.slug = name, slugify(name)
    audit.record("beat.renamed", beat, data={"from": old, "to": name})
    db.session.flush()
    return beat


def delete_beat(beat: Beat) -> None:
    """Delete the beat and take it out of every list rule that names it."""
    audit.record("beat.deleted", beat, data={"name": beat.name})
    drop_from_rules(beat.office_id, "beat_ids", beat.id)
    db.session.delete(beat)
    db.session.flush()

# What the package (``contacts.operations``) offers from this module.
__all__ = ["create_beat", "delete_beat", "find_beat", "get_or_create_beats", "parse_beat_names", "rename_beat"]
