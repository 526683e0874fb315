"""Polite HTTP for feeds and article pages (``requests``).

- conditional GET (``If-None-Match`` / ``If-Modified-Since``) so an unchanged feed costs a 304;
- timeouts on connect and read, and a size cap read as a stream (a huge feed is cut off, not loaded);
- redirects followed by hand, only to the allowed hosts (the feed's own host and the outlet's domains);
- addresses on private networks refused unless ``MONITORING_ALLOW_PRIVATE`` (an office cannot make the
  server probe its own network);
- ``MONITORING_RESOLVE`` (``host=ip:port,...``), like curl's ``--resolve``: fixed addresses for named
  hosts, for test rigs and for outlets reached through a known address.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from flask import current_app, has_app_context

from coordinator.core import clock

USER_AGENT = "PressBriefingCoordinator/1.0 (coverage monitor; +feeds polled politely)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_FEED_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PAGE_BYTES = 3 * 1024 * 1024
MAX_REDIRECTS = 5


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


def _check_address(host: str) -> None:
    if host in resolve_map() or (_setting("MONITORING_ALLOW_PRIVATE", "") or "").lower() in ("1", "true", "yes"):
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise FetchError("dns", f"Cannot resolve {host}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise FetchError("private_address", f"{host} resolves to a private address ({address})")


def _target(url: str) -> tuple[str, dict[str, str]]:
    """The URL actually requested and extra headers: a resolved host keeps its name in ``Host``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    address = resolve_map().get(host)
    if address is None:
        return url, {}
    return urlunsplit((parts.scheme if parts.scheme == "http" else "http", address, parts.path or "/",
                       parts.query, "")), {"Host": parts.netloc}


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


def _read_body(response: requests.Response, max_bytes: int) -> bytes:
    """A 200's body, refused as soon as it is known to exceed ``max_bytes`` (declared or read)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"Larger than {max_bytes} bytes ({declared})", status=200)
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchError("too_large", f"Larger than {max_bytes} bytes", status=200)
    except requests.RequestException as exc:
        raise FetchError("timeout" if "timed out" in str(exc).lower() else "connection",
                         f"Reading failed: {type(exc).__name__}") from None
    return bytes(body)


def fetch(url: str, *, allowed_hosts: set[str], etag: str | None = None, last_modified: str | None = None,
          max_bytes: int | None = None, accept: str = "*/*") -> FetchResult:
    """GET ``url``; raises ``FetchError`` for anything that is not a usable 200 or 304."""
    max_bytes = max_bytes or max_feed_bytes()
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        host = host_of(current)
        if not host_allowed(host, allowed_hosts):
            raise FetchError("redirect_refused", f"Redirect to another host refused: {current[:300]}")
        _check_address(host)
        target, extra = _target(current)
        try:
            response = requests.get(target, headers={**headers, **extra}, timeout=(timeout(), timeout()),
                                    allow_redirects=False, stream=True)
        except requests.Timeout:
            raise FetchError("timeout", f"No answer within {timeout():.0f} s") from None
        except requests.RequestException as exc:
            raise FetchError("connection", f"Connection failed: {type(exc).__name__}") from None
        with response:
            if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            if response.status_code == 304:
                return FetchResult(304, current, etag=response.headers.get("ETag") or etag,
                                   last_modified=response.headers.get("Last-Modified") or last_modified)
            if response.status_code != 200:
                raise FetchError("http_status", f"HTTP {response.status_code}", status=response.status_code,
                                 retry_after=_retry_after(response.headers.get("Retry-After")))
            return FetchResult(200, current, _read_body(response, max_bytes), etag=response.headers.get("ETag"),
                               last_modified=response.headers.get("Last-Modified"),
                               content_type=response.headers.get("Content-Type", ""),
                               headers=dict(response.headers))
    raise FetchError("redirect_loop", f"More than {MAX_REDIRECTS} redirects")
