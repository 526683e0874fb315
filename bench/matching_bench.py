"""Benchmark of coverage matching (issue 13): precision and recall on the labelled set.

The labelled set (``tests/fixtures/monitoring/``: 8 briefings of an imagined province with their packs,
spokespeople and linked policies; 112 articles from imagined provincial outlets, 75 from a briefing and
37 from none, hard negatives included) is loaded into a fresh SQLite database through the services, each
article is matched as the match job does (``coordinator.monitoring.operations.match_item``), and the best
proposal is compared with the label. Printed: precision / recall / F1 at the proposal threshold (and at
a few others), the figures per score band, matching time per article, and the mistakes.

Run from the repository root:
    .venv/bin/python bench/matching_bench.py
Changes nothing outside a temporary directory.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="matching-bench-"))
    env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
    os.environ.update({k: env[k] for k in ("COORDINATOR_INSTANCE_PATH", "SECRET_KEY", "DATABASE_URL")})
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)

    from coordinator import create_app
    from coordinator.extensions import db
    from coordinator.monitoring import operations as monitoring
    from coordinator.offices.operations import create_office
    from coordinator.users.operations import create_user
    from tests.support.monitoring import evaluate, load_labelled_set

    app = create_app({"TESTING": True})
    # No worker here: the briefings' events stay in the outbox (the sweep would send them); say nothing.
    logging.getLogger("coordinator.core.events").setLevel(logging.ERROR)
    with app.app_context(), app.test_request_context():
        office = create_office("hai-giang", "Văn phòng UBND tỉnh Hải Giang")
        user = create_user(office, "bench@haigiang.gov.vn", "coordinator", password="Do-hieu-nang-2026!x",
                           send_welcome=False)
        db.session.commit()
        labelled = load_labelled_set(office, user)
        threshold = monitoring.settings_for(office.id).threshold
        print(f"labelled set: {len(labelled.items)} articles, {len(labelled.briefings)} briefings "
              f"({sum(1 for _i, e, _r in labelled.items if e)} from a briefing, "
              f"{sum(1 for _i, e, _r in labelled.items if not e)} from none)")
        started = time.perf_counter()
        result = evaluate(labelled, threshold)
        per_item = (time.perf_counter() - started) * 1000 / len(labelled.items)
        print(f"\nat the proposal threshold {threshold:.2f}:")
        print(f"  precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}  "
              f"(TP {result.true_positives}, FP {result.false_positives}, FN {result.false_negatives})")
        print(f"  matching time: {per_item:.1f} ms per article")
        print("\nother thresholds:")
        for other in (0.3, 0.4, 0.6, 0.7, 0.8):
            r = evaluate(labelled, other)
            print(f"  {other:.2f}: precision {r.precision:.3f}  recall {r.recall:.3f}  F1 {r.f1:.3f}")
        print("\nbest proposal per score band (all articles, before the threshold):")
        print(f"  {'band':<9} {'articles':>8} {'correct':>8} {'precision':>9}")
        for band in result.bands:
            if band["items"]:
                print(f"  {band['band']:<9} {band['items']:8d} {band['correct']:8d} "
                      f"{band['correct'] / band['items']:9.3f}")
        print(f"\nmistakes at {threshold:.2f}:")
        for line in result.mistakes:
            print(f"  {line}")


if __name__ == "__main__":
    main()
