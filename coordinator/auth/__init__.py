"""Staff login."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.auth import account, views  # noqa: F401 (account adds its pages to views.bp)

    app.register_blueprint(views.bp)
