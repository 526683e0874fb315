"""The admin hub."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.admin import api, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
