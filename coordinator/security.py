"""Security headers, the proxy setting, staff sessions checked on every request, and CSRF exemptions.

The session cookie holds ``s.<secret>`` of a ``UserSession`` row (``coordinator.users.sessions``), checked on
every request; "remember me" is a cookie of our own (``REMEMBER_COOKIE``), rotated on each use. Flask-Login's
own remember cookie is never set (a legacy one is deleted on sight).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, has_request_context, request
from flask_login import current_user, login_user
from werkzeug.middleware.proxy_fix import ProxyFix

from coordinator.core import clock
from coordinator.extensions import login_manager

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")
REMEMBER_COOKIE = "pbc_remember"
LEGACY_REMEMBER_COOKIE = "remember_token"  # Flask-Login's: static, 365 days; refused and deleted
_SESSION_KEY = "coordinator.user_session"
_REMEMBER_KEY = "coordinator.remember_cookie"


def client_ip() -> str:
    return request.remote_addr or ""


def user_agent() -> str:
    return request.headers.get("User-Agent", "")


def current_session():
    """The ``UserSession`` this request runs in (None when nobody is signed in)."""
    if not has_request_context():
        return None
    if not current_user.is_authenticated:  # (loads the user, and so the session, if not done yet)
        return None
    return request.environ.get(_SESSION_KEY)


def set_current_session(row) -> None:
    """The session this request now runs in (a login just started it)."""
    request.environ[_SESSION_KEY] = row


def set_remember_cookie(value: str | None) -> None:
    """Send this remember cookie with the response (an empty value deletes it)."""
    request.environ[_REMEMBER_KEY] = value or ""


def _attach(row, token: str | None):
    from coordinator.users import sessions

    sessions.touch(row, user_agent=user_agent(), ip=client_ip())
    request.environ[_SESSION_KEY] = row
    user = row.user
    user.session_token = token
    return user


@login_manager.user_loader
def _load_user(user_id: str):
    from coordinator.users import sessions

    if not user_id.startswith("s."):
        return None  # a session cookie from before sessions were stored: sign in again
    row = sessions.find(user_id[2:])
    return _attach(row, user_id[2:]) if row is not None else None


@login_manager.request_loader
def _load_user_from_remember_cookie(req):
    from coordinator.users import sessions

    cookie = req.cookies.get(REMEMBER_COOKIE)
    if not cookie:
        return None
    resumed = sessions.resume(cookie)
    if resumed is None:
        set_remember_cookie(None)
        return None
    row, token, value = resumed
    if token is None:  # the secret just replaced: this request was already under way; nothing to renew
        return _attach(row, None)
    user = _attach(row, token)
    login_user(user, remember=False, fresh=False)  # the session cookie now names the renewed session
    set_remember_cookie(value)
    return user


def _write_remember_cookie(response: Response) -> None:
    config = current_app.config
    if LEGACY_REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(LEGACY_REMEMBER_COOKIE, path="/")
    if _REMEMBER_KEY not in request.environ:
        return
    value = request.environ[_REMEMBER_KEY]
    secure = bool(config.get("REMEMBER_COOKIE_SECURE")) or request.is_secure
    if not value:
        response.delete_cookie(REMEMBER_COOKIE, path="/", secure=secure, httponly=True, samesite="Lax")
        return
    row = current_session()
    until = row.remember_until if row is not None and row.remember_until else None
    max_age = int((until - clock.now()).total_seconds()) if until else int(timedelta(days=30).total_seconds())
    response.set_cookie(REMEMBER_COOKIE, value, max_age=max(0, max_age), path="/", secure=secure,
                        httponly=True, samesite="Lax")


def init_app(app: Flask) -> None:
    hops = {name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0)
            for name in ("for", "proto", "host", "port", "prefix")}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{name}": n for name, n in hops.items()})

    @app.after_request
    def _security_headers(response: Response) -> Response:
        _write_remember_cookie(response)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
