"""CPU cost of one personalised invitation, as a fan-out builds it (no network).

Builds every invite of an ad hoc briefing and of a weekly series (with overrides) for N journalists, the
way the fan-out engine does (``coordinator.invitations.fanouts``: the target prepared once, one message per
recipient), and turns each into the SendGrid v3 payload the provider receives. Reports milliseconds of CPU
per message; ``--profile`` writes a pyinstrument HTML profile next to the results.

    .venv/bin/python bench/message_cost.py [--recipients 500] [--profile bench-results/message-profile.html]

Prints a JSON summary.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(recipients: int, profile_path: str | None) -> dict:
    from datetime import timedelta

    from coordinator import create_app
    from coordinator.core import clock
    from coordinator.extensions import db
    from coordinator.invitations.fanouts import InviteTarget
    from coordinator.invitations.operations import sync_invitations
    from coordinator.mail.backends import SendGridBackend
    from coordinator.mail.models import FanOut
    from tests.support import domain

    app = create_app({"TESTING": True})
    results: dict = {"recipients": recipients}
    with app.app_context(), app.test_request_context():
        from coordinator.offices.operations import create_office

        office = create_office("bench-msg", "Văn phòng UBND tỉnh Quảng Ninh", sender_email="baochi@quangninh.gov.vn")
        db.session.commit()
        people = domain.journalists(office, recipients)
        adhoc = domain.adhoc(office, people, start=clock.now() + timedelta(hours=3), crisis=True,
                             title="Họp báo khẩn về sự cố sạt lở đất tại phường Hà Khánh")
        series = domain.weekly_series(office, people, lead_days=30)
        for target in (adhoc, series):
            sync_invitations(target)
        db.session.commit()
        profiler = None
        if profile_path:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        for name, target in (("adhoc", adhoc), ("series", series)):
            kind = "series" if name == "series" else "briefing"
            fan = FanOut(key=f"bench:{name}", office_id=office.id, kind="invite", purpose="invite",
                         spec={"target": kind, "id": target.id, "sequence": target.sequence})
            invite = InviteTarget(fan)
            started_cpu = time.process_time()
            assert invite.prepare()
            recipients_ = invite.recipients()
            rows = invite.load([r.row_id for r in recipients_])
            prepared_cpu = time.process_time()
            sizes = []
            for recipient in recipients_:
                message = invite.build(rows[recipient.row_id])
                sizes.append(len(json.dumps(SendGridBackend.payload(message))))
            done_cpu = time.process_time()
            results[name] = {"prepare_ms": round((prepared_cpu - started_cpu) * 1000, 1),
                             "ms_per_message": round((done_cpu - prepared_cpu) * 1000 / len(recipients_), 3),
                             "payload_bytes": sum(sizes) // len(sizes)}
        if profiler is not None:
            profiler.stop()
            Path(profile_path).parent.mkdir(parents=True, exist_ok=True)
            Path(profile_path).write_text(profiler.output_html())
            if os.environ.get("BENCH_PROFILE_TEXT"):
                print(profiler.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
            results["profile"] = profile_path
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
                           "COORDINATOR_INSTANCE_PATH": f"{tmp}/instance", "REDIS_URL": "redis://127.0.0.1:1/0",
                           "PUBLIC_BASE_URL": "https://baochi.quangninh.gov.vn", "MAIL_BACKEND": "outbox"})
        import subprocess

        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                       capture_output=True)
        print(json.dumps(measure(args.recipients, args.profile), ensure_ascii=False))


if __name__ == "__main__":
    main()
