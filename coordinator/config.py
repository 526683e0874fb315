"""Configuration from the environment, exactly as CONTRACT.md names it.

Every variable is optional: without any, the app runs in the embedded default
(SQLite and an outbox folder under ``instance/``, a Redis the project starts
itself on a Unix socket there).
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
MAIL_BACKENDS = ("outbox", "smtp", "sendgrid")


def default_instance_path() -> Path:
    """``instance/`` at the repository root, unless COORDINATOR_INSTANCE_PATH says otherwise."""
    override = os.environ.get("COORDINATOR_INSTANCE_PATH")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent / "instance"


def embedded_redis_url(instance_path: Path) -> str:
    return f"unix://{instance_path / 'redis.sock'}"


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, or one generated once into ``instance/``."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        tmp = key_file.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        os.replace(tmp, key_file)
    return key_file.read_text().strip()


def limiter_storage_uri(redis_url: str) -> str:
    """The app's Redis as a Flask-Limiter storage URI (``unix:///x.sock`` → ``redis+unix:///x.sock``)."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


def _cookies_secure(env: Any) -> bool:
    """Cookies only over HTTPS: ``COOKIE_SECURE=1``/``0`` says so, else an https PUBLIC_BASE_URL does."""
    explicit = env.get("COOKIE_SECURE")
    if explicit in ("0", "1"):
        return explicit == "1"
    return env.get("PUBLIC_BASE_URL", "").startswith("https://")


def _proxy_hops(env: Any, name: str) -> int:
    value = env.get(name, "0") or "0"
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a number of proxies (0, 1, 2...), not {value!r}")
    return int(value)


def _inbound_secret(env: Any) -> str | None:
    """INBOUND_SECRET goes in the Inbound Parse URL's path: long and URL-safe, or the app does not start."""
    value = env.get("INBOUND_SECRET") or None
    if value is not None and (len(value) < 16 or not re.fullmatch(r"[A-Za-z0-9_-]+", value)):
        raise RuntimeError("INBOUND_SECRET must be at least 16 characters of A-Z, a-z, 0-9, '-' and '_'")
    return value


def _inbound_basic_auth(env: Any) -> str | None:
    value = env.get("INBOUND_BASIC_AUTH") or None
    if value is not None and (":" not in value or not value.partition(":")[0] or not value.partition(":")[2]):
        raise RuntimeError("INBOUND_BASIC_AUTH must be user:password")
    return value


def load_config(instance_path: Path) -> dict[str, Any]:
    env = os.environ
    redis_url = env.get("REDIS_URL") or embedded_redis_url(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'coordinator.db'}"
    mail_backend = env.get("MAIL_BACKEND", "outbox")
    if mail_backend not in MAIL_BACKENDS:
        raise RuntimeError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, not {mail_backend!r}")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "REDIS_EMBEDDED": not env.get("REDIS_URL"),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/"),
        "MAIL_BACKEND": mail_backend,
        "SENDGRID_API_KEY": env.get("SENDGRID_API_KEY"),
        "SENDGRID_API_HOST": env.get("SENDGRID_API_HOST", "https://api.sendgrid.com").rstrip("/"),
        "SENDGRID_WEBHOOK_PUBLIC_KEY": env.get("SENDGRID_WEBHOOK_PUBLIC_KEY"),
        # Webhooks fail closed: without SENDGRID_WEBHOOK_PUBLIC_KEY (events) or INBOUND_SECRET (Inbound Parse)
        # they answer 503, unless DEV_INSECURE_WEBHOOKS=1 (local work; `make run` sets it).
        "INBOUND_SECRET": _inbound_secret(env),
        "INBOUND_BASIC_AUTH": _inbound_basic_auth(env),
        "DEV_INSECURE_WEBHOOKS": env.get("DEV_INSECURE_WEBHOOKS") == "1",
        # Calendar replies: invites name rsvp+<token>@REPLY_DOMAIN as ORGANIZER and Reply-To.
        "REPLY_DOMAIN": (env.get("REPLY_DOMAIN") or "").strip().lower().lstrip("@") or None,
        "SMTP_URL": env.get("SMTP_URL"),
        "MAIL_FROM": env.get("MAIL_FROM"),
        "OUTBOX_DIR": str(instance_path / "outbox"),
        # Outbox events: how long a dispatched event may wait before the sweep enqueues it again, and
        # how long a handler's lease and a message's claim last without a heartbeat (a live worker renews
        # both every HEARTBEAT_SECONDS; a dead one's work is taken over once they run out).
        "EVENT_REDISPATCH_AFTER_SECONDS": int(env.get("EVENT_REDISPATCH_AFTER_SECONDS", "60")),
        "EVENT_LEASE_SECONDS": int(env.get("EVENT_LEASE_SECONDS", "20")),
        "EVENT_MAX_ATTEMPTS": int(env.get("EVENT_MAX_ATTEMPTS", "6")),
        "MAIL_CLAIM_SECONDS": int(env.get("MAIL_CLAIM_SECONDS", "20")),
        "HEARTBEAT_SECONDS": float(env.get("HEARTBEAT_SECONDS", "5")),
        # Connections a fan-out keeps busy at once (the provider answers each request in tens of ms).
        "MAIL_CONCURRENCY": int(env.get("MAIL_CONCURRENCY", "16")),
        # A fan-out of at least FANOUT_ASSIST_MIN recipients is shared by up to FANOUT_PARTS workers.
        "FANOUT_PARTS": int(env.get("FANOUT_PARTS", "4")),
        "FANOUT_ASSIST_MIN": int(env.get("FANOUT_ASSIST_MIN", "1000")),
        # An office's tone model: trained once it has this many labels, again after this many new ones.
        "TONE_MIN_LABELS": int(env.get("TONE_MIN_LABELS", "30")),
        "TONE_RETRAIN_AFTER": int(env.get("TONE_RETRAIN_AFTER", "20")),
        # Rate limits live in the app's Redis, so every gunicorn worker (and machine) counts together; if
        # Redis cannot be reached each process counts in memory meanwhile rather than failing the request.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or limiter_storage_uri(redis_url),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute"),
        # Per-account lockout (coordinator.users.lockout): after LOGIN_LOCK_AFTER failures, LOGIN_LOCK_MINUTES,
        # doubling with each further failure up to LOGIN_LOCK_MAX_MINUTES.
        "LOGIN_LOCK_AFTER": int(env.get("LOGIN_LOCK_AFTER", "5")),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", "1")),
        "LOGIN_LOCK_MAX_MINUTES": int(env.get("LOGIN_LOCK_MAX_MINUTES", "60")),
        # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug's ProxyFix).
        "PROXY_FIX_X_FOR": _proxy_hops(env, "PROXY_FIX_X_FOR"),
        "PROXY_FIX_X_PROTO": _proxy_hops(env, "PROXY_FIX_X_PROTO"),
        "PROXY_FIX_X_HOST": _proxy_hops(env, "PROXY_FIX_X_HOST"),
        "PROXY_FIX_X_PORT": _proxy_hops(env, "PROXY_FIX_X_PORT"),
        "PROXY_FIX_X_PREFIX": _proxy_hops(env, "PROXY_FIX_X_PREFIX"),
        # Sessions (coordinator.users.sessions): ended by the server, not only by the browser.
        "SESSION_MAX_IDLE_DAYS": int(env.get("SESSION_MAX_IDLE_DAYS", "30")),
        "REMEMBER_COOKIE_DAYS": int(env.get("REMEMBER_COOKIE_DAYS", "30")),
        "REMEMBER_GRACE_SECONDS": float(env.get("REMEMBER_GRACE_SECONDS", "30")),
        # Admins must sign in with a second factor (TOTP); an office can ask it of all its staff.
        "TWOFACTOR_ADMIN_REQUIRED": env.get("TWOFACTOR_ADMIN_REQUIRED", "1") != "0",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _cookies_secure(env),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _cookies_secure(env),
        # A journalist's links (invitation, unsubscribe, pack) end this many days after the briefing ends
        # or the pack is released (coordinator.invitations.tokens); the portal mails a fresh link.
        "JOURNALIST_LINK_DAYS": int(env.get("JOURNALIST_LINK_DAYS", "30")),
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_SORT_KEYS": False,
        # A request that commits more than once fails (coordinator.core.uow); on in the tests.
        "UOW_STRICT": env.get("UOW_STRICT") == "1",
    }
