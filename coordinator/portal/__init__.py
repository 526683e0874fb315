"""The journalist's side: every page a journalist reaches by a signed link (no password).

- ``home``: the portal (my briefings, packs, questions, consultations, preferences, unsubscribe);
- ``invitation``: an invitation and its answer, self check-in, the question form, the check-in QR target;
- ``packs``: a released pack's page and downloads;
- ``data``: the journalist's personal data: see, download, correct, withdraw consent, ask for erasure.

This package sits on top of the domains it shows (invitations, attendance, packs, policies); no domain
imports it.
"""


def init_app(app) -> None:
    """Register the journalist's pages (called once, by ``create_app``)."""
    from coordinator.portal import data, home, invitation, packs

    app.register_blueprint(home.bp)
    app.register_blueprint(invitation.bp)
    app.register_blueprint(packs.bp)
    app.register_blueprint(data.bp)
