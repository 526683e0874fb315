"""Heartbeats: a live worker keeps renewing what it holds, so only a dead one loses it.

Leases on outbox events and claims on messages are short (``EVENT_LEASE_SECONDS``,
``MAIL_CLAIM_SECONDS``: 20 s by default). While a job works, a :class:`Heartbeat` thread renews them
every ``HEARTBEAT_SECONDS`` (5 s). A worker that is SIGKILLed stops renewing; within the lease its work
is found by the outbox sweep and taken over by another worker. Each beat is its own short transaction.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    return float(current_app.config.get("HEARTBEAT_SECONDS", 5))


class Heartbeat:
    """``with Heartbeat(app, renew_lease, renew_claims): ...`` calls each function every few seconds."""

    def __init__(self, app: Flask, *beats: Callable[[], None]):
        self.app = app
        self.beats = beats
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)
        self.interval = 5.0

    def __enter__(self) -> Heartbeat:
        with self.app.app_context():
            self.interval = heartbeat_seconds()
        if self.beats:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        with self.app.app_context():
            while not self._stop.wait(self.interval):
                for beat in self.beats:
                    try:
                        beat()
                    except Exception:  # the database restarting: the next beat tries again
                        log.warning("heartbeat %r failed", beat, exc_info=True)
