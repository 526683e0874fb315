"""Fault injection, the long run (issue 8): a 5,000-recipient invite fan-out and then a pack release to
the same journalists, each while workers are SIGKILLed three times at random points, Redis is restarted
once and flushed once, and the local SendGrid-protocol server answers 10 % 429, 5 % 500 and drops 2 % of
connections. Reports, for each: lost recipients, messages accepted twice for one key, what the server
saw, and how long it took to settle.

    .venv/bin/python bench/fault_bench.py [--recipients 5000] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.faults import CRISIS_SCRIPT, PACK_SCRIPT, Scenario  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pbc-faults-") as tmp:
        scenario = Scenario(Path(tmp), args.recipients, workers=args.workers, seed=args.seed)
        try:
            scenario.setup()
            invites = scenario.run(CRISIS_SCRIPT, args.recipients, kills=3, timeout=1500)
            release = scenario.run(PACK_SCRIPT, args.recipients, kills=3, timeout=1500)
        finally:
            scenario.close()
    print(json.dumps({"invites": asdict(invites), "pack_release": asdict(release)}, indent=2))
    return 0 if invites.lost == 0 and release.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
