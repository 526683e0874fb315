"""The audit log: one table and one helper every service calls for changes that matter."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.core import clock
from coordinator.core.db import UTCDateTime
from coordinator.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_office_created", "office_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(80))
    target_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime(), default=clock.now, nullable=False)


def _current_actor() -> tuple[int | None, str]:
    if not has_request_context():
        return None, "system"
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.email
    return None, "anonymous"


def record(
    action: str,
    target: Any,
    *,
    office_id: int | None = None,
    data: dict | None = None,
    actor_user_id: int | None = None,
    actor_label: str | None = None,
) -> AuditLog:
    """Add an audit row to the current transaction (the caller's commit saves both or neither).

    ``target`` is a model instance (its table name and id are recorded) or a
    ``(type, id)`` pair. The actor defaults to the logged-in user of the request.
    """
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        db.session.flush()
        target_type, target_id = target.__tablename__, target.id
    if office_id is None:
        office_id = getattr(target, "office_id", None)
        if office_id is None and target_type == "office":
            office_id = target_id
    default_actor_id, default_label = _current_actor()
    entry = AuditLog(
        office_id=office_id,
        actor_user_id=actor_user_id if actor_user_id is not None else default_actor_id,
        actor_label=actor_label or default_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
