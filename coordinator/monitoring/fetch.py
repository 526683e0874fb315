"""Polite HTTP for feeds and article pages, safe to point at any address an office types in.

- conditional GET (``If-None-Match`` / ``If-Modified-Since``) so an unchanged feed costs a 304;
- one deadline for the whole fetch (``MONITORING_TIMEOUT``: resolving, connecting, every redirect and
  reading together; a server that drips its answer is cut off at the deadline), and a size cap read as a
  stream, after decompression (a huge or over-compressed feed is cut off, not loaded);
- redirects followed by hand, at most ``MAX_REDIRECTS``, only to the allowed hosts (the feed's own host
  and the outlet's domains) and only over http(s);
- each hop's host name resolved **once**, every address it gives checked (``addresses.refusal``: only
  public unicast addresses; ``MONITORING_ALLOW_PRIVATE`` lifts the check) and the socket opened to a
  checked address itself, while ``Host``, TLS SNI and the certificate check use the name: a name that
  answers differently the next time (DNS rebinding) cannot lead the server into its own network.
  Environment proxies are not used (a proxy would resolve the name again);
- ``MONITORING_RESOLVE`` (``host=ip:port,...``), like curl's ``--resolve``: fixed addresses for named
  hosts, for test rigs and for outlets reached through a known address (plain HTTP, not checked: set by
  whoever runs the server).

``resolve_host`` and ``open_socket`` are the only places that look a name up and open a socket: tests
replace them with a fake network.
"""
from __future__ import annotations

import functools
import http.client
import os
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import idna
from flask import current_app, has_app_context
from requests.utils import requote_uri

from coordinator.core import clock
from coordinator.monitoring import addresses

USER_AGENT = "PressBriefingCoordinator/1.0 (coverage monitor; +feeds polled politely)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_FEED_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PAGE_BYTES = 3 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch that gave nothing usable; ``code`` is short and stable (shown on the feed's health)."""

    def __init__(self, code: str, message: str, *, status: int | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


@dataclass
class FetchResult:
    status: int
    url: str  # after allowed redirects
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _setting(name: str, default: str | None = None) -> str | None:
    if has_app_context() and current_app.config.get(name) is not None:
        return str(current_app.config[name])
    return os.environ.get(name, default)


def max_feed_bytes() -> int:
    return int(_setting("MONITORING_MAX_FEED_BYTES", str(DEFAULT_MAX_FEED_BYTES)))


def timeout() -> float:
    return float(_setting("MONITORING_TIMEOUT", str(DEFAULT_TIMEOUT)))


def allow_private() -> bool:
    return (_setting("MONITORING_ALLOW_PRIVATE", "") or "").lower() in ("1", "true", "yes")


def resolve_map() -> dict[str, str]:
    """``{"baotinh.test": "127.0.0.1:8123"}`` from ``MONITORING_RESOLVE``."""
    out = {}
    for part in (_setting("MONITORING_RESOLVE", "") or "").split(","):
        if "=" in part:
            host, address = part.split("=", 1)
            out[host.strip().lower()] = address.strip()
    return out


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def host_allowed(host: str, allowed: set[str]) -> bool:
    """The host itself or a subdomain of an allowed one (``m.baotinh.vn`` under ``baotinh.vn``)."""
    host = host.lower().rstrip(".")
    return any(host == a or host.endswith("." + a) for a in allowed if a)


# --- the fetcher's only contact with the network (tests replace these two) ---------------------------

def resolve_host(host: str, port: int) -> list[str]:
    """The addresses of ``host`` (IDNA), in the resolver's order, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to ``address``: one ``resolve_host`` gave and the fetcher checked (or one
    ``MONITORING_RESOLVE`` names), never a name looked up again."""
    return socket.create_connection((address, port), timeout=timeout)


def tls_context() -> ssl.SSLContext:
    """Certificates checked against certifi's authorities (``REQUESTS_CA_BUNDLE`` if set, as before)."""
    return _tls_context(os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where())


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


# --- one deadline for the whole fetch ---------------------------------------------------------------

class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchError:
        return FetchError("timeout", f"No answer within {self.seconds:g} s")


class _Watchdog:
    """Shuts the connection's socket down when the deadline comes: a blocked read ends at once, however
    slowly the server drips (a socket timeout alone would apply to each read)."""

    def __init__(self, conn: _PinnedConnection, seconds: float):
        self.conn, self.fired, self._done = conn, False, False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            sock = self.conn.live
            if sock is not None:
                try:  # the plain socket's shutdown, also under TLS (no TLS goodbye from this thread)
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()


def _resolve_within(host: str, port: int, deadline: _Deadline) -> list[str]:
    """``resolve_host`` bounded by the deadline (a resolver that hangs cannot hold the poller)."""
    box: dict = {}

    def run() -> None:
        try:
            box["answers"] = resolve_host(host, port)
        except Exception as exc:  # gaierror, UnicodeError for odd labels, ...
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.error()
    if "error" in box:
        raise FetchError("dns", f"Cannot resolve {host}: {box['error']}")
    return box["answers"]


# --- where one hop goes -----------------------------------------------------------------------------

@dataclass
class _Target:
    url: str
    host: str  # as allowed hosts are compared (lower case, no final dot)
    wire_host: str  # ASCII (IDNA): Host, SNI, the certificate's name, the lookup
    port: int
    tls: bool
    path: str  # the request target: path and query, quoted
    host_header: str
    fixed: str | None = None  # the address MONITORING_RESOLVE gives


def _target(url: str, allowed: set[str]) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("bad_url", f"Not a valid address: {url[:300]}") from None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host_allowed(host, allowed):
        raise FetchError("redirect_refused", f"Redirect to another host refused: {url[:300]}")
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError("bad_url", f"Only http and https addresses are fetched: {url[:300]}")
    try:
        wire_host = host if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise FetchError("bad_url", f"Not a valid host name: {host[:300]}") from None
    shown = f"[{wire_host}]" if ":" in wire_host else wire_host
    host_header = shown if port in (None, DEFAULT_PORTS[scheme]) else f"{shown}:{port}"
    path = requote_uri(urlunsplit(("", "", parts.path or "/", parts.query, "")))
    fixed = resolve_map().get(host)
    if fixed is not None:  # plain HTTP at the given address, as curl --resolve (test rigs)
        try:
            given = urlsplit("//" + fixed)
            return _Target(url, host, wire_host, given.port or 80, False, path, host_header, given.hostname)
        except ValueError:
            raise FetchError("bad_url", f"MONITORING_RESOLVE has no valid address for {host}") from None
    return _Target(url, host, wire_host, port or DEFAULT_PORTS[scheme], scheme == "https", path, host_header)


def _addresses(target: _Target, deadline: _Deadline) -> list[str]:
    """Where the hop may connect: the name resolved once, every answer checked."""
    if target.fixed:
        return [target.fixed]
    answers = _resolve_within(target.wire_host, target.port, deadline)
    if not answers:
        raise FetchError("dns", f"Cannot resolve {target.host}: no address")
    if allow_private():
        return answers
    checked = []
    for answer in answers:
        try:
            address = addresses.parse(answer)
        except ValueError:
            raise FetchError("dns", f"{target.host} resolves to something that is not an address") from None
        why = addresses.refusal(address)
        if why:
            raise FetchError("private_address",
                             f"{target.host} resolves to a non-public address ({answer}: {why})")
        checked.append(str(address))
    return checked


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) that speaks to ``host`` (``Host``, SNI, the certificate's name) over a socket opened to
    ``address``, already checked: nothing resolves the name again."""

    def __init__(self, host: str, port: int, address: str, tls: ssl.SSLContext | None, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address, self.tls = address, tls
        # The socket, kept for the watchdog: ``http.client`` hands it to a response that reads until the
        # server closes, and forgets it here (``sock`` is None then).
        self.live: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.live = open_socket(self.address, self.port, self.timeout)
        if self.tls is not None:
            self.sock = self.live = self.tls.wrap_socket(self.sock, server_hostname=self.host,
                                                         do_handshake_on_connect=False)
            self.sock.do_handshake()  # once ``live`` is set: the watchdog can cut a slow handshake


def _connect(target: _Target, deadline: _Deadline) -> tuple[_PinnedConnection, _Watchdog]:
    """Connected to the first checked address that answers; the watchdog keeps the deadline."""
    failure: OSError | None = None
    for address in _addresses(target, deadline):
        conn = _PinnedConnection(target.wire_host, target.port, address, tls_context() if target.tls else None,
                                 deadline.remaining())
        watchdog = _Watchdog(conn, deadline.remaining())
        try:
            conn.connect()
            return conn, watchdog
        except OSError as exc:
            watchdog.stop()
            conn.close()
            if watchdog.fired or isinstance(exc, TimeoutError):
                raise deadline.error() from None
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise FetchError("tls", f"Certificate refused for {target.host}: {exc.verify_message}") from None
            if isinstance(exc, ssl.SSLError):
                raise FetchError("tls", f"TLS failed with {target.host}: {exc.reason or type(exc).__name__}") from None
            failure = exc
    reason = (failure.strerror if failure else None) or type(failure).__name__
    raise FetchError("connection", f"Connection to {target.host} failed: {reason}")


# --- one hop ----------------------------------------------------------------------------------------

class _Inflate:
    """gzip or deflate (zlib or raw) decoded a piece at a time, never more than asked for at once."""

    def __init__(self, encoding: str):
        self.raw_fallback = encoding == "deflate"
        self.decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a zlib or gzip header

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self.decoder.decompress(data, limit)
        except zlib.error:
            if not self.raw_fallback:
                raise
            self.decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent without its header
            out = self.decoder.decompress(data, limit)
        self.raw_fallback = False
        return out


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """A 200's body, refused as soon as it is known to exceed ``max_bytes`` (declared, read or decoded)."""
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"Larger than {max_bytes} bytes ({declared})", status=200)
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    inflate = _Inflate(encoding) if encoding in ("gzip", "x-gzip", "deflate") else None
    body = bytearray()
    try:
        while chunk := response.read(CHUNK):
            body += inflate.feed(chunk, max_bytes + 1 - len(body)) if inflate else chunk
            if len(body) > max_bytes:
                raise FetchError("too_large", f"Larger than {max_bytes} bytes", status=200)
        if inflate:
            body += inflate.decoder.flush()
    except zlib.error:
        raise FetchError("bad_encoding", f"The body is not valid {encoding}", status=200) from None
    if len(body) > max_bytes:
        raise FetchError("too_large", f"Larger than {max_bytes} bytes", status=200)
    return bytes(body)


def _location(response: http.client.HTTPResponse) -> str:
    """The ``Location`` header; UTF-8 sent raw is read as UTF-8 (``http.client`` reads Latin-1)."""
    value = response.getheader("Location") or ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _request(conn: _PinnedConnection, target: _Target, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
    for name, value in {"Host": target.host_header, **headers, "Connection": "close"}.items():
        conn.putheader(name, value)
    conn.endheaders()
    return conn.getresponse()


def _hop(target: _Target, headers: dict[str, str], deadline: _Deadline, max_bytes: int) -> FetchResult | str:
    """One request: its result, or the next URL when it redirects."""
    conn, watchdog = _connect(target, deadline)
    response = None
    try:
        response = _request(conn, target, headers)
        if response.status in REDIRECT_STATUSES and response.getheader("Location"):
            return urljoin(target.url, _location(response))
        if response.status == 304:
            return FetchResult(304, target.url, etag=response.getheader("ETag") or headers.get("If-None-Match"),
                               last_modified=response.getheader("Last-Modified") or headers.get("If-Modified-Since"))
        if response.status != 200:
            raise FetchError("http_status", f"HTTP {response.status}", status=response.status,
                             retry_after=_retry_after(response.getheader("Retry-After")))
        body = _read_body(response, max_bytes)
        if watchdog.fired:  # a body without a length, cut at the deadline, would look complete
            raise deadline.error()
        return FetchResult(200, target.url, body, etag=response.getheader("ETag"),
                           last_modified=response.getheader("Last-Modified"),
                           content_type=response.getheader("Content-Type", ""), headers=dict(response.getheaders()))
    except http.client.InvalidURL:
        raise FetchError("bad_url", f"Not a valid address: {target.url[:300]}") from None
    except (OSError, http.client.HTTPException) as exc:
        if watchdog.fired or isinstance(exc, TimeoutError):
            raise deadline.error() from None
        raise FetchError("connection", f"Reading failed: {type(exc).__name__}") from None
    finally:
        watchdog.stop()
        if response is not None:
            response.close()
        conn.close()


def _retry_after(value: str | None) -> int | None:
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - clock.now()).total_seconds()))


def fetch(url: str, *, allowed_hosts: set[str], etag: str | None = None, last_modified: str | None = None,
          max_bytes: int | None = None, accept: str = "*/*") -> FetchResult:
    """GET ``url``; raises ``FetchError`` for anything that is not a usable 200 or 304."""
    max_bytes = max_bytes or max_feed_bytes()
    deadline = _Deadline(timeout())
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop_number in range(MAX_REDIRECTS + 1):
        outcome = _hop(_target(current, allowed_hosts), headers, deadline, max_bytes)
        if isinstance(outcome, FetchResult):
            return outcome
        current = outcome
    raise FetchError("redirect_loop", f"More than {MAX_REDIRECTS} redirects")
