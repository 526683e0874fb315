"""Fault injection (bounded): a fan-out and a pack release survive SIGKILLed workers, a restarted and a
flushed Redis, and a provider answering 429 and 500 and dropping connections. Nobody is lost; only a
message in doubt at a SIGKILL (on the wire, or accepted an instant before its result was recorded) may
be accepted twice, at most one per connection of the killed worker. The long run is bench/fault_bench.py.
"""
from __future__ import annotations

import pytest

from tests.support.faults import CRISIS_SCRIPT, PACK_SCRIPT, Scenario

pytestmark = pytest.mark.db_independent

RECIPIENTS = 300


@pytest.mark.slow
def test_fan_out_and_pack_release_under_faults(tmp_path):
    scenario = Scenario(tmp_path, RECIPIENTS, workers=2)
    try:
        scenario.setup()
        invites = scenario.run(CRISIS_SCRIPT, RECIPIENTS, kills=2, timeout=300)
        assert invites.lost == 0, invites
        assert invites.duplicates <= 2 * 8, invites  # two kills × MAIL_CONCURRENCY in doubt, at most
        assert invites.server["r429"] > 0 and invites.server["r500"] > 0 and invites.server["dropped"] > 0
        assert set(invites.chaos) == {"SIGKILL worker", "Redis restarted", "Redis flushed"}
        release = scenario.run(PACK_SCRIPT, RECIPIENTS, kills=1, timeout=300)
        assert release.lost == 0, release
        assert release.duplicates <= 8, release
    finally:
        scenario.close()
