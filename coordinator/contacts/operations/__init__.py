"""Create, change and delete outlets, journalists, beats and lists. Functions flush, never commit.

One module per use case: ``fields`` (labels and the small validators the API, the forms and the importer
share), ``beats``, ``outlets``, ``journalists``, ``history`` (moves between outlets), ``status`` (status,
suppression, merging duplicates), ``rules`` and ``lists`` (distribution lists and who they reach).
Every name is re-exported here, so ``from coordinator.contacts import operations as ops`` keeps working.
"""
from __future__ import annotations

from coordinator.contacts.operations import (
    beats,
    consent,
    fields,
    history,
    journalists,
    lists,
    outlets,
    rules,
    status,
)
from coordinator.core.modules import reexport

__all__ = reexport(globals(), beats, consent, fields, history, journalists, lists, outlets, rules, status)
