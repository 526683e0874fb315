"""Signed links for journalists (no password): invitation links, the portal, one-click unsubscribe.

Invitation and unsubscribe links never expire but carry a version that staff can bump to revoke
them; portal links expire (they open everything a journalist has).
"""
from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from coordinator.contacts.models import Journalist
from coordinator.extensions import db
from coordinator.invitations.models import Invitation

PORTAL_MAX_AGE = 30 * 24 * 3600
# No 0/O, 1/I/L: easy to read aloud and type at the door.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_LENGTH = 6


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_LENGTH))


def invitation_token(invitation: Invitation) -> str:
    return _serializer("invitation").dumps([invitation.id, invitation.token_version])


def invitation_from_token(token: str) -> Invitation | None:
    try:
        invitation_id, version = _serializer("invitation").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.token_version != version:
        return None
    return invitation


def portal_token(journalist: Journalist) -> str:
    return _timed("portal").dumps([journalist.id, journalist.office_id])


def journalist_from_portal_token(token: str) -> tuple[Journalist | None, str]:
    """(journalist, "") or (None, "expired" | "invalid")."""
    try:
        journalist_id, office_id = _timed("portal").loads(token, max_age=PORTAL_MAX_AGE)
    except SignatureExpired:
        return None, "expired"
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    journalist = db.session.get(Journalist, journalist_id)
    if journalist is None or journalist.office_id != office_id or journalist.status == "archived":
        return None, "invalid"
    return journalist, ""


def unsubscribe_token(journalist: Journalist) -> str:
    return _serializer("unsubscribe").dumps([journalist.id, journalist.office_id])


def journalist_from_unsubscribe_token(token: str) -> Journalist | None:
    try:
        journalist_id, office_id = _serializer("unsubscribe").loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    journalist = db.session.get(Journalist, journalist_id)
    return journalist if journalist is not None and journalist.office_id == office_id else None




def speak_to(journalist: Journalist) -> None:
    """Pages opened by a journalist's link speak the journalist's language (unless they switch)."""
    from flask import g
    from flask_babel import refresh

    g.locale = journalist.language or "vi"
    refresh()
