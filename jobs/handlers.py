"""Which job handles which domain event (``OutboxEvent.kind``), declared in one place."""
from __future__ import annotations

from collections.abc import Callable

from coordinator.core.events import OutboxEvent


def _welcome(event: OutboxEvent) -> None:
    from jobs.staff_mail import send_welcome

    send_welcome(event.payload["user_id"], event_id=event.id)


def _password_reset(event: OutboxEvent) -> None:
    from jobs.staff_mail import send_password_reset

    send_password_reset(event.payload["user_id"], event_id=event.id)


def _portal_link(event: OutboxEvent) -> None:
    from jobs.portal_mail import send_portal_link

    send_portal_link(event.payload["journalist_id"], event_id=event.id)


def _mail_suppressed(event: OutboxEvent) -> None:
    from jobs.mail_events import mark_journalist

    mark_journalist(event.office_id, event.payload["email"], event.payload["reason"])


def _invitation_handler(name: str) -> Callable[[OutboxEvent], None]:
    def handle(event: OutboxEvent) -> None:
        from jobs import invitation_events

        getattr(invitation_events, name)(event)

    handle.__name__ = name
    return handle


def _pack_release_due(event: OutboxEvent) -> None:
    from jobs.packs import release_due

    release_due(event.payload["pack_id"], event_id=event.id)


def _pack_submitted(event: OutboxEvent) -> None:
    from jobs.packs import submitted

    submitted(event.payload["pack_id"], event.payload["round"], event_id=event.id)


def _pack_embargo_changed(event: OutboxEvent) -> None:
    from jobs.packs import embargo_changed

    embargo_changed(event.payload["pack_id"], event.payload["change"], event.payload.get("embargo_until"),
                    event_id=event.id)


def _network_handler(name: str) -> Callable[[OutboxEvent], None]:
    def handle(event: OutboxEvent) -> None:
        from jobs import network_jobs

        getattr(network_jobs, name)(event)

    handle.__name__ = name
    return handle


def _pack_follow_up_due(event: OutboxEvent) -> None:
    from jobs.packs import follow_up_due

    follow_up_due(event.payload["root_id"], event_id=event.id)


def _question_answered(event: OutboxEvent) -> None:
    from jobs.attendance_jobs import question_answered

    question_answered(event)


def _fan_out(event: OutboxEvent) -> None:
    from jobs.fanout import run

    run(event)


def _nothing_to_do(event: OutboxEvent) -> None:
    """Recorded for the audit trail; the series' invitation already covers new occurrences."""


HANDLERS: dict[str, Callable[[OutboxEvent], None]] = {
    # Every mailing to many: the fan-out engine's run (coordinator.mail.fanout).
    "fanout.run": _fan_out,
    "user.created": _welcome,
    "user.password_reset_requested": _password_reset,
    "mail.suppressed": _mail_suppressed,
    "portal.link_requested": _portal_link,
    # The schedule's events, as invitation mail (invites, updates, cancellations).
    "series.created": _invitation_handler("series_created"),
    "series.updated": _invitation_handler("series_updated"),
    "series.split": _invitation_handler("series_split"),
    "briefing.created": _invitation_handler("briefing_created"),
    "briefing.updated": _invitation_handler("briefing_updated"),
    "briefing.cancelled": _invitation_handler("briefing_cancelled"),
    "invitations.due": _invitation_handler("invitations_due"),
    "briefings.materialised": _nothing_to_do,
    "question.answered": _question_answered,
    "pack.submitted": _pack_submitted,
    "pack.release_due": _pack_release_due,
    "pack.follow_up_due": _pack_follow_up_due,
    "pack.embargo_changed": _pack_embargo_changed,
    # The network of offices (multi-point briefings, packs across the network, shared contacts).
    "network.host_briefing_changed": _network_handler("host_briefing_changed"),
    "network.host_pack_released": _network_handler("host_pack_released"),
    "network.point_invited": _network_handler("point_invited"),
    "network.point_accepted": _network_handler("point_accepted"),
    "network.contact_suppressed": _network_handler("contact_suppressed"),
}


def handler_for(kind: str) -> Callable[[OutboxEvent], None]:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no handler for event kind {kind!r}") from None
