"""The schedule and its calendar feeds."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.schedule import api, feeds, mail_about, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    app.register_blueprint(feeds.bp)
    mail_about.connect()
