"""Recovery from a worker killed mid-crisis, with the production defaults (issue 18).

300 journalists, an ad hoc crisis briefing, two workers, a provider (the local SendGrid-protocol server)
answering 10 % 429 and 5 % 500 after 80 ms; the worker running the fan-out is SIGKILLed once a fifth of the
invites are accepted. Nothing is shortened: leases and claims last 20 s unless renewed, heartbeats every
5 s, the sweep every 10 s. Reports the seconds from the kill to the last invite accepted, the messages
accepted twice (in flight at the kill: the provider took them an instant before the worker could record
it), and whether the fan-out says it was resumed. Repeats ``--runs`` times.

    .venv/bin/python bench/recovery_bench.py [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout_bench import create_crisis, flask, seed, start_redis  # noqa: E402
from tests.servers.sendgrid_fake import FakeSendGrid  # noqa: E402

FAN_OUT_STATE = """
from coordinator import create_app
from coordinator.extensions import db
from coordinator.mail.models import FanOut
app = create_app()
with app.app_context():
    fan = db.session.scalar(db.select(FanOut).order_by(FanOut.id.desc()))
    print(fan.owner if fan else "", fan.resumes if fan else 0, fan.finished_at is not None if fan else False)
"""


def fan_out_state(env: dict) -> tuple[str, int, bool]:
    out = subprocess.run([sys.executable, "-c", FAN_OUT_STATE], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1].split()
    if len(out) < 3:
        return "", 0, False
    return out[0], int(out[1]), out[2] == "True"


def one_run(env: dict, server: FakeSendGrid, run: int, journalists: int = 300) -> dict:
    server.reset()
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--name", f"r{run}-{n}"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for n in range(2)]
    try:
        time.sleep(3)
        create_crisis(env, f"Bench recovery {run}", journalist_limit=journalists)
        while len(server.messages_by_key()) < journalists // 5:
            time.sleep(0.005)
        owner, _resumes, _done = fan_out_state(env)
        pid = int(owner.rsplit(":", 1)[1]) if owner else None
        victim = next((w for w in workers if pid is not None and (w.pid == pid or pid in [
            p.pid for p in psutil.Process(w.pid).children(recursive=True)])), workers[0])
        for proc in [*psutil.Process(victim.pid).children(recursive=True), psutil.Process(victim.pid)]:
            proc.kill()
        killed_at = time.monotonic()
        accepted_at_kill = len(server.messages_by_key())
        deadline = killed_at + 300
        while len(server.messages_by_key()) < journalists and time.monotonic() < deadline:
            time.sleep(0.05)
        delivered_after = round(time.monotonic() - killed_at, 1)
        time.sleep(3)  # anything still in flight lands; the fan-out closes
        counts = server.messages_by_key()
        _owner, resumes, finished = fan_out_state(env)
        return {"accepted_at_kill": accepted_at_kill, "delivered": len(counts),
                "seconds_from_kill_to_all_delivered": delivered_after,
                "duplicates": sum(n - 1 for n in counts.values() if n > 1), "resumed": resumes, "closed": finished,
                "server": {key: server.stats[key] for key in ("requests", "accepted", "r429", "r500")}}
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(60)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pbc-recovery-") as tmp:
        tmp_path = Path(tmp)
        redis_proc, redis_url = start_redis(tmp_path)
        try:
            with FakeSendGrid(latency_ms=80, fault_429=0.10, fault_500=0.05, seed=5) as server:
                env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_URL": redis_url,
                       "SECRET_KEY": "bench", "MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key",
                       "SENDGRID_API_HOST": server.url, "PUBLIC_BASE_URL": "https://briefings.bench"}
                for name in ("DATABASE_URL", "EVENT_LEASE_SECONDS", "MAIL_CLAIM_SECONDS", "HEARTBEAT_SECONDS",
                             "OUTBOX_SWEEP_SECONDS", "EVENT_REDISPATCH_AFTER_SECONDS", "MAIL_CONCURRENCY"):
                    env.pop(name, None)  # the production defaults, nothing shortened
                flask(env, "db", "upgrade")
                seed(env, 300)
                runs = [one_run(env, server, n) for n in range(args.runs)]
        finally:
            redis_proc.terminate()
    summary = {"runs": runs,
               "all_delivered": all(r["delivered"] == 300 for r in runs),
               "worst_seconds_from_kill": max(r["seconds_from_kill_to_all_delivered"] for r in runs),
               "duplicates_total": sum(r["duplicates"] for r in runs)}
    print(json.dumps(summary, indent=2))
    return 0 if summary["all_delivered"] else 1


if __name__ == "__main__":
    sys.exit(main())
