"""Staff login."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.auth import account, reset, twofactor, views  # noqa: F401 (they add pages to views.bp)

    app.register_blueprint(views.bp)  # (its gate, twofactor.gate, is registered by create_app, after i18n)
