"""Absolute links for mail and feeds, built from PUBLIC_BASE_URL (never from the request's Host)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: object) -> str:
    return _adapter().build(endpoint, values, force_external=True)


def _adapter():
    """A URL adapter bound to PUBLIC_BASE_URL, made once per app (a fan-out builds thousands of links)."""
    cache = current_app.extensions.setdefault("coordinator.external_urls", {})
    base_url = current_app.config["PUBLIC_BASE_URL"]
    if cache.get("base") != base_url:
        base = urlsplit(base_url)
        cache["adapter"] = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                                    url_scheme=base.scheme)
        cache["base"] = base_url
    return cache["adapter"]
