"""Signed links for journalists (no password): invitation links, the portal, one-click unsubscribe.

Every link carries the journalist's ``links_version``: staff bump it to revoke all of one journalist's
links at once (an invitation's own ``token_version`` revokes that invitation's links). Links end a set time
after what they are about (``JOURNALIST_LINK_DAYS``, 30 days by default): an invitation link after its
briefing (a series': its last briefing) ends, an unsubscribe link at the date it carries, a pack link after
the pack's release (``coordinator.packs.tokens``); portal links 30 days after they are mailed. A refused
link says why: ``"invalid"``, ``"expired"`` or ``"revoked"``; the page it opens offers a fresh portal link.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation

PORTAL_MAX_AGE = 30 * 24 * 3600
# No 0/O, 1/I/L: easy to read aloud and type at the door.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_LENGTH = 6
LINK_PROBLEMS = ("invalid", "expired", "revoked")


def link_days() -> timedelta:
    """How long a journalist's link lives after the briefing or the pack's release."""
    return timedelta(days=current_app.config.get("JOURNALIST_LINK_DAYS", 30))


def _version(journalist: Journalist) -> int:
    return journalist.links_version or 1


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))


def invitation_token(invitation: Invitation) -> str:
    return _serializer("invitation").dumps([invitation.id, invitation.token_version,
                                            _version(invitation.journalist)])


def invitation_expires_at(invitation: Invitation) -> datetime | None:
    """When the invitation's links end: ``link_days()`` after its briefing, or its series' last briefing,
    ends (None: no briefing yet)."""
    from coordinator.schedule.models import Briefing

    if invitation.briefing_id is not None:
        end = db.session.scalar(select(Briefing.end).where(Briefing.id == invitation.briefing_id))
    else:
        end = db.session.scalar(select(func.max(Briefing.end)).where(Briefing.series_id == invitation.series_id))
    return end + link_days() if end is not None else None


def invitation_link(token: str) -> tuple[Invitation | None, str]:
    """(invitation, "") for a live link, else (the invitation if known, "invalid" | "expired" | "revoked")."""
    try:
        invitation_id, version, *rest = _serializer("invitation").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None:
        return None, "invalid"
    links_version = rest[0] if rest else 1  # links mailed before links carried the journalist's version
    if invitation.token_version != version or links_version != _version(invitation.journalist):
        return invitation, "revoked"
    ends = invitation_expires_at(invitation)
    if ends is not None and clock.now() > ends:
        return invitation, "expired"
    return invitation, ""


def invitation_from_token(token: str) -> Invitation | None:
    invitation, problem = invitation_link(token)
    return None if problem else invitation


def portal_token(journalist: Journalist) -> str:
    return _timed("portal").dumps([journalist.id, journalist.office_id, _version(journalist)])


def journalist_from_portal_token(token: str) -> tuple[Journalist | None, str]:
    """(journalist, "") or (None, "expired" | "invalid" | "revoked")."""
    try:
        journalist_id, office_id, *rest = _timed("portal").loads(token, max_age=PORTAL_MAX_AGE)
    except SignatureExpired:
        return None, "expired"
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    journalist = db.session.get(Journalist, journalist_id) if isinstance(journalist_id, int) else None
    if journalist is None or journalist.office_id != office_id or journalist.status == "archived":
        return None, "invalid"
    if (rest[0] if rest else 1) != _version(journalist):
        return None, "revoked"
    return journalist, ""


def unsubscribe_token(journalist: Journalist, until: datetime | None = None) -> str:
    """An unsubscribe link that ends at ``until`` (default: ``link_days()`` from now)."""
    until = until or clock.now() + link_days()
    return _serializer("unsubscribe").dumps([journalist.id, journalist.office_id, _version(journalist),
                                             int(until.timestamp())])


def unsubscribe_link(token: str) -> tuple[Journalist | None, str]:
    """(journalist, "") for a live link, else (the journalist if known, "invalid" | "expired" | "revoked").
    Links mailed before links had a life carry no end (and count as version 1)."""
    try:
        journalist_id, office_id, *rest = _serializer("unsubscribe").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    journalist = db.session.get(Journalist, journalist_id) if isinstance(journalist_id, int) else None
    if journalist is None or journalist.office_id != office_id:
        return None, "invalid"
    version = rest[0] if rest else 1
    until = rest[1] if len(rest) > 1 else None
    if version != _version(journalist):
        return journalist, "revoked"
    if isinstance(until, int) and clock.now().timestamp() > until:
        return journalist, "expired"
    return journalist, ""


def journalist_from_unsubscribe_token(token: str) -> Journalist | None:
    journalist, problem = unsubscribe_link(token)
    return None if problem else journalist


def speak_to(journalist: Journalist) -> None:
    """Pages opened by a journalist's link speak the journalist's language (unless they switch)."""
    from flask import g
    from flask_babel import refresh

    g.locale = journalist.language or "vi"
    refresh()
