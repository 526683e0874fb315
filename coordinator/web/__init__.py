"""The dashboard and error pages."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.web import views, wording

    app.register_blueprint(views.bp)
    wording.init_app(app)
