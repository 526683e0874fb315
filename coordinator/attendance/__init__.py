"""Attendance (check-in at the door, online self check-in, the roster), questions, coverage, and the
spokesperson's reports built on them."""


def init_app(app) -> None:
    """Register this domain's pages, API endpoints and reactions (called once, by ``create_app``)."""
    from coordinator.attendance import api, reactions, report_views, views  # noqa: F401 (api: routes on /api/v1)

    app.register_blueprint(views.bp)
    app.register_blueprint(report_views.bp)
    reactions.connect()
