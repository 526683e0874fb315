"""Sessions that end (issue 26.1): stored sessions checked on every request, a rotating remember cookie,
the page of one's sessions."""
from __future__ import annotations

from datetime import timedelta

from flask_login.utils import encode_cookie

from coordinator.extensions import db
from coordinator.security import LEGACY_REMEMBER_COOKIE, REMEMBER_COOKIE
from coordinator.users.models import UserSession
from tests.conftest import DEFAULT_PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def _login(client, email, *, remember=False, user_agent=None, password=DEFAULT_PASSWORD):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": user_agent} if user_agent else {})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _fresh_client(app, **cookies):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _signed_in(client, user_agent=None) -> bool:
    # (Flask-Login's "strong" protection also ties a session to its browser's address and User-Agent.)
    return client.get("/", headers={"User-Agent": user_agent} if user_agent else {}).status_code == 200


def _set_cookie_header(response, name):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_a_session_cookie_replayed_after_logout_is_refused(app, client, admin):
    _login(client, admin.email)
    captured = _cookie(client, "session")
    assert _signed_in(_fresh_client(app, session=captured))
    client.post("/logout")
    assert not _signed_in(client)
    assert not _signed_in(_fresh_client(app, session=captured))
    row = db.session.scalar(db.select(UserSession))
    assert row.revoked_reason == "logout"


def test_cookies_replayed_after_a_password_change_are_refused(app, client, admin):
    from coordinator.users.operations import set_password

    _login(client, admin.email, remember=True)
    session_cookie, remember_cookie = _cookie(client, "session"), _cookie(client, REMEMBER_COOKIE)
    assert remember_cookie
    set_password(admin, "a-brand-new-passphrase")
    db.session.commit()
    assert not _signed_in(client)
    assert not _signed_in(_fresh_client(app, session=session_cookie))
    assert not _signed_in(_fresh_client(app, **{REMEMBER_COOKIE: remember_cookie}))


def test_the_set_password_link_ends_other_sessions_and_starts_one(app, client, admin):
    from coordinator.auth.tokens import password_token

    _login(client, admin.email)
    other = app.test_client()
    response = other.post(f"/set-password/{password_token(admin)}",
                          data={"password": "a-brand-new-passphrase", "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert _signed_in(other)
    assert not _signed_in(client)


def test_a_role_change_and_a_deactivation_end_the_users_sessions(app, client, office, admin, make_user):
    colleague = make_user(office, "coordinator", full_name="Lê Minh Tâm")
    theirs = app.test_client()
    _login(theirs, colleague.email, remember=True)
    remember_cookie = _cookie(theirs, REMEMBER_COOKIE)
    _login(client, admin.email)
    assert client.post(f"/admin/staff/{colleague.id}/role", data={"role": "viewer"}).status_code == 302
    assert not _signed_in(theirs)
    assert not _signed_in(_fresh_client(app, **{REMEMBER_COOKIE: remember_cookie}))

    _login(theirs, colleague.email)
    assert _signed_in(theirs)
    assert client.post(f"/admin/staff/{colleague.id}/active").status_code == 302
    assert not _signed_in(theirs)
    assert _signed_in(client)  # the admin's own session is untouched


def test_the_remember_cookie_is_locked_down_and_ends_within_30_days(app, client, admin):
    response = _login(client, admin.email, remember=True)
    header = _set_cookie_header(response, REMEMBER_COOKIE)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    max_age = int(header.split("Max-Age=")[1].split(";")[0])
    assert 29 * 86400 < max_age <= 30 * 86400
    assert "Secure" not in header  # served over plain HTTP in this test
    assert not response.headers.get("Set-Cookie", "").startswith(LEGACY_REMEMBER_COOKIE)
    row = db.session.scalar(db.select(UserSession))
    assert row.remember_until - row.created_at == timedelta(days=30)


def test_the_remember_cookie_is_secure_over_https(make_app, admin):
    secure_app = make_app(REMEMBER_COOKIE_SECURE=True, SESSION_COOKIE_SECURE=True)
    client = secure_app.test_client()
    response = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD, "remember": "y"},
                           base_url="https://briefings.test")
    assert "Secure" in _set_cookie_header(response, REMEMBER_COOKIE)
    assert "Secure" in _set_cookie_header(response, "session")


def test_the_remember_cookie_is_rotated_on_use_and_a_copy_is_refused(app, client, admin, clock):
    _login(client, admin.email, remember=True)
    first = _cookie(client, REMEMBER_COOKIE)
    browser = _fresh_client(app, **{REMEMBER_COOKIE: first})  # the browser restarted: no session cookie
    response = browser.get("/")
    assert response.status_code == 200
    second = _cookie(browser, REMEMBER_COOKIE)
    assert second and second != first
    assert "HttpOnly" in _set_cookie_header(response, REMEMBER_COOKIE)
    assert _signed_in(browser)  # the renewed session cookie works on its own
    assert _signed_in(_fresh_client(app, **{REMEMBER_COOKIE: first}))  # a request already under way

    clock.pin(clock.now() + timedelta(minutes=5))
    thief = _fresh_client(app, **{REMEMBER_COOKIE: first})
    assert not _signed_in(thief)  # the replaced secret, later: a copy
    row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == admin.id))
    db.session.refresh(row)
    assert row.revoked_reason == "remember_reused"
    assert not _signed_in(browser)  # the session it belonged to ended everywhere


def test_flask_logins_old_static_remember_cookie_no_longer_works(app, admin):
    legacy = encode_cookie(str(admin.id))
    client = _fresh_client(app, **{LEGACY_REMEMBER_COOKIE: legacy})
    response = client.get("/")
    assert response.status_code == 302
    assert any(h.startswith(LEGACY_REMEMBER_COOKIE + "=;") for h in response.headers.getlist("Set-Cookie"))


def test_a_session_idle_for_longer_than_the_limit_ends(client, admin, clock):
    _login(client, admin.email, remember=True)
    assert _signed_in(client)
    clock.pin(clock.now() + timedelta(days=31))
    assert not _signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, admin, clock):
    _login(client, admin.email)
    row = db.session.scalar(db.select(UserSession))
    seen = row.last_seen_at
    client.get("/")
    db.session.refresh(row)
    assert row.last_seen_at == seen
    clock.pin(clock.now() + timedelta(minutes=2))
    client.get("/")
    db.session.refresh(row)
    assert row.last_seen_at > seen


def test_the_sessions_page_lists_and_ends_sessions(app, client, admin, office, make_user):
    _login(client, admin.email, user_agent=FIREFOX)
    phone = app.test_client()
    _login(phone, admin.email, user_agent=IPHONE, remember=True)
    home = client.get("/", headers={"User-Agent": FIREFOX}).get_data(as_text=True)
    assert 'href="/account/sessions"' in home

    page = client.get("/account/sessions", headers={"User-Agent": FIREFOX})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phiên đăng nhập của bạn" in html
    assert "Firefox · Windows" in html and "Safari · iPhone" in html
    assert html.count("Thiết bị này") == 1 and "Đăng xuất mọi nơi khác" in html
    assert "127.0.0.1" in html

    english = client.get("/account/sessions?lang=en", headers={"User-Agent": FIREFOX}).get_data(as_text=True)
    assert "Your sessions" in english and "This device" in english and "Log out everywhere else" in english

    phone_row = db.session.scalar(db.select(UserSession).where(UserSession.user_agent == IPHONE))
    response = client.post(f"/account/sessions/{phone_row.id}/revoke", follow_redirects=True,
                           headers={"User-Agent": FIREFOX})
    assert "Đã đăng xuất phiên trên thiết bị đó." in response.get_data(as_text=True)
    assert not _signed_in(phone, IPHONE)
    assert _signed_in(client, FIREFOX)

    # someone else's session is not found, and stays
    colleague = make_user(office, "viewer")
    theirs = app.test_client()
    _login(theirs, colleague.email)
    their_row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == colleague.id))
    assert client.post(f"/account/sessions/{their_row.id}/revoke",
                       headers={"User-Agent": FIREFOX}).status_code == 404
    assert _signed_in(theirs)


def test_sign_out_everywhere_else_keeps_this_device(app, client, admin):
    _login(client, admin.email)
    others = [app.test_client() for _ in range(2)]
    for other in others:
        _login(other, admin.email, remember=True)
    response = client.post("/account/sessions/revoke-others", follow_redirects=True)
    assert "Đã đăng xuất 2 phiên khác." in response.get_data(as_text=True)
    assert _signed_in(client)
    assert not any(_signed_in(other) for other in others)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Không có phiên nào khác đang đăng nhập." in page


def test_revoking_this_device_logs_out(client, admin):
    _login(client, admin.email)
    row = db.session.scalar(db.select(UserSession))
    response = client.post(f"/account/sessions/{row.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not _signed_in(client)


def test_the_sessions_page_needs_login(client):
    response = client.get("/account/sessions")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_old_sessions_and_failed_login_counts_are_tidied(client, admin, clock):
    from coordinator.users.models import LoginThrottle
    from jobs.users_jobs import tidy

    _login(client, admin.email)
    client.post("/logout")
    client.post("/login", data={"email": "nobody@quangninh.gov.vn", "password": "wrong-password-here"})
    assert tidy() == {"sessions": 0, "throttles": 0}
    clock.pin(clock.now() + timedelta(days=91))
    assert tidy() == {"sessions": 1, "throttles": 1}
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginThrottle)) == 0
