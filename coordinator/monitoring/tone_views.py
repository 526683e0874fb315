"""Pages for an article's tone: the article page (its proposed tone, the phrases that decided it, its
briefing proposals) and the one-click answer (accept or correct) used there and in the review queue."""
from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import FeedItem, MatchProposal
from coordinator.monitoring.views import _back, _run, bp


@bp.app_template_global()
def tone_model_summary() -> dict:
    """For the queue's side card: which model proposes, the office's labels and its latest version."""
    office_id = current_office_id()
    return {"using": ops.model_for(office_id).version, "labels": ops.label_count(office_id),
            "latest": ops.latest_model(office_id), "min_labels": ops.min_labels()}


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
