"""A fault-injection scenario shared by the test (small, bounded) and the bench (5,000 recipients).

A fan-out runs through real worker processes to the local SendGrid-protocol server answering some
requests 429 or 500 and dropping some connections, while workers are SIGKILLed at random points and
Redis is restarted once and flushed once. Afterwards: how many recipients got no message (lost) and
how many messages the server accepted more than once for the same key (duplicates).
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis

from coordinator.core.processes import start_redis, stop
from tests.servers.sendgrid_fake import FakeSendGrid
from tests.support.clock import subprocess_pythonpath
from tests.support.postgres import free_port
from tests.support.processes import ROOT, kill_tree, start_worker

SEED_SCRIPT = """
import sys
from coordinator import create_app
from coordinator.core import clock
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.text import fold
from coordinator.extensions import db
from coordinator.offices.operations import create_office
from coordinator.users.operations import create_user
count = int(sys.argv[1])
app = create_app()
with app.app_context():
    office = create_office("faults", "Văn phòng thử lỗi", sender_email="baochi@faults.gov.vn")
    create_user(office, "admin@faults.gov.vn", "admin", password="Kiem-tra-loi-2026!x", send_welcome=False)
    outlet = Outlet(office_id=office.id, name="Báo Thử", name_folded="bao thu", kind="newspaper",
                    level="provincial", domains=[])
    db.session.add(outlet)
    db.session.flush()
    now = clock.now()
    db.session.execute(Journalist.__table__.insert(), [
        dict(office_id=office.id, full_name=f"Nguyễn Văn An {n}", full_name_folded=fold(f"Nguyễn Văn An {n}"),
             email=f"an{n}@faults.vn", outlet_id=outlet.id, language="vi", status="active", created_at=now,
             updated_at=now) for n in range(count)])
    db.session.commit()
"""

CRISIS_SCRIPT = """
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from coordinator import create_app
from coordinator.extensions import db
from coordinator.offices.operations import get_office_by_slug
from coordinator.schedule.operations import create_briefing
app = create_app()
with app.app_context():
    office = get_office_by_slug("faults")
    start = (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(hours=3)).replace(tzinfo=None)
    create_briefing(office, {"title": "Họp báo khẩn", "dtstart": start.isoformat(timespec="minutes"),
                             "duration_minutes": 60, "venue": "Hội trường", "audience": {"outlet_ids": [1]}},
                    crisis=True)
    db.session.commit()
"""

PACK_SCRIPT = """
from coordinator import create_app
from coordinator.extensions import db
from coordinator.offices.operations import get_office_by_slug
from coordinator.packs import operations as ops
from coordinator.schedule.models import Briefing
from coordinator.users.operations import get_user_by_email
app = create_app()
with app.app_context():
    office = get_office_by_slug("faults")
    admin = get_user_by_email("admin@faults.gov.vn")
    briefing = db.session.scalar(db.select(Briefing).where(Briefing.office_id == office.id))
    pdf = b"%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%EOF\\n"
    pack = ops.create_pack(office, admin, {"title": "Thông cáo báo chí"}, [ops.Upload("Thông cáo.pdf", pdf)],
                           briefing=briefing)
    db.session.commit()
    ops.submit(pack, admin)
    db.session.commit()
    ops.approve(pack, admin)
    db.session.commit()
"""


@dataclass
class Outcome:
    recipients: int
    accepted_keys: int = 0
    lost: int = 0
    duplicates: int = 0  # accepted more than once for one key (a message in doubt at a SIGKILL)
    seconds: float = 0.0
    server: dict = field(default_factory=dict)
    chaos: list[str] = field(default_factory=list)
    # per SIGKILL: how many messages the server had accepted, and how many the killed worker had claimed
    # and not yet recorded (in flight: the most that can be accepted twice for that kill)
    kills: list[dict] = field(default_factory=list)


class Scenario:
    def __init__(self, workdir: Path, recipients: int, *, workers: int = 2, database_url: str | None = None,
                 fault_429: float = 0.10, fault_500: float = 0.05, fault_drop: float = 0.02, latency_ms: int = 20,
                 seed: int = 7):
        self.workdir = workdir
        self.recipients = recipients
        self.worker_count = workers
        self.rng = random.Random(seed)
        self.redis_port = free_port()
        self.redis_proc = start_redis(port=self.redis_port, workdir=workdir / "redis")
        self.server = FakeSendGrid(latency_ms=latency_ms, fault_429=fault_429, fault_500=fault_500,
                                   fault_drop=fault_drop, seed=seed).start()
        self.env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(workdir / "instance"),
                    "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0", "SECRET_KEY": "faults",
                    "MAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": "SG.test-key", "SENDGRID_API_HOST": self.server.url,
                    "PUBLIC_BASE_URL": "https://briefings.faults",
                    # Leases and claims at their production defaults (20 s, renewed by heartbeats); only the
                    # re-dispatch of events Redis lost (60 s in production) is shortened to keep the run short.
                    "EVENT_REDISPATCH_AFTER_SECONDS": "3", "OUTBOX_SWEEP_SECONDS": "3",
                    "MAIL_CONCURRENCY": "8", "PYTHONPATH": subprocess_pythonpath()}
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.workers: list[subprocess.Popen] = []
        self.chaos: list[str] = []
        self.kills: list[dict] = []

    def run_script(self, script: str, *args: str) -> None:
        subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=self.env, check=True,
                       capture_output=True, text=True)

    def setup(self) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                       check=True, capture_output=True)
        self.run_script(SEED_SCRIPT, str(self.recipients))

    def start_workers(self) -> None:
        while len(self.workers) < self.worker_count:
            n = len(self.workers) + len(self.chaos)
            self.workers.append(start_worker(self.env, "--name", f"chaos-{n}-{time.time_ns()}",
                                             log_path=self.workdir / f"worker-{n}.log"))

    def kill_a_worker(self) -> None:
        victim = self.workers.pop(self.rng.randrange(len(self.workers)))
        kill_tree(victim)
        self.kills.append({"accepted_before": len(self.server.messages_by_key()), "in_flight": self._sending()})
        self.chaos.append("SIGKILL worker")
        self.start_workers()

    def _sending(self) -> int:
        """Messages claimed and not yet recorded, right after the kill (the dead worker's are among them)."""
        from sqlalchemy import create_engine, text

        url = self.env.get("DATABASE_URL") or f"sqlite:///{self.workdir / 'instance' / 'coordinator.db'}"
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM delivery WHERE state = 'sending'")).scalar()
        finally:
            engine.dispose()

    def restart_redis(self) -> None:
        stop(self.redis_proc)
        self.redis_proc = start_redis(port=self.redis_port, workdir=self.workdir / "redis")
        self.chaos.append("Redis restarted")

    def flush_redis(self) -> None:
        Redis(port=self.redis_port).flushall()
        self.chaos.append("Redis flushed")

    def run(self, trigger_script: str, expected: int, kills: int = 3, timeout: float = 600) -> Outcome:
        """Trigger a fan-out and disturb it; wait until every recipient has a message or time is up."""
        self.server.reset()
        self.chaos = []
        self.kills = []
        self.start_workers()
        started = time.monotonic()
        self.run_script(trigger_script)
        # Chaos at random points of the fan-out: SIGKILLs, one Redis restart, one flush.
        plan = sorted([("kill", self.rng.uniform(0.05, 0.85)) for _ in range(kills)]
                      + [("restart", self.rng.uniform(0.1, 0.7)), ("flush", self.rng.uniform(0.1, 0.7))],
                      key=lambda step: step[1])
        deadline = started + timeout
        while time.monotonic() < deadline:
            done = len(self.server.messages_by_key())
            while plan and done >= plan[0][1] * expected:
                action = plan.pop(0)[0]
                {"kill": self.kill_a_worker, "restart": self.restart_redis, "flush": self.flush_redis}[action]()
            if done >= expected and not plan:
                break
            time.sleep(0.05)
        time.sleep(2)  # anything still in flight lands
        counts = self.server.messages_by_key()
        return Outcome(recipients=expected, accepted_keys=len(counts), lost=expected - len(counts),
                       duplicates=sum(n - 1 for n in counts.values() if n > 1),
                       seconds=round(time.monotonic() - started, 1), server=dict(self.server.stats),
                       chaos=list(self.chaos), kills=list(self.kills))

    def close(self) -> None:
        for worker in self.workers:
            kill_tree(worker)
        self.server.stop()
        stop(self.redis_proc)
