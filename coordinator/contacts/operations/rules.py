"""A distribution list's rule: the criteria it may hold, kept true when a beat or an outlet goes away.

A rule is ``{"beat_ids", "outlet_kinds", "levels", "outlet_ids"}`` (each optional, any-of; criteria ANDed);
``coordinator.contacts.audience`` resolves it and ``lists.validate_rule`` checks what people send.
"""
from __future__ import annotations

from sqlalchemy import select

from coordinator.contacts.models import DistributionList
from coordinator.extensions import db

RULE_KEYS = ("beat_ids", "outlet_kinds", "levels", "outlet_ids")


def drop_from_rules(office_id: int, key: str, object_id: int) -> None:
    """Take an id that is going away (a deleted beat or outlet) out of the ``key`` criterion of the office's
    list rules, so no rule names what no longer exists."""
    for dl in db.session.scalars(select(DistributionList).where(DistributionList.office_id == office_id)):
        rule = dict(dl.rule or {})
        if object_id in (rule.get(key) or []):
            rule[key] = [i for i in rule[key] if i != object_id]
            dl.rule = rule

# What the package (``contacts.operations``) offers from this module.
__all__ = ["RULE_KEYS"]
