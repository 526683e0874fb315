"""Create, change and delete outlets, journalists, beats and lists. Functions flush, never commit.

One module per use case: ``fields`` (labels and the small validators the API, the forms and the importer
share), ``beats``, ``outlets``, ``journalists``, ``history`` (moves between outlets), ``status`` (status,
suppression, merging duplicates), ``rules`` and ``lists`` (distribution lists and who they reach).
Every name is re-exported here, so ``from coordinator.contacts import operations as ops`` keeps working.
"""
from __future__ import annotations

from coordinator.contacts.operations.beats import (
    create_beat,
    delete_beat,
    find_beat,
    get_or_create_beats,
    parse_beat_names,
    rename_beat,
)
from coordinator.contacts.operations.fields import (
    EMAIL_RE,
    HOST_RE,
    KIND_ALIASES,
    KIND_LABELS,
    LANGUAGE_LABELS,
    LEVEL_ALIASES,
    LEVEL_LABELS,
    STATUS_LABELS,
    display_phone,
    guess_kind,
    host_of,
    is_int,
    is_int_list,
    normalize_email,
    normalize_phone,
    normalize_website,
    office_today,
    parse_domains,
    parse_kind,
    parse_language,
    parse_level,
)
from coordinator.contacts.operations.history import move_to_outlet, outlet_on
from coordinator.contacts.operations.journalists import JOURNALIST_FIELDS, create_journalist, update_journalist
from coordinator.contacts.operations.lists import (
    add_members,
    create_list,
    delete_list,
    fixed_member_ids,
    list_members,
    member_counts,
    remove_member,
    update_list,
    validate_rule,
)
from coordinator.contacts.operations.outlets import (
    OUTLET_FIELDS,
    create_outlet,
    delete_outlet,
    find_outlet_by_name,
    outlet_for_url,
    update_outlet,
)
from coordinator.contacts.operations.rules import RULE_KEYS
from coordinator.contacts.operations.status import archive_journalist, mark_by_email, merge_journalists, set_status

__all__ = [
    "EMAIL_RE", "HOST_RE", "JOURNALIST_FIELDS", "KIND_ALIASES", "KIND_LABELS", "LANGUAGE_LABELS", "LEVEL_ALIASES",
    "LEVEL_LABELS", "OUTLET_FIELDS", "RULE_KEYS", "STATUS_LABELS",
    "add_members", "archive_journalist", "create_beat", "create_journalist", "create_list", "create_outlet",
    "delete_beat", "delete_list", "delete_outlet", "display_phone", "find_beat", "find_outlet_by_name",
    "fixed_member_ids",
    "get_or_create_beats", "guess_kind", "host_of", "is_int", "is_int_list", "list_members", "mark_by_email",
    "member_counts", "merge_journalists", "move_to_outlet", "normalize_email", "normalize_phone",
    "normalize_website", "office_today", "outlet_for_url", "outlet_on", "parse_beat_names", "parse_domains",
    "parse_kind", "parse_language", "parse_level", "remove_member", "rename_beat", "set_status",
    "update_journalist", "update_list", "update_outlet", "validate_rule",
]
