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

    office: Mapped[Office] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


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

    user: Mapped[User] = relationship(lazy="joined")
