"""What follows a provider's word on an address: the journalist is marked so nobody mails them by mistake."""
from __future__ import annotations

STATUS_FOR_REASON = {"bounced": "bounced", "dropped": "bounced", "spam_report": "unsubscribed",
                     "unsubscribed": "unsubscribed"}


def mark_journalist(office_id: int, email: str, reason: str) -> None:
    from coordinator.contacts.operations import mark_by_email

    status = STATUS_FOR_REASON.get(reason, "bounced")
    mark_by_email(office_id, email, status, f"provider: {reason}")
