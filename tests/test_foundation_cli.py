"""CLI per CONTRACT.md, with bad input: a clear message, a non-zero exit, nothing written."""
from __future__ import annotations

import subprocess
import sys

from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.users.models import ApiToken, User
from tests.support.processes import ROOT


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_create_office_and_user(runner):
    result = runner.invoke(args=["create-office", "quang-ninh", "Văn phòng UBND tỉnh Quảng Ninh"])
    assert result.exit_code == 0, result.output
    office = db.session.scalar(db.select(Office).where(Office.slug == "quang-ninh"))
    assert office.name == "Văn phòng UBND tỉnh Quảng Ninh"
    assert office.timezone == "Asia/Ho_Chi_Minh"
    result = runner.invoke(args=["create-user", "Admin@QuangNinh.gov.vn", "--office", "quang-ninh",
                                 "--role", "admin", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.role, user.office_id) == ("admin@quangninh.gov.vn", "admin", office.id)
    assert user.password_hash.startswith("$argon2id$")


def test_duplicate_slug_is_refused(runner, office):
    result = runner.invoke(args=["create-office", office.slug, "Khác"])
    assert result.exit_code == 1
    assert "đã tồn tại" in result.output
    assert count(Office) == 1


def test_bad_timezone_is_refused(runner):
    result = runner.invoke(args=["create-office", "hcm", "TP HCM", "--timezone", "Mars/Olympus"])
    assert result.exit_code == 1
    assert "Múi giờ không hợp lệ" in result.output
    assert count(Office) == 0


def test_bad_slug_is_refused(runner):
    result = runner.invoke(args=["create-office", "Hồ Chí Minh", "TP HCM"])
    assert result.exit_code == 1
    assert count(Office) == 0


def test_unknown_role_is_refused(runner, office):
    result = runner.invoke(args=["create-user", "a@b.vn", "--office", office.slug, "--role", "boss"])
    assert result.exit_code != 0
    assert "boss" in result.output
    assert count(User) == 0


def test_duplicate_email_is_refused(runner, office, admin):
    result = runner.invoke(args=["create-user", admin.email.upper(), "--office", office.slug, "--role", "viewer"])
    assert result.exit_code == 1
    assert "đã được dùng" in result.output
    assert count(User) == 1


def test_unknown_office_and_bad_email(runner, office):
    assert runner.invoke(args=["create-user", "a@b.vn", "--office", "nowhere", "--role", "viewer"]).exit_code == 1
    assert runner.invoke(args=["create-user", "not-an-email", "--office", office.slug,
                               "--role", "viewer"]).exit_code == 1
    assert count(User) == 0


def test_short_password_is_refused(runner, office):
    result = runner.invoke(args=["create-user", "a@b.vn", "--office", office.slug, "--role", "viewer",
                                 "--password", "short"])
    assert result.exit_code == 1
    assert count(User) == 0


def test_create_api_token_prints_only_the_token(app_env, admin):
    # A real process: stdout must carry the token and nothing else (scripts capture it).
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "create-api-token", admin.email],
                            cwd=ROOT, env=app_env | {"PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                            check=True)
    token = result.stdout
    assert token.endswith("\n") and token.count("\n") == 1
    token = token.strip()
    assert token.startswith("pbc_") and len(token) >= 40
    db.session.expire_all()
    row = db.session.scalar(db.select(ApiToken))
    assert row.token_hash != token and token not in row.token_hash  # only a hash is stored


def test_create_api_token_unknown_user(runner):
    result = runner.invoke(args=["create-api-token", "ghost@nowhere.vn"])
    assert result.exit_code == 1
    assert count(ApiToken) == 0


def test_demo_data_is_idempotent(runner, client, auth):
    first = runner.invoke(args=["demo-data", "--password", "demo-password-1"])
    assert first.exit_code == 0, first.output
    # The summary's figures are the reports page's (issue 25): same period, same counts.
    import re

    found = re.search(r"Báo cáo (\S+)–(\S+): (\d+) buổi họp báo, (\d+) lượt mời, (\d+) lượt có mặt \(\d+%\), "
                      r"(\d+) tin bài, (\d+) câu hỏi", first.output)
    assert found, first.output
    auth.login("phatngon@quangninh.gov.vn", "demo-password-1")
    page = client.get("/reports/").get_data(as_text=True)
    shown = re.findall(r'<div class="stat__value">(\d+)</div><div class="stat__label">([^<(]+)', page)
    figures = {label.strip(): int(value) for value, label in shown}
    assert (figures["Buổi họp báo"], figures["Lượt mời"], figures["Lượt có mặt"], figures["Tin bài"],
            figures["Câu hỏi"]) == tuple(int(n) for n in found.groups()[2:]), figures
    assert f'value="{found.group(1)}"' in page and f'value="{found.group(2)}"' in page
    second = runner.invoke(args=["demo-data", "--password", "demo-password-1"])
    assert second.exit_code == 0
    assert count(Office) >= 1
    roles = set(db.session.scalars(db.select(User.role)))
    assert roles == {"admin", "coordinator", "spokesperson", "viewer"}
