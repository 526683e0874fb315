"""``make run``: migrate, load demo data on first run, then start Redis, a worker and the web server.

Every child dies with this launcher (Ctrl-C, SIGTERM, or even SIGKILL: the
children carry PR_SET_PDEATHSIG), so nothing is left running.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coordinator.config import default_instance_path, embedded_redis_url  # noqa: E402
from coordinator.core import processes  # noqa: E402

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "5000"))


def flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def main() -> int:
    instance = default_instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PUBLIC_BASE_URL", f"http://{HOST}:{PORT}")
    # Local work: the provider webhooks take unsigned posts (in production they refuse without their keys).
    env.setdefault("DEV_INSECURE_WEBHOOKS", "1")
    children: list[subprocess.Popen] = []
    redis_proc = None
    if not env.get("REDIS_URL"):
        socket_path = instance / "redis.sock"
        env["REDIS_URL"] = embedded_redis_url(instance)
        redis_proc = processes.start_redis(unix_socket=socket_path, workdir=instance)
        children.append(redis_proc)
        print(f"• Redis       {env['REDIS_URL']}")

    flask("db", "upgrade", env=env)
    credentials = instance / "demo-login.txt"
    if not credentials.exists():
        password = secrets.token_urlsafe(9)
        flask("demo-data", "--password", password, env=env)
        credentials.write_text(f"admin@quangninh.gov.vn\n{password}\n")
        credentials.chmod(0o600)
    email, password = credentials.read_text().split()[:2]

    # Two workers: one serves only the urgent lane (crisis and ad hoc invitations, changes within 48 h),
    # so a long bulk fan-out or a periodic job never makes a crisis wait; the other serves every queue.
    children.append(processes.spawn([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--queue", "urgent",
                                     "--no-periodic", "--name", f"run-urgent-{os.getpid()}"], env=env, cwd=ROOT))
    children.append(processes.spawn([sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                                     "--name", f"run-{os.getpid()}"], env=env, cwd=ROOT))
    children.append(processes.spawn([sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", HOST,
                                     "--port", str(PORT), "--no-reload", "--no-debugger"], env=env, cwd=ROOT))
    print(f"""
  Press-briefing coordinator is running
  • Web         {env['PUBLIC_BASE_URL']}/
  • Workers     one for the urgent lane (crises), one for everything else
  • Log in as   {email}
  • Password    {password}
  • Mail        written to {instance / 'outbox'} and readable at {env['PUBLIC_BASE_URL']}/admin/mail
  Ctrl-C stops everything.
""", flush=True)

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    print(f"A child process exited ({child.args[:4]}); stopping.", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in reversed(children):
            processes.stop(child)
    return 0


if __name__ == "__main__":
    sys.exit(main())
