"""Invite fan-out benchmark.

1. N personalised invites (default 10,000) through a real worker process to a local
   SendGrid-protocol server that answers every request after LATENCY ms (default 80: what the live
   API costs over the internet), measured from the worker's start to the last accepted message;
   worker peak RSS (the worker and its work horse).
2. The limit: a minimal sender posting the same payloads (the bodies the server accepted, replayed)
   over 16 concurrent keep-alive connections to the same server.
3. Crisis latency: an ad hoc crisis briefing for 300 journalists, from the API POST to the last
   invite accepted by the server, with a worker already running.

    .venv/bin/python bench/fanout_bench.py [--recipients 10000] [--latency-ms 80] [--workers 1,2,4]

Prints a JSON summary; ratios are against the limit measured in the same run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.sendgrid_fake import FakeSendGrid  # noqa: E402


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    from coordinator.core.processes import start_redis
    from tests.support.postgres import free_port

    port = free_port()
    return start_redis(port=port, workdir=workdir / "redis"), f"redis://127.0.0.1:{port}/0"


def flask(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def seed(env: dict, recipients: int) -> None:
    """An office, one outlet and N journalists, inserted in bulk (this is setup, not measured)."""
    script = f"""
from coordinator import create_app
from coordinator.extensions import db
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.text import fold
from coordinator.offices.operations import create_office
from coordinator.users.operations import create_user
from coordinator.core import clock
app = create_app()
with app.app_context():
    office = create_office("bench", "Văn phòng UBND tỉnh Bench", sender_email="baochi@bench.gov.vn")
    create_user(office, "admin@bench.gov.vn", "admin", password="Do-hieu-nang-2026!x", send_welcome=False)
    outlet = Outlet(office_id=office.id, name="Báo Bench", name_folded="bao bench", kind="newspaper",
                    level="provincial", domains=[])
    db.session.add(outlet)
    db.session.flush()
    now = clock.now()
    rows = [dict(office_id=office.id, full_name=f"Nguyễn Thị Hạnh {{n}}",
                 full_name_folded=fold(f"Nguyễn Thị Hạnh {{n}}"), email=f"pv{{n}}@bench.vn", outlet_id=outlet.id,
                 language="vi", status="active", created_at=now, updated_at=now) for n in range({recipients})]
    db.session.execute(Journalist.__table__.insert(), rows)
    db.session.commit()
    print(outlet.id)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def create_crisis(env: dict, title: str, outlet_id: int | None = None, journalist_limit: int | None = None) -> None:
    script = f"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from coordinator import create_app
from coordinator.extensions import db
from coordinator.contacts.models import Journalist
from coordinator.offices.operations import get_office_by_slug
from coordinator.schedule.operations import create_briefing
app = create_app()
with app.app_context():
    office = get_office_by_slug("bench")
    ids = [j for j in db.session.scalars(db.select(Journalist.id).where(Journalist.office_id == office.id)
                                         .order_by(Journalist.id).limit({journalist_limit or 10**9}))]
    start = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(hours=1)).replace(tzinfo=None)
    audience = {{"outlet_ids": [{outlet_id}]}} if {outlet_id is not None} else {{"journalist_ids": ids}}
    create_briefing(office, {{"title": {title!r}, "dtstart": start.isoformat(timespec="minutes"),
                             "duration_minutes": 60, "venue": "Hội trường", "audience": audience}}, crisis=True)
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def open_invitations(env: dict) -> int:
    script = """
from coordinator import create_app
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
app = create_app()
with app.app_context():
    print(db.session.scalar(db.select(db.func.count(Invitation.id)).where(Invitation.cancelled_at.is_(None))))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            try:
                root = psutil.Process(self.pid)
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        self.peak = max(self.peak, proc.memory_info().rss)
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)


def measure_fan_out(env: dict, server: FakeSendGrid, recipients: int, workers: int, outlet_id: int) -> dict:
    """A crisis briefing for every journalist, then ``workers`` workers (idle RQ workers, as in production,
    started once the briefing exists) until the provider has accepted every invitation."""
    server.reset()
    create_crisis(env, f"Bench fan-out, {workers} worker(s)", outlet_id=outlet_id)
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--no-periodic", "--name",
                               f"bench-{workers}-{n}"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
             for n in range(workers)]
    samplers = [RssSampler(p.pid) for p in procs]
    for sampler in samplers:
        sampler.start()
    try:
        deadline = time.monotonic() + 3600
        while not server.wait_for_accepted(recipients, timeout=1):
            if all(proc.poll() is not None for proc in procs) or time.monotonic() > deadline:
                errors = "".join(proc.stderr.read().decode()[-3000:] for proc in procs)
                raise RuntimeError(f"only {len(server.accepted)} of {recipients} accepted:\n{errors}")
        elapsed = time.monotonic() - started
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(120)
        for sampler in samplers:
            sampler.running = False
    return {"recipients": recipients, "seconds": round(elapsed, 2), "per_second": round(recipients / elapsed, 1),
            "worker_peak_rss_mb": round(max(s.peak for s in samplers) / 2**20, 1),
            "duplicates": sum(n - 1 for n in server.messages_by_key().values() if n > 1),
            "rejected": len(server.rejected)}


def minimal_sender(server: FakeSendGrid, bodies: list[bytes], connections: int = 16) -> dict:
    """The limit: the same payloads, 16 keep-alive connections, nothing else."""
    server.reset()
    host, port = "127.0.0.1", server.port
    queue = list(enumerate(bodies))
    lock = threading.Lock()

    def run() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                _, body = queue.pop()
            conn.request("POST", "/v3/mail/send", body=body,
                         headers={"Authorization": "Bearer SG.test-key", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status != 202:
                raise RuntimeError(response.status)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"messages": len(bodies), "seconds": round(elapsed, 2), "per_second": round(len(bodies) / elapsed, 1)}


def _workers(env: dict, names: list[tuple[str, list[str]]]) -> list[subprocess.Popen]:
    """Workers as ``make run`` and the deployment guide lay them out (e.g. one serving only the urgent lane)."""
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--name", name, *extra],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, extra in names]


def _accepted_with(server: FakeSendGrid, words: str) -> int:
    return sum(1 for body in server.accepted if words in (body.get("subject") or ""))


def create_series(env: dict, title: str) -> None:
    """A weekly series (not urgent: it starts in 5 days) for every journalist: a bulk mailing."""
    script = f"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from coordinator import create_app
from coordinator.extensions import db
from coordinator.offices.operations import get_office_by_slug
from coordinator.schedule.operations import create_series
app = create_app()
with app.app_context():
    office = get_office_by_slug("bench")
    start = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=5)).replace(tzinfo=None, second=0,
                                                                                      microsecond=0)
    create_series(office, {{"title": {title!r}, "dtstart": start.isoformat(timespec="minutes"),
                           "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60, "rrule": "FREQ=WEEKLY",
                           "skip_public_holidays": False, "venue": "Hội trường", "invite_lead_days": 7,
                           "audience": {{"outlet_ids": [1]}}}})
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def crisis_latency(env: dict, server: FakeSendGrid, journalists: int = 300, *, bulk: bool = False) -> dict:
    """A crisis for ``journalists``, from its creation to the last invite accepted, with the production
    layout: one worker for the urgent lane, one for everything else. With ``bulk``, a non-urgent mailing to
    every journalist is running on the general worker (and its periodic jobs run) when the crisis is called."""
    server.reset()
    workers = _workers(env, [("urgent", ["--queue", "urgent", "--no-periodic"]), ("general", [])])
    try:
        time.sleep(3)  # the workers are up and idle, as in production
        result: dict = {"journalists": journalists}
        if bulk:
            create_series(env, "Bench bulk series")
            deadline = time.monotonic() + 120
            while _accepted_with(server, "Bench bulk series") < 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            result["bulk_sent_before_crisis"] = _accepted_with(server, "Bench bulk series")
        started = time.monotonic()
        create_crisis(env, "Bench crisis", journalist_limit=journalists)
        deadline = time.monotonic() + 600
        while _accepted_with(server, "Bench crisis") < journalists:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {_accepted_with(server, 'Bench crisis')} crisis invites accepted")
            time.sleep(0.02)
        result["seconds_until_last_accepted"] = round(time.monotonic() - started, 2)
        if bulk:
            result["bulk_sent_meanwhile"] = _accepted_with(server, "Bench bulk series") - result[
                "bulk_sent_before_crisis"]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(120)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=80)
    parser.add_argument("--workers", default="1",
                        help="worker counts to measure, comma-separated (e.g. 1,2,4); the first is the headline")
    parser.add_argument("--skip-crisis", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pbc-fanout-") as tmp:
        tmp_path = Path(tmp)
        redis_proc, redis_url = start_redis(tmp_path)
        try:
            with FakeSendGrid(latency_ms=args.latency_ms) as server:
                env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_URL": redis_url,
                       "SECRET_KEY": "bench", "MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key",
                       "SENDGRID_API_HOST": server.url, "PUBLIC_BASE_URL": "https://briefings.bench"}
                env.pop("DATABASE_URL", None)
                if os.environ.get("BENCH_DATABASE_URL"):
                    env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
                flask(env, "db", "upgrade")
                seed(env, args.recipients)
                outlet_id = 1
                counts = [int(n) for n in args.workers.split(",")]
                result = {"latency_ms": args.latency_ms, "workers": counts[0]}
                result["fan_out"] = measure_fan_out(env, server, args.recipients, counts[0], outlet_id)
                bodies = [json.dumps(body).encode() for body in server.accepted]
                if not args.skip_crisis:  # one fan-out of open invitations in the database, as before
                    result["crisis"] = crisis_latency(env, server)
                if len(counts) > 1:
                    # Each worker shares the fan-out (the owner asks for helpers) with its own 16 connections.
                    runs = [result["fan_out"]] + [measure_fan_out(env, server, args.recipients, n, outlet_id)
                                                  for n in counts[1:]]
                    result["scaling"] = [{"workers": n, "seconds": run["seconds"], "per_second": run["per_second"],
                                          "speed_up": round(run["per_second"] / runs[0]["per_second"], 2),
                                          "worker_peak_rss_mb": run["worker_peak_rss_mb"],
                                          "duplicates": run["duplicates"]} for n, run in zip(counts, runs, strict=True)]
                result["limit_16_keepalive"] = minimal_sender(server, bodies)
                result["ratio_to_limit"] = round(result["fan_out"]["per_second"]
                                                 / result["limit_16_keepalive"]["per_second"], 3)
                if not args.skip_crisis and len(counts) > 1:
                    # Again, with every scaling run's invitations open too (40,000 with the series) and a
                    # bulk mailing running on the general worker: the urgent lane is not held up by either.
                    result["crisis_with_backlog"] = crisis_latency(env, server, bulk=True)
                    result["open_invitations"] = open_invitations(env)
        finally:
            redis_proc.terminate()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
