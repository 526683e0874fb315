from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.core import clock
from coordinator.core.db import Row, UTCDateTime
from coordinator.extensions import db
from coordinator.offices.models import Office

ROLES = ("admin", "coordinator", "spokesperson", "viewer")


class User(UserMixin, db.Model):
    """A staff member of one office. Journalists are not users (they use signed links)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_login_at = mapped_column(UTCDateTime())
    # Two-factor sign-in (coordinator.users.twofactor): the TOTP secret once confirmed, the one being set up,
    # and the last time step whose code was accepted (a code is good once, even within its 30 seconds).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    office: Mapped[Office] = relationship(lazy="joined")

    # The secret of the session this request runs in (set by the session loader; never stored as such).
    session_token = None

    def get_id(self) -> str:  # Flask-Login keeps this in the session cookie: the session, not the user id
        return f"s.{self.session_token}" if self.session_token else ""

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


# What an API token may do: read (GET/HEAD), also write, or also the office's administration (staff,
# network trust and sharing). The user's role still limits every call.
TOKEN_SCOPES = ("read_only", "read_write", "admin")


class ApiToken(Row, db.Model):
    """A bearer token for the API. Only a SHA-256 hash is stored; the token is shown once."""

    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_used_at = mapped_column(UTCDateTime())
    revoked_at = mapped_column(UTCDateTime())
    expires_at = mapped_column(UTCDateTime())  # empty: never (only tokens made before expiry existed)
    scope: Mapped[str] = mapped_column(String(12), default="read_write", server_default="read_write")

    user: Mapped[User] = relationship(lazy="joined")


class UserSession(Row, db.Model):
    """One signed-in browser. The session cookie carries a secret whose SHA-256 is ``token_hash``; a
    remembered browser also holds a second, rotating secret (``remember_hash``) in its own cookie.
    A session counts only while ``revoked_at`` is empty: revoking the row ends it wherever it is."""

    __tablename__ = "user_session"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64))
    # The secret just replaced, accepted for a few seconds (a browser's requests in flight still carry it).
    remember_previous_hash: Mapped[str | None] = mapped_column(String(64))
    remember_rotated_at = mapped_column(UTCDateTime())
    remember_until = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    last_seen_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    revoked_at = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(lazy="joined")


class LoginThrottle(db.Model):
    """Failed logins per e-mail address (known or not, so a lock says nothing about who has an account).
    Kept in the database so every web worker sees the same count and the same lock."""

    __tablename__ = "login_throttle"

    email: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_failure_at = mapped_column(UTCDateTime())
    locked_until = mapped_column(UTCDateTime())


class RecoveryCode(Row, db.Model):
    """A single-use code that stands in for the authenticator app. Only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    used_at = mapped_column(UTCDateTime())


class PasswordReset(Row, db.Model):
    """A "forgot password" link: single use, expires; only the SHA-256 of its secret is kept."""

    __tablename__ = "password_reset"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)
    expires_at = mapped_column(UTCDateTime(), nullable=False)
    used_at = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")
