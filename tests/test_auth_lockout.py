"""Logins that hold under attack from many places (issue 26.4): per-account lockout with back-off in the
database, rate limits in Redis, the client address behind a proxy, a password rule against common passwords
and names."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests

from coordinator.extensions import db
from coordinator.users.models import LoginThrottle, UserSession
from tests.conftest import DEFAULT_PASSWORD
from tests.support.processes import ROOT

LOCKED_VI = "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau {} phút."
GENERIC_VI = "Email hoặc mật khẩu không đúng."


def _attempt(client, email, password="wrong-password-here", **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def _error_of(response) -> str:
    match = re.search(r'class="field__error"[^>]*>(.*?)</', response.get_data(as_text=True), re.S)
    return match.group(1).strip() if match else ""


def test_five_failures_lock_the_account_for_a_minute_whatever_the_password(client, admin, clock):
    for _ in range(4):
        response = _attempt(client, admin.email)
        assert response.status_code == 422 and _error_of(response) == GENERIC_VI
    fifth = _attempt(client, admin.email)
    assert fifth.status_code == 429 and _error_of(fifth) == LOCKED_VI.format(1)
    locked = _attempt(client, admin.email, DEFAULT_PASSWORD)  # the right password does not open a lock
    assert locked.status_code == 429 and _error_of(locked) == LOCKED_VI.format(1)
    assert client.get("/").status_code == 302

    clock.pin(clock.now() + timedelta(seconds=61))
    assert _attempt(client, admin.email, DEFAULT_PASSWORD).status_code == 302
    assert db.session.get(LoginThrottle, admin.email) is None  # a success forgets the failures


def test_each_failure_after_a_lock_doubles_it_up_to_an_hour(client, admin, clock):
    for _ in range(5):
        _attempt(client, admin.email)
    expected = [2, 4, 8, 16, 32, 60, 60]
    for minutes in expected:
        clock.pin(clock.now() + timedelta(minutes=61))
        response = _attempt(client, admin.email)
        assert response.status_code == 429 and _error_of(response) == LOCKED_VI.format(minutes)
    row = db.session.get(LoginThrottle, admin.email)
    db.session.refresh(row)
    assert row.failures == 5 + len(expected)


def test_an_unknown_address_answers_exactly_like_a_known_one(client, admin):
    known = [_error_of(_attempt(client, admin.email)) for _ in range(5)]
    unknown = [_error_of(_attempt(client, "nobody@quangninh.gov.vn")) for _ in range(5)]
    assert known == unknown == [GENERIC_VI] * 4 + [LOCKED_VI.format(1)]
    assert _attempt(client, "NOBODY@QuangNinh.gov.vn").status_code == 429  # the same address, written otherwise


def test_the_lock_message_in_english(client, admin):
    client.post("/language/en", data={"next": "/login"})
    for _ in range(5):
        response = _attempt(client, admin.email)
    assert response.status_code == 429
    assert _error_of(response) == "Account temporarily locked after too many failed logins. Try again in 1 minute."


def test_the_lock_holds_for_every_app_process(make_app, admin):
    """Two app instances (two gunicorn workers) share one count: the database, not a process, keeps it."""
    first, second = make_app().test_client(), make_app().test_client()
    for n in range(5):
        _attempt(first if n % 2 else second, admin.email)
    assert _attempt(first, admin.email, DEFAULT_PASSWORD).status_code == 429
    assert _attempt(second, admin.email, DEFAULT_PASSWORD).status_code == 429


def test_rate_limits_are_kept_in_the_apps_redis(make_app, app_env, admin):
    from coordinator.config import limiter_storage_uri

    first = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", LOGIN_LOCK_AFTER=100)
    assert first.config["RATELIMIT_STORAGE_URI"] == limiter_storage_uri(app_env["REDIS_URL"])
    assert limiter_storage_uri("unix:///srv/redis.sock") == "redis+unix:///srv/redis.sock"
    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", LOGIN_LOCK_AFTER=100)
    for client in (first.test_client(), second.test_client(), first.test_client()):
        assert _attempt(client, admin.email).status_code == 422
    assert _attempt(second.test_client(), admin.email, DEFAULT_PASSWORD).status_code == 429


def test_the_client_address_comes_from_the_proxy_only_when_told(make_app, admin):
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    plain = make_app().test_client()
    plain.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD}, headers=forwarded)
    behind_proxy = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1).test_client()
    behind_proxy.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD},
                      headers={**forwarded, "X-Forwarded-Proto": "https"})
    ips = [row.ip for row in db.session.scalars(db.select(UserSession).order_by(UserSession.id))]
    assert ips == ["127.0.0.1", "203.0.113.7"]


def test_proxy_settings_must_be_numbers(monkeypatch, tmp_path):
    from coordinator.config import load_config

    monkeypatch.setenv("PROXY_FIX_X_FOR", "yes")
    with pytest.raises(RuntimeError, match="PROXY_FIX_X_FOR"):
        load_config(tmp_path)


# --- the password rule --------------------------------------------------------------------------------

@pytest.mark.parametrize("password,refused", [
    ("password1234", "phổ biến"),
    ("Baseball2024!!", "phổ biến"),
    ("qwertyuiop", "phổ biến"),
    ("1q2w3e4r5t", "phổ biến"),
    ("Quangninh@2026", "tên"),        # the office's place
    ("quang-ninh-123", "tên"),
    ("tranquocviet99", "tên"),        # the user's name, without accents
    ("Quoc.Viet.1990", "tên"),
    ("admin@quangninh", "tên"),
    ("short", "ký tự"),
    ("mây-trắng-bay-qua-đèo", None),
    ("correct-horse-battery", None),
])
def test_the_password_rule(admin, password, refused):
    from coordinator.users.passwords import password_problem

    problem = password_problem(password, email=admin.email, full_name=admin.full_name,
                               office_name=admin.office.name, office_slug=admin.office.slug)
    if refused is None:
        assert problem is None
    else:
        assert problem and refused in problem


def test_the_list_is_shipped_with_its_source():
    from coordinator.users.passwords import COMMON_PASSWORDS_FILE, common_passwords

    assert len(common_passwords()) >= 10_000 and "password" in common_passwords()
    assert "MIT" in (COMMON_PASSWORDS_FILE.parent / "README.md").read_text()


def test_a_refused_password_on_the_set_password_page_changes_nothing(client, admin):
    from coordinator.auth.tokens import password_token

    before = admin.password_hash
    response = client.post(f"/set-password/{password_token(admin)}",
                           data={"password": "Quangninh2026", "confirm": "Quangninh2026"})
    assert response.status_code == 422
    assert "Mật khẩu không được chứa tên của bạn, tên email hay tên cơ quan." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.password_hash == before and client.get("/").status_code == 302


def test_the_cli_applies_the_same_rule(app, office, runner):
    result = runner.invoke(args=["create-user", "mai@quangninh.gov.vn", "--office", office.slug, "--role",
                                 "viewer", "--password", "iloveyou123"])
    assert result.exit_code != 0 and "phổ biến" in result.output


# --- two real gunicorn workers ------------------------------------------------------------------------

def _free_port() -> int:
    from tests.support.postgres import free_port

    return free_port()


@pytest.fixture
def gunicorn(app_env, tmp_path):
    port = _free_port()
    env = {**os.environ, **app_env, "LOGIN_LOCK_AFTER": "3", "LOGIN_LOCK_MINUTES": "30",
           "RATELIMIT_LOGIN": "6 per hour", "UOW_STRICT": "0"}
    log = (tmp_path / "gunicorn.log").open("w")
    # --max-requests 1: every worker quits after one request, so no two requests share a process's memory
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "--max-requests", "1",
                             "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/login", timeout=20)
            break
        except requests.RequestException:
            time.sleep(0.2)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


def test_the_lock_and_the_rate_limit_hold_across_gunicorn_workers(gunicorn, admin):
    def attempt(password):
        browser = requests.Session()
        page = browser.get(gunicorn + "/login", timeout=30)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        response = browser.post(gunicorn + "/login", data={"email": admin.email, "password": password,
                                                           "csrf_token": token},
                                allow_redirects=False, timeout=30)
        return response.status_code, response.text

    statuses = [attempt("wrong-password-here")[0] for _ in range(3)]
    assert statuses == [422, 422, 429]
    locked = re.compile(LOCKED_VI.format(r"(29|30)").replace(".", r"\."))
    status, body = attempt(DEFAULT_PASSWORD)
    assert status == 429 and locked.search(body)
    bodies = []
    for _ in range(3):
        status, body = attempt(DEFAULT_PASSWORD)
        assert status == 429
        bodies.append(body)
    assert locked.search(bodies[0]) and locked.search(bodies[1])
    assert "Quá nhiều yêu cầu" in bodies[2]  # the 7th login from one address: the rate limit, shared in Redis
