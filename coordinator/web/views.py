"""The staff home page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.core.permissions import require
from coordinator.extensions import db
from coordinator.mail.models import Delivery
from coordinator.users.models import User
from coordinator.web.navigation import panels_for

bp = Blueprint("web", __name__)


@bp.get("/")
@require("read")
def dashboard():
    office_id = current_user.office_id
    count = lambda query: db.session.scalar(query)  # noqa: E731
    stats = {
        "staff": count(db.select(db.func.count(User.id)).where(User.office_id == office_id, User.active)),
        "mail_sent": count(db.select(db.func.count(Delivery.id)).where(Delivery.office_id == office_id,
                                                                        Delivery.state == "sent")),
        "jobs_failed": count(db.select(db.func.count(OutboxEvent.id)).where(OutboxEvent.office_id == office_id,
                                                                            OutboxEvent.failed_at.is_not(None))),
    }
    recent = db.session.scalars(db.select(AuditLog).where(AuditLog.office_id == office_id)
                                .order_by(AuditLog.created_at.desc()).limit(8))
    return render_template("web/dashboard.html", stats=stats, recent=list(recent), panels=panels_for(current_user))
