"""Per-invitation reply addresses: ``rsvp+<token>@REPLY_DOMAIN``.

A calendar client answers an invite's ORGANIZER, so with REPLY_DOMAIN set each invitation's calendar
names one address of its own there (and the mail's Reply-To says the same); SendGrid Inbound Parse
receives it and posts it to ``coordinator.invitations.inbound``, which finds the invitation from the
address. The token is ``<invitation id>-<token version>-<MAC>``: lower case only, because mail systems
may change the case of an address's local part, and short enough for the 64-octet limit.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from flask import current_app

from coordinator.extensions import db
from coordinator.invitations.models import Invitation

LOCAL_PREFIX = "rsvp+"
_TOKEN = re.compile(r"(\d{1,12})-(\d{1,9})-([a-z2-7]{16})")


def _mac(invitation_id: int, version: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"reply-address:{invitation_id}:{version}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()  # 80 bits, 16 characters


def reply_token(invitation: Invitation) -> str:
    return f"{invitation.id}-{invitation.token_version}-{_mac(invitation.id, invitation.token_version)}"


def reply_domain() -> str | None:
    return current_app.config.get("REPLY_DOMAIN") or None


def reply_address(invitation: Invitation) -> str | None:
    """The invitation's own reply address, or None when REPLY_DOMAIN is not set."""
    domain = reply_domain()
    return f"{LOCAL_PREFIX}{reply_token(invitation)}@{domain}" if domain else None


def organizer_for(invitation: Invitation, sender: tuple[str, str]) -> tuple[str, str]:
    """(address, name) the invitation's calendar names as ORGANIZER: its reply address (or the office's
    sending address without REPLY_DOMAIN), always under the office's name."""
    return reply_address(invitation) or sender[0], sender[1]


def is_reply_address(address: str) -> bool:
    """An address on REPLY_DOMAIN in our form, whether or not its token is valid."""
    domain = reply_domain()
    local, _, host = address.strip().lower().rpartition("@")
    return bool(domain) and host == domain and local.startswith(LOCAL_PREFIX)


def invitation_for_address(address: str) -> Invitation | None:
    """The invitation a reply address stands for; None unless its MAC and version are right."""
    if not is_reply_address(address):
        return None
    local = address.strip().lower().rpartition("@")[0]
    match = _TOKEN.fullmatch(local[len(LOCAL_PREFIX):])
    if match is None:
        return None
    invitation_id, version, mac = int(match[1]), int(match[2]), match[3]
    if not hmac.compare_digest(mac, _mac(invitation_id, version)):
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.token_version != version:
        return None
    return invitation
