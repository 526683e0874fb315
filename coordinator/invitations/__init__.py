"""Invitations."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.invitations import api, dashboard, feeds, inbound, mail_about, reactions, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    app.register_blueprint(inbound.bp)
    app.register_blueprint(feeds.bp)
    reactions.connect()
    mail_about.connect()
