"""A local stand-in for SendGrid's v3 Mail Send API, for tests and benchmarks.

It uses only the standard library and jsonschema. Requests to ``POST /v3/mail/send`` are
validated against the vendored OpenAPI spec in ``tests/vendor/sendgrid/``. The server also
enforces the rules that the live API applies but the spec does not encode. Run
``python -m tests.servers.sendgrid_fake --port 8025 --latency-ms 80`` to start it in the
foreground.

Example::

    with FakeSendGrid() as sg:
        client = sendgrid.SendGridAPIClient("SG.test-key", host=sg.url)
        client.send(message)
        assert sg.messages_by_key() == {"key-1": 1}
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import gzip
import http.server
import json
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Self

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = (
    Path(__file__).resolve().parent.parent
    / "vendor"
    / "sendgrid"
    / "sendgrid-oai_tsg_mail_v3.json"
)
_SPEC_URI = "urn:sendgrid-oai:tsg_mail_v3"
_SCHEMA_POINTER = (
    "/components/requestBodies/PostMailSend/content/application~1json/schema"
)

HELP_URL = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html"
MAX_RECIPIENTS = 1000
MAX_BODY_BYTES = 30 * 1024 * 1024  # SendGrid's total message size limit.

FORBIDDEN_HEADERS = frozenset(
    h.lower()
    for h in (
        "x-sg-id",
        "x-sg-eid",
        "received",
        "dkim-signature",
        "Content-Type",
        "Content-Transfer-Encoding",
        "To",
        "From",
        "Subject",
        "Reply-To",
        "CC",
        "BCC",
    )
)

_CALENDAR_TYPE = re.compile(
    r"^text/calendar\s*;\s*method=[A-Za-z-]+\s*$", re.IGNORECASE
)


# --------------------------------------------------------------------------- validation


@functools.lru_cache(maxsize=4)
def _validator(spec_path: str) -> Draft202012Validator:
    """Build the mail/send request validator from the vendored spec, with the spec's known
    disagreements with the live API patched in memory."""
    with open(spec_path, encoding="utf-8") as fh:
        doc = json.load(fh)
    schema = doc["components"]["requestBodies"]["PostMailSend"]["content"][
        "application/json"
    ]["schema"]
    props = schema["properties"]
    string_map = {"type": "object", "additionalProperties": {"type": "string"}}
    # The spec types the top-level custom_args as "string". The API expects an object of string values.
    props["custom_args"] = dict(string_map)
    pers = props["personalizations"]
    pers["items"]["properties"]["custom_args"].update(
        additionalProperties={"type": "string"}
    )
    # The live API rejects these cases, but the schema does not encode them.
    pers["minItems"] = 1  # "You must have at least one personalization."
    pers["items"]["properties"]["to"]["minItems"] = 1
    # content minItems is handled in _extra_rules (content may be omitted when template_id is set).
    registry = (
        Registry()
        .with_resource(
            _SPEC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
        )
        .crawl()
    )
    return Draft202012Validator(
        {"$ref": _SPEC_URI + "#" + _SCHEMA_POINTER},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _err(
    message: str, field: str | None = None, help_anchor: str | None = None
) -> dict:
    return {
        "message": message,
        "field": field,
        "help": f"{HELP_URL}#message.{help_anchor or field}"
        if (help_anchor or field)
        else None,
    }


def _schema_errors(validator: Draft202012Validator, body: Any) -> list[dict]:
    errors = []
    for e in sorted(
        validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        field = ".".join(str(p) for p in e.absolute_path) or None
        errors.append(_err(e.message, field))
    return errors


def _has_ctl(value: str) -> bool:
    return "\r" in value or "\n" in value


def _extra_rules(body: dict) -> list[dict]:
    """Rules that the live API enforces but the schema does not encode. The body has already
    passed schema validation."""
    errors: list[dict] = []
    has_template = bool(body.get("template_id"))
    personalizations = body["personalizations"]

    # content: required unless template_id. Order is text/plain, then text/html, then other types.
    content = body.get("content")
    if not content and not has_template:
        errors.append(
            _err(
                "Unless a valid template_id is provided, the content parameter is required. "
                "There must be at least one defined content block. We typically suggest both "
                "text/plain and text/html blocks are included, but only one block is required.",
                "content",
            )
        )
    rank_of = {"text/plain": 0, "text/x-amp-html": 1, "text/html": 1}
    last_rank = 0
    seen_types: set[str] = set()
    for i, part in enumerate(content or []):
        ctype = part["type"]
        field = f"content.{i}.type"
        if _has_ctl(ctype):
            errors.append(
                _err("The content type cannot contain ';', or CRLF characters.", field)
            )
            continue
        if ";" in ctype and not _CALENDAR_TYPE.match(ctype):
            errors.append(
                _err("The content type cannot contain ';', or CRLF characters.", field)
            )
            continue
        base = ctype.split(";", 1)[0].strip().lower()
        if base in ("text/plain", "text/html"):
            if base in seen_types:
                errors.append(
                    _err(
                        "If present, text/plain and text/html may only be provided once.",
                        field,
                    )
                )
            seen_types.add(base)
        rank = rank_of.get(base, 2)
        if rank < last_rank or (base == "text/plain" and i != 0):
            errors.append(
                _err(
                    "The text/plain content type must be first, followed by text/html, "
                    "then any other content.",
                    "content",
                )
            )
        last_rank = max(last_rank, rank)

    for i, att in enumerate(body.get("attachments") or []):
        atype = att.get("type")
        if atype is not None and (";" in atype or _has_ctl(atype)):
            errors.append(
                _err(
                    "The attachment type cannot contain ';', or CRLF characters.",
                    f"attachments.{i}.type",
                )
            )
        try:
            base64.b64decode(att["content"], validate=True)
        except (binascii.Error, ValueError):
            errors.append(
                _err(
                    "The attachment content must be base64 encoded.",
                    f"attachments.{i}.content",
                )
            )

    subject_everywhere = all(p.get("subject") for p in personalizations)
    if not body.get("subject") and not has_template and not subject_everywhere:
        errors.append(
            _err(
                "The subject is required. You can get around this requirement if you use a "
                "template with a subject defined or if every personalization has a subject "
                "defined.",
                "subject",
            )
        )

    total = 0
    for i, p in enumerate(personalizations):
        seen: set[str] = set()
        for kind in ("to", "cc", "bcc"):
            for addr in p.get(kind) or []:
                total += 1
                email = addr["email"].strip().lower()
                if email in seen:
                    errors.append(
                        _err(
                            "Each email address in the personalization block should be unique between to, cc, "
                            f"and bcc. We found the first duplicate instance of [{addr['email']}] in the "
                            f"personalizations.{i}.{kind} field.",
                            f"personalizations.{i}",
                            "personalizations",
                        )
                    )
                    break
                seen.add(email)
    if total > MAX_RECIPIENTS:
        errors.append(
            _err(
                "There is a limit of 1000 total recipients (to + cc + bcc) per request.",
                "personalizations",
            )
        )

    header_blocks = [("headers", body.get("headers"))]
    header_blocks += [
        (f"personalizations.{i}.headers", p.get("headers"))
        for i, p in enumerate(personalizations)
    ]
    for field, headers in header_blocks:
        for name in headers or {}:
            if name.strip().lower() in FORBIDDEN_HEADERS:
                errors.append(
                    _err(
                        f"The following header is reserved and cannot be set: {name}",
                        field,
                        "headers",
                    )
                )
    return errors


def validate_mail_send(body: Any, spec_path: str | Path = SPEC_PATH) -> list[dict]:
    """Return SendGrid-style error objects for a mail/send body, or [] if the body is valid."""
    errors = _schema_errors(_validator(str(spec_path)), body)
    if errors:
        return errors
    return _extra_rules(body)


def _idempotency_key(body: dict) -> str | None:
    for args in (
        body.get("custom_args"),
        (body.get("personalizations") or [{}])[0].get("custom_args"),
    ):
        if isinstance(args, dict) and "idempotency_key" in args:
            return args["idempotency_key"]
    return None


# --------------------------------------------------------------------------- recorded data


class AcceptedMessage(dict):
    """An accepted mail/send body (a plain dict of the JSON body) with extra attributes:
    ``headers`` (request headers, lower-cased names), ``message_id`` (the X-Message-Id that was
    returned), ``key`` (idempotency key or None) and ``received_at`` (time.time())."""

    headers: dict[str, str]
    message_id: str
    key: str | None
    received_at: float


# --------------------------------------------------------------------------- HTTP layer


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True

    fake: FakeSendGrid

    def process_request(self, request, client_address):
        self.fake._track(request, add=True)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.fake._track(request, add=False)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # Connection resets from clients and connections closed by stop() are expected.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSendGrid/1.0"
    sys_version = ""
    server: _Server

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        if self.server.fake.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # -- plumbing

    def _read_body(self) -> bytes | None:
        """Read the request body. Returns None if the request is malformed (the response has
        already been sent)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            try:
                while True:
                    line = self.rfile.readline(65537)
                    size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline(65537)
            except ValueError:
                self.close_connection = True
                self._send_json(400, {"errors": [_err("Bad Request")]})
                return None
            data = b"".join(chunks)
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                self.close_connection = True
                self._send_json(400, {"errors": [_err("Bad Request")]})
                return None
            if length > MAX_BODY_BYTES:
                self.close_connection = True
                self._send_json(413, {"errors": [_err("Payload Too Large")]})
                return None
            data = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                self._send_json(400, {"errors": [_err("Bad Request")]})
                return None
        return data

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_type: str | None = "application/json",
    ) -> None:
        self.send_response(status)
        if body and content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # Headers and body go out in one write: with two small writes, Nagle's algorithm and the
        # client's delayed ACK would add ~40 ms to every answer that has a body.
        self._headers_buffer.append(b"\r\n")
        self._headers_buffer.append(body)
        self.flush_headers()

    def _send_json(
        self, status: int, obj: Any, headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(obj).encode(), headers)

    # -- dispatch

    def _dispatch(self) -> None:
        fake = self.server.fake
        raw = self._read_body()
        if raw is None:
            return
        fake._count("requests")
        if fake.latency_ms:
            time.sleep(fake.latency_ms / 1000.0)
        path = self.path.split("?", 1)[0].rstrip("/")
        method = self.command

        if path == "/v3/mail/send":
            if method != "POST":
                return self._reject(405, raw, [_err("Method Not Allowed")])
            return self._mail_send(raw)
        if path == "/v3/mail/batch":
            if method != "POST":
                return self._reject(405, raw, [_err("Method Not Allowed")])
            if not self._authorized(raw):
                return
            batch_id = fake._new_batch()
            return self._send_json(201, {"batch_id": batch_id})
        if path.startswith("/v3/mail/batch/") and method == "GET":
            if not self._authorized(raw):
                return
            batch_id = path.rsplit("/", 1)[1]
            if fake._has_batch(batch_id):
                return self._send_json(200, {"batch_id": batch_id})
            return self._reject(400, raw, [_err("invalid batch id", "batch_id")])
        return self._reject(404, raw, [_err("resource not found")])

    def _dispatch_safely(self) -> None:
        try:
            self._dispatch()
        except (ConnectionError, TimeoutError):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in the fake: answer 500 so the caller sees it
            traceback.print_exc()
            self.close_connection = True
            self._send_json(
                500, {"errors": [_err(f"FakeSendGrid internal error: {exc!r}")]}
            )

    do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _dispatch_safely

    def _reject(
        self,
        status: int,
        raw: bytes | Any,
        errors: list[dict],
        headers: dict[str, str] | None = None,
    ) -> None:
        if isinstance(raw, (bytes, bytearray)):
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        else:
            body = raw
        self.server.fake._record_rejected(status, body, errors)
        self._send_json(status, {"errors": errors}, headers)

    def _authorized(self, raw: bytes) -> bool:
        auth = self.headers.get("Authorization")
        if not auth:
            self._reject(401, raw, [_err("authorization required")])
            return False
        if auth != f"Bearer {self.server.fake.api_key}":
            self._reject(
                401,
                raw,
                [
                    _err(
                        "The provided authorization grant is invalid, expired, or revoked"
                    )
                ],
            )
            return False
        return True

    def _mail_send(self, raw: bytes) -> None:
        fake = self.server.fake
        fault = fake._draw_fault()
        if fault == "429":
            fake._count("r429")
            return self._send_json(
                429,
                {"errors": [_err("too many requests")]},
                {
                    "X-RateLimit-Limit": str(fake.rate_limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(int(time.time()) + 1),
                },
            )
        if fault == "500":
            fake._count("r500")
            return self._send_json(500, {"errors": [_err("internal error")]})
        if fault == "drop":
            fake._count("dropped")
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return

        if not self._authorized(raw):
            return
        try:
            body = json.loads(raw)
        except ValueError:
            return self._reject(400, raw, [_err("Bad Request")])
        errors = validate_mail_send(body, fake.spec_path)
        if errors:
            return self._reject(400, body, errors)
        message_id = fake._record_accepted(
            body, {k.lower(): v for k, v in self.headers.items()}
        )
        self._send(202, b"", {"X-Message-Id": message_id})


# --------------------------------------------------------------------------- public API


class FakeSendGrid:
    """A local SendGrid v3 Mail Send API (``POST /v3/mail/send``, ``POST /v3/mail/batch``).

    Parameters: ``port`` (0 picks a free port), ``latency_ms`` (a sleep before every
    answer), ``fault_429``/``fault_500``/``fault_drop`` (probabilities for mail/send requests;
    ``fault_drop`` closes the connection without an answer), ``seed`` (for the fault RNG) and
    ``api_key`` (the expected ``Authorization: Bearer`` value). The fault probabilities and
    ``latency_ms`` are plain attributes, so they can be changed while the server is running.
    """

    def __init__(
        self,
        port: int = 0,
        latency_ms: float = 0,
        fault_429: float = 0.0,
        fault_500: float = 0.0,
        fault_drop: float = 0.0,
        seed: int | None = None,
        api_key: str = "SG.test-key",
        host: str = "127.0.0.1",
        spec_path: str | Path = SPEC_PATH,
        rate_limit: int = 600,
        verbose: bool = False,
    ):
        self.host = host
        self.port = port
        self.latency_ms = latency_ms
        self.fault_429 = fault_429
        self.fault_500 = fault_500
        self.fault_drop = fault_drop
        self.api_key = api_key
        self.spec_path = str(spec_path)
        self.rate_limit = rate_limit
        self.verbose = verbose
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._accepted: list[AcceptedMessage] = []
        self._rejected: list[tuple[int, Any, list[dict]]] = []
        self._batches: set[str] = set()
        self._stats = self._zero_stats()
        self._sockets: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        _validator(self.spec_path)  # load and check the spec early

    @staticmethod
    def _zero_stats() -> dict[str, int]:
        return {
            "requests": 0,
            "accepted": 0,
            "rejected": 0,
            "r429": 0,
            "r500": 0,
            "dropped": 0,
            "connections": 0,
        }

    # -- lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeSendGrid:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        # Close keep-alive connections so that their handler threads exit and clients see the server go away.
        with self._lock:
            socks = list(self._sockets)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Run in the foreground until KeyboardInterrupt."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``, to pass as ``SendGridAPIClient(host=...)``."""
        if self._server is None:
            raise RuntimeError("FakeSendGrid is not started")
        return f"http://{self.host}:{self.port}"

    # -- recorded data (thread-safe snapshots)

    @property
    def accepted(self) -> list[AcceptedMessage]:
        with self._lock:
            return list(self._accepted)

    @property
    def rejected(self) -> list[tuple[int, Any, list[dict]]]:
        """``(status, body, errors)`` for 400/401/404/405 answers. ``body`` is the parsed JSON, or
        the raw text if the body is not JSON."""
        with self._lock:
            return list(self._rejected)

    @property
    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stats)

    def messages_by_key(self) -> dict[str | None, int]:
        """idempotency key -> number of accepted requests with that key. Requests without a key
        are counted under None."""
        counts: dict[str | None, int] = {}
        with self._lock:
            for m in self._accepted:
                counts[m.key] = counts.get(m.key, 0) + 1
        return counts

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()
            self._rejected.clear()
            self._batches.clear()
            self._stats = self._zero_stats()

    def wait_for_accepted(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least ``count`` messages are accepted. Returns False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._accepted) >= count, timeout)

    # -- internals used by the handler

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._sockets.add(sock)
                self._stats["connections"] += 1
            else:
                self._sockets.discard(sock)

    def _count(self, name: str) -> None:
        with self._lock:
            self._stats[name] += 1

    def _draw_fault(self) -> str | None:
        with self._lock:
            r = self._rng.random()
        p429, p500, pdrop = self.fault_429, self.fault_500, self.fault_drop
        if r < p429:
            return "429"
        if r < p429 + p500:
            return "500"
        if r < p429 + p500 + pdrop:
            return "drop"
        return None

    def _record_accepted(self, body: dict, headers: dict[str, str]) -> str:
        msg = AcceptedMessage(body)
        msg.headers = headers
        msg.message_id = secrets.token_urlsafe(16)
        msg.key = _idempotency_key(body)
        msg.received_at = time.time()
        with self._changed:
            self._accepted.append(msg)
            self._stats["accepted"] += 1
            self._changed.notify_all()
        return msg.message_id

    def _record_rejected(self, status: int, body: Any, errors: list[dict]) -> None:
        with self._lock:
            self._rejected.append((status, body, errors))
            self._stats["rejected"] += 1

    def _new_batch(self) -> str:
        batch_id = secrets.token_hex(16)
        with self._lock:
            self._batches.add(batch_id)
        return batch_id

    def _has_batch(self, batch_id: str) -> bool:
        with self._lock:
            return batch_id in self._batches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.servers.sendgrid_fake", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8025)
    ap.add_argument("--latency-ms", type=float, default=0)
    ap.add_argument("--fault-429", type=float, default=0.0)
    ap.add_argument("--fault-500", type=float, default=0.0)
    ap.add_argument("--fault-drop", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--api-key", default="SG.test-key")
    ap.add_argument(
        "-v", "--verbose", action="store_true", help="log every request to stderr"
    )
    args = ap.parse_args(argv)
    fake = FakeSendGrid(
        port=args.port,
        latency_ms=args.latency_ms,
        fault_429=args.fault_429,
        fault_500=args.fault_500,
        fault_drop=args.fault_drop,
        seed=args.seed,
        api_key=args.api_key,
        host=args.host,
        verbose=args.verbose,
    )

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    # SIGTERM (e.g. from a benchmark script) stops the server like Ctrl-C and prints the stats.
    signal.signal(signal.SIGTERM, _terminate)
    fake.start()
    print(
        f"FakeSendGrid listening on {fake.url} (api key {args.api_key!r}); Ctrl-C to stop",
        file=sys.stderr,
    )
    fake.serve_forever()
    print(json.dumps(fake.stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
