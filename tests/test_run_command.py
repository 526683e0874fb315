"""The README's run command: everything starts from nothing, and everything stops with it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.clock import subprocess_pythonpath
from tests.support.postgres import free_port
from tests.support.processes import ROOT, alive, descendants, wait_for

pytestmark = pytest.mark.db_independent


def start_launcher(tmp_path: Path) -> tuple[subprocess.Popen, str, dict]:
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MAIL_BACKEND", "PUBLIC_BASE_URL")}
    env |= {"COORDINATOR_INSTANCE_PATH": str(tmp_path / "instance"), "PORT": str(port),
            "PYTHONPATH": subprocess_pythonpath()}
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}", env


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def healthy(base: str):
    try:
        status, body = get_json(base + "/healthz")
    except OSError:
        return False
    # `make run` is local work: its webhooks take unsigned posts, and the health endpoint says so.
    return (status, body.get("database"), body.get("redis")) == (200, "ok", "ok") and \
        body.get("webhooks", "").startswith("insecure")


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGKILL])
def test_run_command_serves_and_stops_every_child(tmp_path, stop_signal):
    proc, base, env = start_launcher(tmp_path)
    try:
        wait_for(lambda: healthy(base), timeout=120, interval=0.5,
                 message="the app to answer /healthz: " + (tmp_path / "run.log").read_text(errors="replace")[-2000:])
        output = (tmp_path / "run.log").read_text()
        assert base in output and "admin@quangninh.gov.vn" in output
        children = descendants(proc.pid)
        assert len(children) >= 3  # redis, worker (+ its scheduler processes), web server
        # Log in with the printed credentials (the demo data was loaded on first run).
        password = (tmp_path / "instance" / "demo-login.txt").read_text().split()[1]
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(base + "/login").read().decode()
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        data = urllib.parse.urlencode({"email": "admin@quangninh.gov.vn", "password": password,
                                       "csrf_token": token}).encode()
        home = opener.open(base + "/login", data=data)
        # An admin is asked to set up two-step verification before anything else.
        assert home.url == base + "/account/two-factor" and "Bật xác thực hai bước" in home.read().decode()
    finally:
        proc.send_signal(stop_signal)
        proc.wait(timeout=60)
    wait_for(lambda: not alive(children), timeout=30, message=f"children {alive(children)} to exit")
