"""Two-factor sign-in (issue 21.6): setting up TOTP with a QR code, recovery codes, the login's second step,
codes used once, the lockout on codes, admins (and offices that ask it) kept on the set-up page until it is
on, the password asked again to turn it off, sessions ended and the audit log."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.users.models import RecoveryCode, User, UserSession
from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def app(make_app, app_env):
    """The app as in production: admins must use two-factor."""
    application = make_app(TWOFACTOR_ADMIN_REQUIRED=True)
    with application.app_context():
        yield application
    from tests.conftest import _reset_state

    _reset_state(application, app_env)


def _password_step(client, email, *, remember=False, next_url=None):
    data = {"email": email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/login" + (f"?next={next_url}" if next_url else ""), data=data)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _secret_from_setup(client) -> str:
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return re.search(r"data-secret>([A-Z2-7 ]+)<", html).group(1).replace(" ", "")


def _code(secret, *, at=None, offset_steps=0):
    from coordinator.core import clock

    moment = (at or clock.now()) + timedelta(seconds=30 * offset_steps)
    return pyotp.TOTP(secret).at(moment)


def _enrol(client, user):
    """Set up two-factor for ``user`` (signed in on ``client``); returns the secret and the recovery codes."""
    secret = _secret_from_setup(client)
    response = client.post("/account/two-factor/enable", data={"code": _code(secret)})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _next_step(clock, secret):
    """Move "now" to the start of the next 30-second step (a fresh code that was never used)."""
    now = clock.now()
    clock.pin(now + timedelta(seconds=30 - now.timestamp() % 30 + 1))
    return pyotp.TOTP(secret).at(clock.now())


@pytest.fixture
def coordinator_user(office, make_user):
    return make_user(office, "coordinator", email="dieu.phoi@quangninh.gov.vn", full_name="Lê Thu Hà")


def test_setup_shows_a_qr_of_an_otpauth_uri_and_needs_a_code_before_it_is_on(client, coordinator_user):
    assert _password_step(client, coordinator_user.email).status_code == 302
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html
    secret = _secret_from_setup(client)
    uri = pyotp.TOTP(secret).provisioning_uri(name=coordinator_user.email,
                                              issuer_name="Điều phối họp báo · Văn phòng UBND tỉnh Quảng Ninh")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parse_qs(parts.query)["issuer"] == [
        "Điều phối họp báo · Văn phòng UBND tỉnh Quảng Ninh"]
    assert unquote(parts.path).endswith(coordinator_user.email)
    # The same secret on a reload (the app was maybe scanned already), and it is not on yet.
    assert _secret_from_setup(client) == secret
    db.session.expire_all()
    assert not db.session.get(User, coordinator_user.id).two_factor_enabled

    not_it = "000000" if _code(secret) != "000000" else "111111"
    wrong = client.post("/account/two-factor/enable", data={"code": not_it})
    assert wrong.status_code == 422
    assert "Mã không đúng" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, coordinator_user.id).two_factor_enabled

    _, codes = _enrol(client, coordinator_user)
    db.session.expire_all()
    user = db.session.get(User, coordinator_user.id)
    assert user.two_factor_enabled and user.totp_secret == secret and user.totp_pending_secret is None
    stored = db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not set(stored) & {c.replace("-", "") for c in codes} and not set(stored) & set(codes)  # hashed
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.two_factor_enabled")) is not None


def test_login_asks_for_the_code_and_creates_no_session_before_it(app, client, coordinator_user, clock):
    _password_step(client, coordinator_user.email)
    secret, _ = _enrol(client, coordinator_user)
    client.post("/logout")

    response = _password_step(client, coordinator_user.email, remember=True, next_url="/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert not _signed_in(client)
    assert client.get("/account/sessions").status_code == 302  # still nobody
    live = db.session.scalar(db.select(db.func.count(UserSession.id)).where(UserSession.revoked_at.is_(None)))
    assert live == 0
    assert client.get("/login/code").status_code == 200

    bad = client.post("/login/code", data={"code": "12345"})
    assert bad.status_code == 422 and "Mã không đúng" in bad.get_data(as_text=True)
    code = _next_step(clock, secret)
    ok = client.post("/login/code", data={"code": code})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/")
    assert _signed_in(client)
    assert client.get_cookie("pbc_remember") is not None  # "keep me logged in" carried through the step
    login = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.login")
                              .order_by(AuditLog.id.desc()))
    assert login.data == {"method": "totp"} and login.actor_label == coordinator_user.email


def test_the_same_code_is_refused_a_second_time_within_its_window(app, client, coordinator_user, clock):
    _password_step(client, coordinator_user.email)
    secret, _ = _enrol(client, coordinator_user)
    client.post("/logout")
    code = _next_step(clock, secret)
    _password_step(client, coordinator_user.email)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")

    other = app.test_client()
    _password_step(other, coordinator_user.email)
    replay = other.post("/login/code", data={"code": code})
    assert replay.status_code == 422
    assert not _signed_in(other)
    # The code of the step before is refused too, once a later one was used; the next step's passes.
    assert other.post("/login/code", data={"code": _code(secret, offset_steps=-1)}).status_code == 422
    assert other.post("/login/code", data={"code": _code(secret, offset_steps=1)}).status_code == 302


def test_a_recovery_code_works_once(app, client, coordinator_user):
    _password_step(client, coordinator_user.email)
    _, codes = _enrol(client, coordinator_user)
    client.post("/logout")
    _password_step(client, coordinator_user.email)
    response = client.post("/login/code", data={"code": codes[3].upper()}, follow_redirects=True)
    assert response.status_code == 200 and "Còn 9 mã" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.recovery_code_used")) is not None
    client.post("/logout")
    _password_step(client, coordinator_user.email)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 422
    assert not _signed_in(client)


def test_wrong_codes_lock_the_address_like_wrong_passwords(app, client, coordinator_user, clock):
    _password_step(client, coordinator_user.email)
    secret, _ = _enrol(client, coordinator_user)
    client.post("/logout")
    _password_step(client, coordinator_user.email)
    right = _code(secret)
    wrong = "000000" if right != "000000" else "111111"
    statuses = [client.post("/login/code", data={"code": wrong}).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    locked = client.post("/login/code", data={"code": _next_step(clock, secret)})
    assert locked.status_code == 429 and "Tài khoản tạm khoá" in locked.get_data(as_text=True)
    assert not _signed_in(client)
    # The password step is locked too: the count is the address's.
    assert _password_step(app.test_client(), coordinator_user.email).status_code == 429


def test_the_code_step_is_rate_limited(make_app, coordinator_user):
    limited = make_app(TWOFACTOR_ADMIN_REQUIRED=True, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute",
                       LOGIN_LOCK_AFTER=100)
    client = limited.test_client()
    with limited.app_context():
        user = db.session.get(User, coordinator_user.id)
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    assert _password_step(client, coordinator_user.email).status_code == 302
    statuses = [client.post("/login/code", data={"code": "12345x"}).status_code for _ in range(4)]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


def test_the_password_step_expires(app, client, coordinator_user, clock):
    _password_step(client, coordinator_user.email)
    secret, _ = _enrol(client, coordinator_user)
    client.post("/logout")
    _password_step(client, coordinator_user.email)
    clock.pin(clock.now() + timedelta(minutes=6))
    response = client.post("/login/code", data={"code": _code(secret)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _signed_in(client)


def test_an_admin_without_two_factor_can_do_nothing_but_set_it_up(app, client, admin, office):
    response = _password_step(client, admin.email)
    assert response.status_code == 302
    for path in ("/", "/admin/staff", "/account/sessions", "/admin/audit"):
        gated = client.get(path)
        assert gated.status_code == 302 and gated.headers["Location"].endswith("/account/two-factor"), path
    blocked = client.post("/admin/staff", data={"full_name": "X", "email": "x@quangninh.gov.vn", "role": "viewer"})
    assert blocked.status_code == 303
    assert db.session.scalar(db.select(User).where(User.email == "x@quangninh.gov.vn")) is None
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "bắt buộc" in page.get_data(as_text=True)
    _enrol(client, admin)
    assert client.get("/admin/staff").status_code == 200
    # An admin cannot turn it off.
    refused = client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD})
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, admin.id).two_factor_enabled


def test_an_office_can_require_it_of_all_staff(app, client, admin, coordinator_user, other_office, make_user):
    elsewhere = make_user(other_office, "coordinator", email="khac@ha-noi.gov.vn")
    other = app.test_client()
    _password_step(other, coordinator_user.email)
    assert other.get("/").status_code == 200  # optional for now

    _password_step(client, admin.email)
    _enrol(client, admin)
    assert client.post("/admin/staff/two-factor", data={"require_two_factor": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, coordinator_user.id).office.require_two_factor
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "office.two_factor_required")) is not None
    gated = other.get("/")
    assert gated.status_code == 302 and gated.headers["Location"].endswith("/account/two-factor")
    # Another office's staff are not concerned.
    third = app.test_client()
    _password_step(third, elsewhere.email)
    assert third.get("/").status_code == 200
    # A coordinator cannot change the setting.
    assert other.post("/admin/staff/two-factor", data={}).status_code in (303, 403)
    db.session.expire_all()
    assert db.session.get(User, coordinator_user.id).office.require_two_factor


def test_enabling_and_disabling_end_other_sessions_and_need_the_password(app, client, coordinator_user):
    elsewhere = app.test_client()
    _password_step(elsewhere, coordinator_user.email)
    _password_step(client, coordinator_user.email)
    _enrol(client, coordinator_user)
    assert not _signed_in(elsewhere)  # enabling ended the other session
    assert _signed_in(client)

    _password_step(elsewhere, coordinator_user.email)
    secret = db.session.get(User, coordinator_user.id).totp_secret
    assert elsewhere.post("/login/code", data={"code": _code(secret, offset_steps=1)}).status_code == 302

    wrong = client.post("/account/two-factor/disable", data={"password": "not-my-password-at-all"})
    assert wrong.status_code == 422 and "Mật khẩu không đúng" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, coordinator_user.id).two_factor_enabled
    assert _signed_in(elsewhere)

    done = client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, coordinator_user.id)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    assert not _signed_in(elsewhere) and _signed_in(client)
    actions = db.session.scalars(db.select(AuditLog.action).where(AuditLog.target_id == user.id)).all()
    assert "user.two_factor_disabled" in actions
    reasons = db.session.scalars(db.select(UserSession.revoked_reason)).all()
    assert reasons.count("two_factor_changed") == 2
    # A login now needs only the password.
    client.post("/logout")
    assert _password_step(client, coordinator_user.email).headers["Location"].endswith("/")


def test_new_recovery_codes_need_the_password_and_replace_the_old(app, client, coordinator_user):
    _password_step(client, coordinator_user.email)
    _, old_codes = _enrol(client, coordinator_user)
    refused = client.post("/account/two-factor/recovery-codes", data={"password": "wrong-password-here"})
    assert refused.status_code == 422
    response = client.post("/account/two-factor/recovery-codes", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    new_codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "user.recovery_codes_regenerated"))
    client.post("/logout")
    _password_step(client, coordinator_user.email)
    assert client.post("/login/code", data={"code": old_codes[0]}).status_code == 422
    assert client.post("/login/code", data={"code": new_codes[0]}).status_code == 302


def test_a_set_password_link_does_not_skip_the_second_factor(app, client, coordinator_user):
    from coordinator.auth.tokens import password_token

    _password_step(client, coordinator_user.email)
    _enrol(client, coordinator_user)
    client.post("/logout")
    db.session.expire_all()
    user = db.session.get(User, coordinator_user.id)
    other = app.test_client()
    response = other.post(f"/set-password/{password_token(user)}",
                          data={"password": "a-brand-new-passphrase", "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _signed_in(other)
