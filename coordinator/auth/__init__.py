"""Staff login."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.auth import views

    app.register_blueprint(views.bp)
