"""The staff home page: what a press office acts on next (issue 25.9)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from coordinator.core.events import OutboxEvent
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id
from coordinator.extensions import db
from coordinator.mail.models import Delivery
from coordinator.web import dashboard as blocks
from coordinator.web.navigation import panels_for

bp = Blueprint("web", __name__)

RECENT = timedelta(days=7)


@blocks.register("deliveries", 50, "web/dashboard/_deliveries.html", action="read_mail")
def failed_deliveries(office_id: int) -> dict:
    """Messages that failed in the last 7 days (the newest few; the mail page lists them all)."""
    where = (Delivery.office_id == office_id, Delivery.state == "failed",
             Delivery.created_at >= blocks.now() - RECENT)
    total = db.session.scalar(select(func.count(Delivery.id)).where(*where)) or 0
    latest = list(db.session.scalars(select(Delivery).where(*where).order_by(Delivery.created_at.desc()).limit(3)))
    return {"total": total, "latest": latest}


@blocks.register("alerts", 5, "web/dashboard/_alerts.html")
def alerts(office_id: int) -> dict:
    """Background jobs that failed, addresses mail was refused to in the last 7 days."""
    jobs = db.session.scalar(select(func.count(OutboxEvent.id)).where(OutboxEvent.office_id == office_id,
                                                                      OutboxEvent.failed_at.is_not(None))) or 0
    suppressed = db.session.scalar(select(func.count(func.distinct(Delivery.recipient))).where(
        Delivery.office_id == office_id, Delivery.state == "suppressed",
        Delivery.created_at >= blocks.now() - RECENT)) or 0
    return {"jobs_failed": jobs, "suppressed": suppressed}


@bp.get("/")
@require("read")
def dashboard():
    return render_template("web/dashboard.html", blocks=blocks.blocks(current_user, current_office_id()),
                           panels=panels_for(current_user), may=lambda action: can(current_user, action))
