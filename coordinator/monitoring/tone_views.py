"""Pages for an article's tone: every article with its tone (``/coverage/articles``), the article page (its
proposed tone, the phrases that decided it, its briefing proposals) and the one-click answer (accept or
correct) used there and in the review queue."""
from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from coordinator.attendance.models import TONES
from coordinator.contacts.models import Outlet
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import ArticleTone, FeedItem, MatchProposal
from coordinator.monitoring.views import PER_PAGE, _back, _run, bp


@bp.app_template_global()
def tone_model_summary() -> dict:
    """For the queue's side card: which model proposes, the office's labels and its latest version."""
    office_id = current_office_id()
    return {"using": ops.model_for(office_id).version, "labels": ops.label_count(office_id),
            "latest": ops.latest_model(office_id), "min_labels": ops.min_labels()}


@bp.get("/coverage/articles")
@require("read")
def articles() -> ResponseReturnValue:
    """Every article found in the office's feeds (matched to a briefing or not), newest first, with its tone;
    filtered by tone (the label, else the proposal), by outlet, and to those staff have not answered yet."""
    office_id = current_office_id()
    tone_filter = request.args.get("tone") if request.args.get("tone") in TONES else None
    outlet_id = request.args.get("outlet_id", type=int)
    unanswered = request.args.get("unanswered") == "1"
    query = (select(FeedItem).outerjoin(ArticleTone, ArticleTone.item_id == FeedItem.id)
             .where(FeedItem.office_id == office_id))
    if tone_filter:
        query = query.where(func.coalesce(ArticleTone.label, ArticleTone.proposed) == tone_filter)
    if outlet_id:
        query = query.where(FeedItem.outlet_id == outlet_id)
    if unanswered:
        query = query.where(ArticleTone.label.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, request.args.get("page", 1, type=int))
    rows = list(db.session.scalars(query.order_by(FeedItem.published_at.desc(), FeedItem.id.desc())
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    outlets = list(db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.office_id == office_id)
                                      .order_by(Outlet.name_folded)))
    filters = {"tone": tone_filter, "outlet_id": outlet_id, "unanswered": "1" if unanswered else None}
    return render_template("monitoring/articles.html", rows=rows, total=total, page=page,
                           pages=max(1, (total + PER_PAGE - 1) // PER_PAGE), outlets=outlets, filters=filters,
                           can_edit=can(current_user, "edit"))


@bp.get("/coverage/articles/<int:item_id>")
@require("read")
def article(item_id: int) -> ResponseReturnValue:
    item = get_or_404(FeedItem, item_id)
    proposals = list(db.session.scalars(select(MatchProposal).where(MatchProposal.item_id == item.id)
                                        .order_by(MatchProposal.score.desc())))
    return render_template("monitoring/article.html", item=item, proposals=proposals,
                           can_edit=can(current_user, "edit"))


@bp.post("/coverage/articles/<int:item_id>/tone")
@require("edit")
def label_tone(item_id: int) -> ResponseReturnValue:
    item = get_or_404(FeedItem, item_id)
    value = request.form.get("tone")
    done = _run(lambda: ops.label_item(item, value, user_id=current_user.id), _("Đã ghi nhận sắc thái."))
    if done is not None and done.label_source == "corrected":
        flash(_("Cảm ơn: sửa đổi này giúp mô hình của cơ quan học theo cách đánh giá của bạn."), "info")
    return _back(url_for("monitoring.article", item_id=item.id))
