"""Staff pages: policies, the annual plan, progress with the needs-attention list, consultation comments."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from coordinator.attendance.models import Coverage, Question
from coordinator.contacts.models import Beat, DistributionList
from coordinator.contacts.operations import office_today
from coordinator.core import clock, uow
from coordinator.core.errors import DomainError
from coordinator.core.i18n import format_local
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.policies import exports, progress
from coordinator.policies import operations as ops
from coordinator.policies.forms import PlanForm, PlanItemForm, PolicyForm, TriageForm
from coordinator.policies.models import (
    COMMENT_STATUSES,
    LINK_KINDS,
    STAGES,
    CommunicationPlan,
    PlanItem,
    Policy,
    PolicyComment,
)
from coordinator.schedule.models import Briefing
from coordinator.web import navigation
from coordinator.web.forms import apply_errors
from coordinator.web.navigation import NavItem

bp = Blueprint("policies", __name__, url_prefix="/policies")

navigation.add(NavItem("policies.index", _l("Chính sách"), "read", "policies."))


@bp.app_context_processor
def _helpers() -> dict:
    return {"policy_stage_label": lambda s: ops.STAGE_LABELS.get(s, s),
            "comment_status_label": lambda s: ops.COMMENT_STATUS_LABELS.get(s, s),
            "policy_links_for": _links_for, "open_consultations": _open_consultations}


def _open_consultations(office_id: int) -> list[Policy]:
    from coordinator.policies.consult import open_policies

    return open_policies(office_id)


def _links_for(kind: str, object_id: int) -> dict:
    """For the link box on another domain's page: linked policies and the ones that could be linked."""
    office_id = current_office_id()
    linked = ops.policies_linked_to(office_id, kind, object_id)
    taken = {p.id for p in linked}
    others = [p for p in db.session.scalars(select(Policy).where(Policy.office_id == office_id)
                                            .order_by(Policy.name)) if p.id not in taken]
    return {"kind": kind, "object_id": object_id, "linked": linked, "others": others,
            "can_edit": can(current_user, "edit")}


def _beat_choices(blank: str | None) -> list[SelectChoice]:
    rows = db.session.scalars(select(Beat).where(Beat.office_id == current_office_id()).order_by(Beat.name))
    return ([SelectChoice(0, blank)] if blank else []) + [SelectChoice(b.id, b.name) for b in rows]


def _list_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(DistributionList).where(DistributionList.office_id == current_office_id())
                              .order_by(DistributionList.name))
    return [SelectChoice(row.id, row.name) for row in rows]


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _submit(form: FlaskForm, change: Callable[[], Any], reload: Callable[[], Any] | None = None) -> Any:
    """Run ``change`` when ``form`` was posted and is valid; returns what it returned (the object it created
    or changed), or None when the form is invalid or the change refused. A refusal abandons the unit of work
    and puts each message under its field; ``reload`` first reloads the object being edited (the rollback
    expired it), so the page shows what is stored."""
    if not form.validate_on_submit():
        return None
    try:
        return change()
    except DomainError as exc:
        if reload is not None:
            uow.abandon()
            reload()
        apply_errors(form, exc)
        return None


def _filter_arg(query: Any, column: Any, name: str, choices: tuple, default: str = "") -> tuple[Any, str]:
    """``query`` narrowed to ``column == ?<name>=`` when that is one of ``choices``; the value in force ("" for
    all)."""
    value = request.args.get(name, default)
    if value in choices:
        return query.where(column == value), value
    return query, ""


def _year() -> int:
    raw = request.args.get("year", "")
    if raw.isdigit() and ops.MIN_YEAR <= int(raw) <= ops.MAX_YEAR:
        return int(raw)
    return office_today(current_office_id()).year


# --- policies ---------------------------------------------------------------------------------------

@bp.get("/")
@require("read")
def index() -> ResponseReturnValue:
    query, stage = _filter_arg(select(Policy).where(Policy.office_id == current_office_id()), Policy.stage, "stage",
                               STAGES)
    policies = list(db.session.scalars(query.order_by(Policy.name)))
    pending = dict(db.session.execute(select(PolicyComment.policy_id, func.count()).where(
        PolicyComment.office_id == current_office_id(), PolicyComment.status == "pending")
        .group_by(PolicyComment.policy_id)).all())
    return render_template("policies/index.html", policies=policies, stage=stage, stages=STAGES, pending=pending,
                           can_edit=can(current_user, "edit"))


def _policy_form(policy: Policy | None) -> PolicyForm:
    form = PolicyForm(obj=policy) if request.method == "GET" and policy is not None else PolicyForm()
    if request.method == "GET" and policy is not None:
        form.beat_id.data = policy.beat_id or 0
    form.beat_id.choices = _beat_choices(_("— Không chọn —"))
    return form


def _policy_data(form: PolicyForm) -> dict:
    return {"name": form.name.data or "", "description": form.description.data or "",
            "beat_id": form.beat_id.data or None, "owner_department": form.owner_department.data or "",
            "stage": form.stage.data, "drafting_on": form.drafting_on.data, "issued_on": form.issued_on.data,
            "in_force_on": form.in_force_on.data, "under_review_on": form.under_review_on.data,
            "document_number": form.document_number.data or "",
            "consultation_open": bool(form.consultation_open.data),
            "citizen_comments": bool(form.citizen_comments.data)}


@bp.route("/new", methods=["GET", "POST"])
@require("edit")
def new() -> ResponseReturnValue:
    form = _policy_form(None)
    policy = _submit(form, lambda: ops.create_policy(current_office_id(), _policy_data(form)))
    if policy is not None:
        flash(_("Đã thêm chính sách."), "success")
        return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_template("policies/form.html", form=form, policy=None), 422 if form.errors else 200


@bp.route("/<int:policy_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit(policy_id: int) -> ResponseReturnValue:
    policy = get_or_404(Policy, policy_id)
    form = _policy_form(policy)
    if _submit(form, lambda: ops.update_policy(policy, _policy_data(form)), lambda: get_or_404(Policy, policy_id)):
        flash(_("Đã lưu chính sách."), "success")
        return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_template("policies/form.html", form=form, policy=policy), 422 if form.errors else 200


@bp.post("/<int:policy_id>/delete")
@require("edit")
def delete(policy_id: int) -> ResponseReturnValue:
    policy = get_or_404(Policy, policy_id)
    ops.delete_policy(policy)
    flash(_("Đã xoá chính sách."), "success")
    return redirect(url_for("policies.index"))


def _link_choices(policy: Policy) -> dict[str, list[SelectChoice]]:
    office_id = current_office_id()
    tz = current_user.office.timezone
    since = clock.now() - timedelta(days=400)
    briefings = db.session.scalars(select(Briefing).where(Briefing.office_id == office_id, Briefing.start >= since,
                                                          Briefing.start <= clock.now() + timedelta(days=370),
                                                          Briefing.status != "cancelled")
                                   .order_by(Briefing.start.desc()).limit(200))
    packs = db.session.scalars(select(Pack).where(Pack.office_id == office_id).order_by(Pack.created_at.desc())
                               .limit(200))
    questions = db.session.scalars(select(Question).where(Question.office_id == office_id)
                                   .order_by(Question.asked_at.desc()).limit(200))
    coverage = db.session.scalars(select(Coverage).where(Coverage.office_id == office_id)
                                  .order_by(Coverage.published_on.desc()).limit(200))
    return {
        "briefing": [SelectChoice(b.id, f"{format_local(b.start, tz, pattern='dd/MM/yyyy')} · {b.effective_title}")
                     for b in briefings],
        "pack": [SelectChoice(p.id, f"{p.title} (v{p.version})") for p in packs],
        "question": [SelectChoice(q.id, q.text[:90]) for q in questions],
        "coverage": [SelectChoice(c.id, f"{c.published_on:%d/%m/%Y} · {c.outlet.name} · {c.title or c.url}"[:120])
                     for c in coverage],
    }


def _linked_objects(policy: Policy) -> dict[str, list]:
    ids = ops.linked_ids(policy.id)
    return {kind: [db.session.get(ops.LINK_TARGETS[kind], i) for i in ids[kind]] for kind in LINK_KINDS}


@bp.get("/<int:policy_id>")
@require("read")
def detail(policy_id: int) -> ResponseReturnValue:
    policy = get_or_404(Policy, policy_id)
    comments = progress.comment_summary([policy.id])[policy.id]
    plans = list(db.session.scalars(select(CommunicationPlan).join(PlanItem, PlanItem.plan_id == CommunicationPlan.id)
                                    .where(PlanItem.policy_id == policy.id).order_by(CommunicationPlan.year.desc())))
    return render_template("policies/detail.html", policy=policy, linked=_linked_objects(policy),
                           choices=_link_choices(policy) if can(current_user, "edit") else {},
                           comments=comments, plans=plans, can_edit=can(current_user, "edit"),
                           kinds=LINK_KINDS, link_labels=ops.LINK_LABELS)


@bp.post("/links")
@require("edit")
def links() -> ResponseReturnValue:
    """Link or unlink (``action``) a briefing/pack/question/coverage item; used by every page's link box."""
    raw_policy, raw_object = request.form.get("policy_id", ""), request.form.get("object_id", "")
    policy = get_or_404(Policy, int(raw_policy)) if raw_policy.isdigit() and len(raw_policy) < 10 else None
    if policy is None:
        flash(_("Hãy chọn một chính sách."), "error")
        return redirect(_safe_next(url_for("policies.index")))
    object_id = int(raw_object) if raw_object.isdigit() and len(raw_object) < 10 else None
    kind = request.form.get("kind")
    back = _safe_next(url_for("policies.detail", policy_id=policy.id))
    try:
        if request.form.get("action") == "remove":
            ops.unlink(policy, kind, object_id)
            message = _("Đã bỏ liên kết.")
        else:
            ops.link(policy, kind, object_id)
            message = _("Đã liên kết với chính sách.")
    except DomainError as exc:
        uow.abandon()
        for text in (exc.fields or {"_": exc.message}).values():
            flash(text, "error")
        return redirect(back)
    flash(message, "success")
    return redirect(back)


# --- the annual plan --------------------------------------------------------------------------------

def _item_form(plan: CommunicationPlan, item: PlanItem | None) -> PlanItemForm:
    form = PlanItemForm(prefix="item")
    if request.method == "GET" and item is not None:
        form.policy_id.data = item.policy_id
        for q in range(4):
            getattr(form, f"b{q + 1}").data = item.planned_briefings[q]
            getattr(form, f"p{q + 1}").data = item.planned_packs[q]
        form.beat_ids.data = (item.audience or {}).get("beat_ids", [])
        form.list_ids.data = (item.audience or {}).get("list_ids", [])
        form.responsible.data = item.responsible
    taken = {i.policy_id for i in plan.items if item is None or i.id != item.id}
    form.policy_id.choices = [SelectChoice(0, _("— Chọn chính sách —"))] + [
        SelectChoice(p.id, p.name) for p in db.session.scalars(select(Policy).where(
            Policy.office_id == plan.office_id).order_by(Policy.name)) if p.id not in taken]
    form.beat_ids.choices = _beat_choices(None)
    form.list_ids.choices = _list_choices()
    return form


def _item_data(form: PlanItemForm) -> dict:
    return {"policy_id": form.policy_id.data or None,
            "planned_briefings": [getattr(form, f"b{q}").data or 0 for q in (1, 2, 3, 4)],
            "planned_packs": [getattr(form, f"p{q}").data or 0 for q in (1, 2, 3, 4)],
            "audience": {"beat_ids": list(form.beat_ids.data or []), "list_ids": list(form.list_ids.data or [])},
            "responsible": form.responsible.data or ""}


def _plan_data(form: PlanForm) -> dict:
    return {"year": form.year.data, "title": form.title.data or "", "responsible": form.responsible.data or "",
            "notes": form.notes.data or ""}


def _plan_page(year: int, *, plan_form: PlanForm | None = None, item_form: PlanItemForm | None = None,
               status: int = 200) -> ResponseReturnValue:
    plan = ops.plan_for_year(current_office_id(), year)
    if plan_form is None:
        plan_form = PlanForm(prefix="plan", obj=plan) if plan is not None else PlanForm(prefix="plan")
        if plan is None:
            plan_form.year.data = year
    if plan is not None and item_form is None:
        item_form = _item_form(plan, None)
    beats = {b.id: b.name for b in db.session.scalars(select(Beat).where(Beat.office_id == current_office_id()))}
    lists = {d.id: d.name for d in db.session.scalars(select(DistributionList).where(
        DistributionList.office_id == current_office_id()))}
    years = list(db.session.scalars(select(CommunicationPlan.year).where(
        CommunicationPlan.office_id == current_office_id()).order_by(CommunicationPlan.year.desc())))
    return render_template("policies/plan.html", plan=plan, year=year, plan_form=plan_form, item_form=item_form,
                           beats=beats, lists=lists, years=years, can_edit=can(current_user, "edit")), status


@bp.get("/plan")
@require("read")
def plan_page() -> ResponseReturnValue:
    return _plan_page(_year())


@bp.post("/plans")
@require("edit")
def create_plan() -> ResponseReturnValue:
    form = PlanForm(prefix="plan")
    plan = _submit(form, lambda: ops.create_plan(current_office_id(), _plan_data(form)))
    if plan is not None:
        flash(_("Đã tạo kế hoạch năm %(y)s.", y=plan.year), "success")
        return redirect(url_for("policies.plan_page", year=plan.year))
    year = form.year.data if isinstance(form.year.data, int) and ops.MIN_YEAR <= form.year.data <= ops.MAX_YEAR \
        else office_today(current_office_id()).year
    return _plan_page(year, plan_form=form, status=422)


@bp.post("/plans/<int:plan_id>/edit")
@require("edit")
def edit_plan(plan_id: int) -> ResponseReturnValue:
    plan = get_or_404(CommunicationPlan, plan_id)
    form = PlanForm(prefix="plan")
    if _submit(form, lambda: ops.update_plan(plan, _plan_data(form)), lambda: get_or_404(CommunicationPlan, plan_id)):
        flash(_("Đã lưu kế hoạch."), "success")
        return redirect(url_for("policies.plan_page", year=plan.year))
    return _plan_page(plan.year, plan_form=form, status=422)


@bp.post("/plans/<int:plan_id>/delete")
@require("edit")
def delete_plan(plan_id: int) -> ResponseReturnValue:
    plan = get_or_404(CommunicationPlan, plan_id)
    year = plan.year
    ops.delete_plan(plan)
    flash(_("Đã xoá kế hoạch."), "success")
    return redirect(url_for("policies.plan_page", year=year))


@bp.post("/plans/<int:plan_id>/items")
@require("edit")
def add_item(plan_id: int) -> ResponseReturnValue:
    plan = get_or_404(CommunicationPlan, plan_id)
    form = _item_form(plan, None)
    if _submit(form, lambda: ops.add_item(plan, _item_data(form))):
        flash(_("Đã thêm chính sách vào kế hoạch."), "success")
        return redirect(url_for("policies.plan_page", year=plan.year))
    return _plan_page(plan.year, item_form=form, status=422)


def _item(plan_id: int, item_id: int) -> PlanItem:
    plan = get_or_404(CommunicationPlan, plan_id)
    item = get_or_404(PlanItem, item_id)
    if item.plan_id != plan.id:
        abort(404)
    return item


@bp.route("/plans/<int:plan_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_item(plan_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(plan_id, item_id)
    form = _item_form(item.plan, item)
    if _submit(form, lambda: ops.update_item(item, _item_data(form)), lambda: _item(plan_id, item_id)):
        flash(_("Đã lưu."), "success")
        return redirect(url_for("policies.plan_page", year=item.plan.year))
    return render_template("policies/item_form.html", item=item, form=form), 422 if form.errors else 200


@bp.post("/plans/<int:plan_id>/items/<int:item_id>/delete")
@require("edit")
def delete_item(plan_id: int, item_id: int) -> ResponseReturnValue:
    item = _item(plan_id, item_id)
    year = item.plan.year
    ops.delete_item(item)
    flash(_("Đã bỏ chính sách khỏi kế hoạch."), "success")
    return redirect(url_for("policies.plan_page", year=year))


# --- progress and export ----------------------------------------------------------------------------

@bp.get("/progress")
@require("read")
def progress_page() -> ResponseReturnValue:
    year = _year()
    plan = ops.plan_for_year(current_office_id(), year)
    data = progress.progress(plan) if plan is not None else None
    return render_template("policies/progress.html", plan=plan, year=year, data=data)


@bp.get("/plans/<int:plan_id>/export.<fmt>")
@require("read")
def export(plan_id: int, fmt: str) -> ResponseReturnValue:
    plan = get_or_404(CommunicationPlan, plan_id)
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    body, mimetype, filename = exports.export(plan, fmt)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- consultation comments --------------------------------------------------------------------------

@bp.get("/comments")
@require("read")
def comments() -> ResponseReturnValue:
    return _comments_page()


def _comments_page(forms: dict[int, TriageForm] | None = None, status_code: int = 200) -> ResponseReturnValue:
    query, status = _filter_arg(select(PolicyComment).where(PolicyComment.office_id == current_office_id()),
                                PolicyComment.status, "status", COMMENT_STATUSES, "pending")
    rows = list(db.session.scalars(query.order_by(PolicyComment.created_at.desc()).limit(300)))
    forms = forms or {}
    for row in rows:
        if row.id not in forms:
            form = TriageForm(prefix=f"c{row.id}", formdata=None)
            form.status.data = "answered" if row.status == "pending" else row.status
            form.reply.data = row.reply or ""
            forms[row.id] = form
    counts = dict(db.session.execute(select(PolicyComment.status, func.count()).where(
        PolicyComment.office_id == current_office_id()).group_by(PolicyComment.status)).all())
    return render_template("policies/comments.html", rows=rows, forms=forms, status=status, counts=counts,
                           statuses=COMMENT_STATUSES, can_answer=can(current_user, "answer")), status_code


@bp.post("/comments/<int:comment_id>/triage")
@require("answer")
def triage(comment_id: int) -> ResponseReturnValue:
    comment = get_or_404(PolicyComment, comment_id)
    form = TriageForm(prefix=f"c{comment.id}")
    if _submit(form, lambda: ops.triage_comment(comment, {"status": form.status.data, "reply": form.reply.data or ""},
                                                user_id=current_user.id)):
        flash(_("Đã xử lý góp ý."), "success")
        return redirect(url_for("policies.comments", status=request.args.get("status", "pending")))
    return _comments_page({comment_id: form}, 422)
