"""Browser tests: the real app served by a real process, driven by Debian's Chromium through Playwright.

Every test gets its own live server (``flask run`` in a subprocess) on a free port, sharing the test's
database, Redis and instance folder (``app_env`` from ``tests/conftest.py``, with ``PUBLIC_BASE_URL``
pointing at the live server so links in mail and feeds open in the browser). Test data is made in
process through the services (the ``app`` fixture), exactly as in the other tests.

A missing ``/usr/bin/chromium``, ``node`` or ``npm`` fails the tests: nothing here is skipped.
Screenshots of every page a test visits go to ``test-output/screenshots/<test>/``.
"""
from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import DEFAULT_PASSWORD
from tests.support.postgres import free_port
from tests.support.processes import ROOT, flask_command, stop_gracefully

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
JS_DIR = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ACCESS_LOG = re.compile(r'(GET|POST|HEAD) \S+ HTTP/1\.[01]\S*" \d{3}')


# --- the browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the committed package-lock.json (``npm ci`` when node_modules is missing)."""
    script = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            pytest.fail("node and npm are required for the accessibility checks (apt-get install nodejs npm)")
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0 or not script.exists():
            pytest.fail(f"npm ci failed in {JS_DIR}:\n{result.stdout}\n{result.stderr}")
    return script.read_text(encoding="utf-8")


# --- the live server -------------------------------------------------------------------------------

@pytest.fixture
def live_port() -> int:
    return free_port()


@pytest.fixture
def app_env(app_env: dict, live_port: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The shared test environment, with links in mail and feeds pointing at this test's live server."""
    base = f"http://127.0.0.1:{live_port}"
    monkeypatch.setenv("PUBLIC_BASE_URL", base)
    return {**app_env, "PUBLIC_BASE_URL": base}


class LiveServer:
    def __init__(self, url: str, env: dict[str, str], app) -> None:
        self.url = url
        self.env = env
        self.app = app

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    @property
    def outbox_dir(self) -> Path:
        return Path(self.app.config["OUTBOX_DIR"])

    def mail_files(self) -> list[Path]:
        if not self.outbox_dir.exists():
            return []
        return sorted(self.outbox_dir.rglob("*.eml"), key=lambda p: p.stat().st_mtime)

    def mail(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in self.mail_files()]

    def mail_to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.mail() if m["To"].addresses[0].addr_spec == address]


@pytest.fixture
def live_server(app, app_env: dict, live_port: int, tmp_path: Path) -> Iterator[LiveServer]:
    """``flask run`` on a free port with the test's environment; stopped (and its output shown) after."""
    env = {**os.environ, **app_env, "FLASK_DEBUG": "0"}
    log_path = tmp_path / "live-server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(flask_command("run", "--host", "127.0.0.1", "--port", str(live_port), "--no-reload",
                                              "--no-debugger"),
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{live_port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"the live server exited ({proc.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_gracefully(proc)
            raise AssertionError(f"the live server did not answer /healthz in 30 s:\n{log_path.read_text()}")
        time.sleep(0.1)
    yield LiveServer(url, app_env, app)
    stop_gracefully(proc)
    log_text = log_path.read_text(errors="replace")
    if "Traceback" in log_text:
        lines = [line for line in log_text.splitlines() if not ACCESS_LOG.search(line)]
        raise AssertionError("the live server logged errors:\n" + "\n".join(lines[-80:]))


# --- pages and screenshots -------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "page"


class Shots:
    """Numbered screenshots of one test, under test-output/screenshots/<test>/."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.count = 0

    def take(self, page: Page, name: str, full_page: bool = True) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:03d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(SCREENSHOTS / _slug(request.node.name))


@pytest.fixture
def new_context(browser: Browser) -> Iterator:
    contexts: list[BrowserContext] = []

    def factory(viewport: dict | None = None, **options) -> BrowserContext:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                      **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


class Visitor:
    """A page plus the test's screenshots: every visit is photographed."""

    def __init__(self, page: Page, server: LiveServer, shots: Shots) -> None:
        self.page = page
        self.server = server
        self.shots = shots

    def goto(self, path: str, name: str | None = None):
        response = self.page.goto(path if path.startswith("http") else self.server(path))
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"
        self.shot(name or path)
        return response

    def shot(self, name: str | None = None) -> Path:
        self.page.wait_for_load_state()
        return self.shots.take(self.page, name or self.page.url.replace(self.server.url, ""))

    def login(self, email_address: str, password: str = DEFAULT_PASSWORD) -> None:
        self.goto("/login", "dang-nhap")
        self.page.get_by_label("Email").fill(email_address)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(self.server("/"))
        self.shot("tong-quan")


@pytest.fixture
def visitor(page: Page, live_server: LiveServer, shots: Shots) -> Visitor:
    return Visitor(page, live_server, shots)
