"""Policies, their links, the annual plan and consultation comments. Functions flush, never commit.

Every check runs before anything is written, so a refused change leaves nothing half-done.

One module per use case: ``policies``, ``links``, ``plans`` (the annual plan and its items) and
``comments`` (public consultation); ``fields`` holds the field checks and the audited writes they share.
Callers import this package, as they did the single module.
"""
from __future__ import annotations

from coordinator.policies.operations.comments import COMMENT_MAX, COMMENT_STATUS_LABELS, submit_comment, triage_comment
from coordinator.policies.operations.links import (
    LINK_LABELS,
    LINK_TARGETS,
    is_linked,
    link,
    link_target,
    linked_ids,
    policies_linked_to,
    unlink,
)
from coordinator.policies.operations.plans import (
    MAX_PER_QUARTER,
    MAX_YEAR,
    MIN_YEAR,
    add_item,
    create_plan,
    delete_item,
    delete_plan,
    plan_for_year,
    update_item,
    update_plan,
)
from coordinator.policies.operations.policies import (
    POLICY_FIELDS,
    STAGE_LABELS,
    create_policy,
    delete_policy,
    update_policy,
)

__all__ = [
    "COMMENT_MAX", "COMMENT_STATUS_LABELS", "LINK_LABELS", "LINK_TARGETS", "MAX_PER_QUARTER", "MAX_YEAR", "MIN_YEAR",
    "POLICY_FIELDS", "STAGE_LABELS", "add_item", "create_plan", "create_policy", "delete_item", "delete_plan",
    "delete_policy", "is_linked", "link", "link_target", "linked_ids", "plan_for_year", "policies_linked_to",
    "submit_comment", "triage_comment", "unlink", "update_item", "update_plan", "update_policy",
]
