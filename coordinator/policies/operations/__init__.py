"""Policies, their links, the annual plan and consultation comments. Functions flush, never commit.

Every check runs before anything is written, so a refused change leaves nothing half-done.

One module per use case: ``policies``, ``links``, ``plans`` (the annual plan and its items) and
``comments`` (public consultation); ``fields`` holds the field checks and the audited writes they share.
Callers import this package, as they did the single module.
"""
from __future__ import annotations

from coordinator.core.modules import reexport
from coordinator.policies.operations import comments, links, plans, policies

__all__ = reexport(globals(), comments, links, plans, policies)
