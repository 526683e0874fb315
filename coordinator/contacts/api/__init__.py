"""``/api/v1`` endpoints of the contact network: outlets, journalists, beats, lists, import/export.

The routes go on the shared API blueprint ``coordinator.api.bp``, one module per resource; ``spec``
describes them. Importing this package registers them all (``coordinator.contacts.init_app`` does).
"""
from __future__ import annotations

from coordinator.contacts.api import beats, imports, journalists, lists, outlets, spec  # noqa: F401 (routes)
from coordinator.contacts.api.serializers import (
    serialize_beat,
    serialize_journalist,
    serialize_list,
    serialize_outlet,
)
from coordinator.contacts.audience import list_member_ids
from coordinator.contacts.operations import list_members

__all__ = ["list_member_ids", "list_members", "serialize_beat", "serialize_journalist", "serialize_list",
           "serialize_outlet"]
