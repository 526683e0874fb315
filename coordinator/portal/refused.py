"""What a journalist's link that no longer works opens: why (it ended, or staff revoked it) and the portal's
"send me a new link" form, answered with 410 Gone."""
from __future__ import annotations

from typing import NoReturn

from flask import abort, make_response, render_template

from coordinator.contacts.models import Journalist
from coordinator.extensions import db
from coordinator.invitations.tokens import speak_to
from coordinator.offices.models import Office


def refuse_link(problem: str, journalist: Journalist | None = None) -> NoReturn:
    """Stop the request with the page for a link that is ``"invalid"``, ``"expired"`` or ``"revoked"``."""
    office = None
    if journalist is not None:
        speak_to(journalist)
        office = db.session.get(Office, journalist.office_id)
    page = render_template("portal/link_refused.html", problem=problem, office=office)
    abort(make_response(page, 410))
