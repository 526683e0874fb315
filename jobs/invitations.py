"""Periodic invitation jobs: thin entry points into ``coordinator.invitations.delivery``.

Invitations, updates, cancellations and reminders are fan-outs (``coordinator.mail.fanout``); these jobs
only plan them, so a periodic pass is short and never sends mail itself.
"""
from __future__ import annotations

from datetime import datetime

from coordinator.invitations import delivery


def send_due_reminders(now: datetime | None = None) -> int:
    """Periodic (every minute): plan the reminders whose time has come."""
    return delivery.plan_due_reminders(now)


def dispatch_due_invitations(now: datetime | None = None) -> int:
    """Periodic safety net (every 5 minutes): re-match the audiences that changed and plan what is behind."""
    return delivery.safety_net(now)
