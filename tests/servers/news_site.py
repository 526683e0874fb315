"""A local news site for the coverage-monitoring tests: RSS and Atom feeds and article pages, for any
number of imagined outlets, told apart by the ``Host`` header (the app reaches them through
``MONITORING_RESOLVE=host=127.0.0.1:port``).

A page is registered with ``site.page(host, path, body, ...)``: its status, content type, ETag and
Last-Modified (a matching ``If-None-Match``/``If-Modified-Since`` answers 304), a delay (a slow
server), a redirect (``location``), a ``Retry-After``. The site records every request and the
highest number of requests it served at once per host.

Example::

    with NewsSite() as site:
        site.page("baotinh.test", "/rss", rss(...), etag='"v1"')
        ... MONITORING_RESOLVE = site.resolve("baotinh.test")
"""
from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Self
from xml.sax.saxutils import escape


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    location: str | None = None
    retry_after: str | None = None


@dataclass
class Hit:
    host: str
    path: str
    headers: dict[str, str]
    status: int
    at: float = field(default_factory=time.monotonic)


class NewsSite:
    def __init__(self) -> None:
        self.pages: dict[tuple[str, str], Page] = {}
        self.hits: list[Hit] = []
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                path = self.path
                with site._lock:
                    site.active[host] = site.active.get(host, 0) + 1
                    site.max_active[host] = max(site.max_active.get(host, 0), site.active[host])
                try:
                    status = self._answer(host, path)
                finally:
                    with site._lock:
                        site.active[host] -= 1
                site.hits.append(Hit(host, path, dict(self.headers), status))

            def _answer(self, host: str, path: str) -> int:
                page = site.pages.get((host, path))
                if page is None:
                    return self._send(404, b"not found", "text/plain")
                if page.delay:
                    time.sleep(page.delay)
                if page.location:
                    return self._send(page.status if page.status in (301, 302, 307, 308) else 302, b"", "text/plain",
                                      {"Location": page.location})
                extra = {}
                if page.etag:
                    extra["ETag"] = page.etag
                if page.last_modified:
                    extra["Last-Modified"] = page.last_modified
                if page.retry_after:
                    extra["Retry-After"] = page.retry_after
                if page.status == 200 and (
                        (page.etag and self.headers.get("If-None-Match") == page.etag)
                        or (page.last_modified and self.headers.get("If-Modified-Since") == page.last_modified)):
                    return self._send(304, b"", None, extra)
                return self._send(page.status, page.body, page.content_type, extra)

            def _send(self, status: int, body: bytes, content_type: str | None, extra: dict | None = None) -> int:
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return status

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def page(self, host: str, path: str, body: bytes | str = b"", **options) -> Page:
        page = Page(body.encode() if isinstance(body, str) else body, **options)
        self.pages[(host, path)] = page
        return page

    def resolve(self, *hosts: str) -> str:
        """The ``MONITORING_RESOLVE`` value sending these hosts to this server."""
        return ",".join(f"{host}=127.0.0.1:{self.port}" for host in hosts)

    def hits_for(self, host: str, path: str) -> list[Hit]:
        return [h for h in self.hits if h.host == host and h.path == path]


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def rss(title: str, items: list[dict]) -> str:
    """RSS 2.0: each item {title, link?, guid?, summary, published (datetime), content?}."""
    parts = []
    for item in items:
        link = f"<link>{escape(item['link'])}</link>" if item.get("link") else ""
        guid = f"<guid>{escape(item['guid'])}</guid>" if item.get("guid") else ""
        content = (f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
                   if item.get("content") else "")
        parts.append(f"<item><title>{escape(item['title'])}</title>{link}{guid}"
                     f"<description>{escape(item.get('summary', ''))}</description>{content}"
                     f"<pubDate>{http_date(item['published'])}</pubDate></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{escape(title)}</title><link>http://example.test/</link><description>{escape(title)}"
            f"</description>{''.join(parts)}</channel></rss>")


def atom(title: str, items: list[dict]) -> str:
    parts = []
    for item in items:
        link = f'<link rel="alternate" href="{escape(item["link"])}"/>' if item.get("link") else ""
        parts.append(f"<entry><title>{escape(item['title'])}</title>{link}"
                     f"<id>{escape(item.get('guid') or item.get('link') or item['title'])}</id>"
                     f"<updated>{item['published'].astimezone(UTC).isoformat()}</updated>"
                     f"<summary>{escape(item.get('summary', ''))}</summary></entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
            f"<updated>{datetime.now(UTC).isoformat()}</updated>{''.join(parts)}</feed>")


def article_page(title: str, paragraphs: list[str]) -> str:
    """A news article page with menus, a sidebar and a footer around the text (for trafilatura)."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
            "<body><header><nav><a href='/'>Trang chủ</a> <a href='/thoi-su'>Thời sự</a> "
            "<a href='/kinh-te'>Kinh tế</a></nav></header>"
            f"<main><article><h1>{escape(title)}</h1><div class='content'>{body}</div></article></main>"
            "<aside><h2>Tin đọc nhiều</h2><ul><li><a href='/x'>Giá vàng hôm nay</a></li>"
            "<li><a href='/y'>Thời tiết cuối tuần</a></li></ul></aside>"
            "<footer>© Báo điện tử tỉnh. Giấy phép số 12/GP-BTTTT.</footer></body></html>")


if __name__ == "__main__":  # pragma: no cover - manual use
    with NewsSite() as s:
        print(f"serving on 127.0.0.1:{s.port}")
        while True:
            time.sleep(3600)
