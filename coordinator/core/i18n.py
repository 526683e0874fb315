"""Languages, time zones and the Vietnamese way of writing dates (``Thứ Ba, 24/11/2026, 15:00``)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, refresh
from flask_login import current_user

from coordinator.core import dates
from coordinator.extensions import babel

DATETIME_PATTERN = "EEEE, dd/MM/yyyy, HH:mm"
DATE_PATTERN = "EEEE, dd/MM/yyyy"
SHORT_DATETIME_PATTERN = "dd/MM/yyyy HH:mm"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        chosen = request.args.get("lang") or session.get("lang")
        if chosen in languages:
            return chosen
        forced = g.get("locale")
        if forced in languages:
            return forced
        if getattr(current_user, "is_authenticated", False):
            if current_user.locale in languages:
                return current_user.locale
            return current_user.office.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if has_request_context():
        if g.get("timezone"):
            return g.timezone
        if getattr(current_user, "is_authenticated", False):
            return current_user.office.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def format_local(value: datetime | None, tz: str | None = None, locale: str | None = None,
                 pattern: str = DATETIME_PATTERN) -> str:
    """An aware datetime written in ``tz`` (the office's) the Vietnamese way."""
    if value is None:
        return ""
    zone = ZoneInfo(tz or select_timezone())
    return format_datetime(value, pattern, tzinfo=zone, locale=locale or str(get_locale() or "vi"))


def format_day(value: date | datetime | None, tz: str | None = None, locale: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz or select_timezone())).date()
    return format_date(value, DATE_PATTERN, locale=locale or str(get_locale() or "vi"))


def day_of(value: str | None) -> str:
    """An ISO date or time (as the data exports hold them) as a reader's day, in the office's zone."""
    if not value:
        return ""
    parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    return format_day(parsed)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(app.root_path + "/translations"))
    app.jinja_env.filters["local_dt"] = format_local
    app.jinja_env.filters["local_day"] = format_day
    app.jinja_env.filters["day_of"] = day_of
    app.jinja_env.filters["typed_day"] = dates.format_day  # a day as a text field shows it: 08/12/2026
    app.jinja_env.filters["short_dt"] = lambda v, tz=None: format_local(v, tz, pattern=SHORT_DATETIME_PATTERN)

    @app.before_request
    def _fresh_locale() -> None:
        # Flask-Babel caches the locale on the app context; one request must never see another's
        # (an app context can outlive a request, e.g. in tests and CLI-driven requests).
        g.pop("locale", None)
        g.pop("timezone", None)
        g.pop("_login_user", None)
        refresh()

    @app.context_processor
    def _i18n_context() -> dict:
        from coordinator.core import clock

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"], "now_local": clock.now}
