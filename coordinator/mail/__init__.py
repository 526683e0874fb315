"""Provider webhooks."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.mail import webhooks

    app.register_blueprint(webhooks.bp)
