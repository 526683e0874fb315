"""Distribution list pages: the lists, a list with who it reaches, the form, members."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import SelectChoice

from coordinator.contacts import operations as ops
from coordinator.contacts.forms import AddMemberForm, ListForm
from coordinator.contacts.models import Beat, DistributionList, Outlet
from coordinator.contacts.views.common import (
    beat_rows,
    bp,
    find_journalist,
    form_status,
    outlet_choices,
    require_edit,
    save,
)
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db

# The form's rule fields ↔ the rule's keys.
_RULE_FIELDS = (("rule_beats", "beat_ids"), ("rule_kinds", "outlet_kinds"), ("rule_levels", "levels"),
                ("rule_outlets", "outlet_ids"))
_ERRORS = {"rule": "rule_beats"}  # a refused rule is shown under its first field


@bp.get("/lists")
@require("read")
def lists() -> Any:
    rows = list(db.session.scalars(select(DistributionList).where(DistributionList.office_id == current_office_id())
                                   .order_by(DistributionList.name)))
    summary = {dl.id: ops.member_counts(ops.list_members(dl)) for dl in rows}
    return render_template("contacts/lists.html", rows=rows, summary=summary)


def _list_form() -> ListForm:
    form = ListForm()
    form.rule_beats.choices = [SelectChoice(b.id, b.name) for b in beat_rows()]
    form.rule_outlets.choices = outlet_choices()
    return form


def _list_data(form: ListForm) -> dict:
    rule = {key: getattr(form, name).data or [] for name, key in _RULE_FIELDS}
    return {"name": form.name.data, "description": form.description.data,
            "rule": {k: v for k, v in rule.items() if v}}


@bp.route("/lists/new", methods=["GET", "POST"])
@require("edit")
def new_list() -> Any:
    form = _list_form()
    dl = save(form, lambda: ops.create_list(current_office_id(), _list_data(form)), _ERRORS)
    if dl is not None:
        flash(_("Đã tạo danh sách %(name)s.", name=dl.name), "success")
        return redirect(url_for("contacts.list_detail", list_id=dl.id))
    return render_template("contacts/list_form.html", form=form, dl=None), form_status(form)


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_list(list_id: int) -> Any:
    dl = get_or_404(DistributionList, list_id)
    form = _list_form()
    if request.method == "GET":
        rule = dl.rule or {}
        form.name.data, form.description.data = dl.name, dl.description
        for name, key in _RULE_FIELDS:
            getattr(form, name).data = rule.get(key, [])
    elif save(form, lambda: ops.update_list(dl, _list_data(form)), _ERRORS) is not None:
        flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for("contacts.list_detail", list_id=dl.id))
    return render_template("contacts/list_form.html", form=form, dl=dl), form_status(form)


def _rule_text(rule: dict) -> dict[str, list[str]]:
    """A list's rule in words: the names of its beats, kinds, levels and outlets."""
    return {
        "beats": [b.name for b in db.session.scalars(select(Beat).where(Beat.id.in_(rule.get("beat_ids") or [])))],
        "kinds": [str(ops.KIND_LABELS[k]) for k in rule.get("outlet_kinds") or []],
        "levels": [str(ops.LEVEL_LABELS[k]) for k in rule.get("levels") or []],
        "outlets": [o.name for o in db.session.scalars(
            select(Outlet).where(Outlet.id.in_(rule.get("outlet_ids") or [])))],
    }


@bp.route("/lists/<int:list_id>", methods=["GET", "POST"])
@require("read")
def list_detail(list_id: int) -> Any:
    """The list, who it reaches and who it leaves out (with the reason); POST adds a fixed member."""
    dl = get_or_404(DistributionList, list_id)
    form = AddMemberForm()
    status = 200
    if request.method == "POST":
        require_edit()
        if form.validate_on_submit():
            person = find_journalist(form.who.data)
            if person is None:
                form.who.errors.append(_("Không tìm thấy nhà báo này."))
            else:
                ops.add_members(dl, [person])
                flash(_("Đã thêm %(name)s vào danh sách.", name=person.full_name), "success")
                return redirect(url_for("contacts.list_detail", list_id=dl.id))
        status = 422
    members = ops.list_members(dl)
    return render_template("contacts/list.html", dl=dl, form=form, rule_text=_rule_text(dl.rule or {}),
                           included=[m for m in members if m["included"]],
                           excluded=[m for m in members if not m["included"]]), status


@bp.post("/lists/<int:list_id>/members/<int:journalist_id>/remove")
@require("edit")
def remove_list_member(list_id: int, journalist_id: int) -> Any:
    dl = get_or_404(DistributionList, list_id)
    if ops.remove_member(dl, journalist_id):
        flash(_("Đã bỏ khỏi danh sách."), "success")
    return redirect(url_for("contacts.list_detail", list_id=dl.id))


@bp.post("/lists/<int:list_id>/delete")
@require("edit")
def delete_list(list_id: int) -> Any:
    ops.delete_list(get_or_404(DistributionList, list_id))
    flash(_("Đã xoá danh sách."), "success")
    return redirect(url_for("contacts.lists"))
