"""A real SMTP server (aiosmtpd) for the tests.

``delay`` holds each message at end-of-DATA before answering; a message whose
client is gone by then is not accepted, as with a real server that never sent
its final 250 (the sender cannot know the message arrived, and will retry).
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.postgres import free_port


class RecordingHandler:
    def __init__(self, delay: float = 0.0, refuse: dict[str, str] | None = None):
        self.delay = delay
        self.refuse = refuse or {}  # recipient -> SMTP reply
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.started_data = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.started_data.set()
        if self.delay:
            await asyncio.sleep(self.delay)
            transport = server.transport
            if transport is None or transport.is_closing():
                return "451 client went away"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def by_key(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for message in self.messages:
                key = str(message["X-Coordinator-Key"])
                counts[key] = counts.get(key, 0) + 1
        return counts


class SmtpServer:
    def __init__(self, delay: float = 0.0, refuse: dict[str, str] | None = None):
        self.handler = RecordingHandler(delay, refuse)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
