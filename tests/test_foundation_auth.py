"""Login, logout, CSRF, rate limits, roles, set-password links, security headers."""
from __future__ import annotations

import re

import pytest

from coordinator.auth.tokens import password_token
from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from tests.conftest import DEFAULT_PASSWORD


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_login_page_in_english(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Log in" in html and "Password" in html
    assert "Mật khẩu" not in html


def test_language_switch_is_remembered(client):
    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.post("/language/vi", data={"next": "/login"})
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/language/en", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_login_and_logout(client, auth, admin):
    response = auth.login(admin.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Trần Quốc Việt" in home.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.login")) is not None
    auth.logout()
    assert client.get("/").status_code == 302


def test_login_in_english_shows_english_dashboard(client, auth, admin):
    client.post("/language/en", data={"next": "/login"})
    auth.login(admin.email)
    html = client.get("/").get_data(as_text=True)
    assert "Briefings in the next 7 days" in html and "Recent activity" not in html


def test_wrong_password_shows_error_next_to_field(client, auth, admin):
    response = auth.login(admin.email, "wrong-password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Email hoặc mật khẩu không đúng." in html
    assert 'class="field__error"' in html
    assert client.get("/").status_code == 302


def test_unknown_email_gives_the_same_answer(auth):
    response = auth.login("nobody@quangninh.gov.vn", DEFAULT_PASSWORD)
    assert response.status_code == 422
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(auth, admin):
    admin.active = False
    db.session.commit()
    assert auth.login(admin.email).status_code == 422


def test_next_parameter_stays_on_site(client, admin):
    response = client.post("/login?next=//evil.example/x", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/admin/staff", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/admin/staff"


def test_csrf_is_required_on_forms(make_app, admin):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 400
    assert client.get("/").status_code == 302  # not logged in
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD,
                                           "csrf_token": token})
    assert accepted.status_code == 302
    assert client.get("/").status_code == 200


def test_login_is_rate_limited(make_app, admin):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"email": admin.email, "password": "nope-nope-nope"}).status_code == 422
    blocked = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert "Quá nhiều yêu cầu" in blocked.get_data(as_text=True)


@pytest.mark.parametrize("role,allowed", [("admin", 200), ("coordinator", 403), ("spokesperson", 403),
                                          ("viewer", 403)])
def test_staff_page_needs_admin(client, auth, office, make_user, role, allowed):
    user = make_user(office, role)
    auth.login(user.email)
    assert client.get("/admin/staff").status_code == allowed


@pytest.mark.parametrize("role,allowed", [("admin", 200), ("coordinator", 200), ("viewer", 403)])
def test_mail_page_roles(client, auth, office, make_user, role, allowed):
    auth.login(make_user(office, role).email)
    assert client.get("/admin/mail").status_code == allowed


def test_pages_need_login(client):
    for path in ("/", "/admin/", "/admin/staff", "/admin/jobs", "/admin/mail", "/admin/audit", "/admin/tokens"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path


def test_admin_creates_user_from_the_staff_page(client, auth, admin, office):
    from coordinator.core.events import OutboxEvent
    from coordinator.users.models import User

    auth.login(admin.email)
    response = client.post("/admin/staff", data={"full_name": "Đỗ Thị Mai", "email": "mai@quangninh.gov.vn",
                                                 "role": "spokesperson"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "mai@quangninh.gov.vn"))
    assert user.role == "spokesperson" and user.password_hash is None
    event = db.session.scalar(db.select(OutboxEvent))
    assert (event.kind, event.payload) == ("user.created", {"user_id": user.id})


def test_staff_page_shows_field_errors_and_writes_nothing(client, auth, admin):
    from coordinator.users.models import User

    auth.login(admin.email)
    response = client.post("/admin/staff", data={"full_name": "X", "email": admin.email, "role": "viewer"})
    assert response.status_code == 422
    assert "đã được dùng" in response.get_data(as_text=True)
    response = client.post("/admin/staff", data={"full_name": "", "email": "bad", "role": "viewer"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập họ tên." in html and "Email không hợp lệ." in html
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_admin_cannot_touch_another_offices_user(client, auth, admin, other_office, make_user):
    stranger = make_user(other_office, "viewer")
    auth.login(admin.email)
    assert client.post(f"/admin/staff/{stranger.id}/role", data={"role": "admin"}).status_code == 404
    assert client.post(f"/admin/staff/{stranger.id}/active").status_code == 404
    db.session.refresh(stranger)
    assert stranger.role == "viewer" and stranger.active


def test_set_password_link_works_once(client, app, office, make_user):
    user = make_user(office, "viewer", password=None) if False else None  # noqa: F841 (explicit below)
    from coordinator.users.operations import create_user

    user = create_user(office, "new@quangninh.gov.vn", "viewer", send_welcome=False)
    db.session.commit()
    token = password_token(user)
    assert client.get(f"/set-password/{token}").status_code == 200
    mismatch = client.post(f"/set-password/{token}", data={"password": "a-new-password-1", "confirm": "other"})
    assert mismatch.status_code == 422 and "Hai mật khẩu không khớp." in mismatch.get_data(as_text=True)
    done = client.post(f"/set-password/{token}", data={"password": "a-new-password-1",
                                                       "confirm": "a-new-password-1"})
    assert done.status_code == 302
    client.post("/logout")
    assert client.get(f"/set-password/{token}").status_code == 410  # used: the hash changed
    assert client.post("/login", data={"email": user.email, "password": "a-new-password-1"}).status_code == 302


def test_tampered_password_link(client):
    assert client.get("/set-password/not-a-token").status_code == 410


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-ID"]
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_request_id_is_echoed(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-ID": "bad id; drop"}).headers["X-Request-ID"] != "bad id; drop"


@pytest.mark.parametrize("role,visible,hidden", [
    ("admin", ["/admin/staff", "/admin/jobs", "/admin/audit", "/admin/tokens"], []),
    ("viewer", ["/admin/tokens"], ["/admin/staff", "/admin/jobs", "/admin/mail"]),
])
def test_admin_hub_lists_what_the_role_may_open(client, auth, office, make_user, role, visible, hidden):
    auth.login(make_user(office, role).email)
    html = client.get("/admin/").get_data(as_text=True)
    assert all(f'href="{path}"' in html for path in visible)
    assert not any(f'href="{path}"' in html for path in hidden)


def test_session_cookie_is_secure_behind_https(monkeypatch, make_app, admin):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://baochi.example.gov.vn")
    client = make_app().test_client()
    response = client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
