"""Outlet pages: the list (with how many active journalists each has), the form, deleting."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.contacts import operations as ops
from coordinator.contacts.forms import OutletForm
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.search import outlet_query
from coordinator.contacts.views.common import attempt, bp, form_status, save
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db


@bp.get("/outlets")
@require("read")
def outlets() -> Any:
    q = request.args.get("q", "")
    query = outlet_query(current_office_id(), q)
    counts = dict(db.session.execute(
        select(Journalist.outlet_id, func.count())
        .where(Journalist.office_id == current_office_id(), Journalist.status == "active")
        .group_by(Journalist.outlet_id)).all())
    return render_template("contacts/outlets.html", rows=list(db.session.scalars(query)), q=q, counts=counts)


def _outlet_data(form: OutletForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "level": form.level.data,
            "website": form.website.data, "domains": form.domains.data or ""}


@bp.route("/outlets/new", methods=["GET", "POST"])
@require("edit")
def new_outlet() -> Any:
    return _outlet_page(None)


@bp.route("/outlets/<int:outlet_id>/edit", methods=["GET", "POST"])
@require("edit")
def edit_outlet(outlet_id: int) -> Any:
    return _outlet_page(get_or_404(Outlet, outlet_id))


def _outlet_page(outlet: Outlet | None) -> Any:
    """The outlet form, adding (``outlet`` None) or changing one; back to the list once saved."""
    form = OutletForm(obj=outlet) if request.method == "GET" else OutletForm()
    if outlet is None:
        saved = save(form, lambda: ops.create_outlet(current_office_id(), _outlet_data(form)))
    else:
        if request.method == "GET":
            form.domains.data = ", ".join(outlet.domains or [])
        saved = save(form, lambda: ops.update_outlet(outlet, _outlet_data(form)))
    if saved is not None:
        flash(_("Đã thêm cơ quan báo chí %(name)s.", name=saved.name) if outlet is None else _("Đã lưu thay đổi."),
              "success")
        return redirect(url_for("contacts.outlets"))
    people = [] if outlet is None else list(db.session.scalars(
        select(Journalist).where(Journalist.outlet_id == outlet.id).order_by(Journalist.full_name_folded)))
    return render_template("contacts/outlet_form.html", form=form, outlet=outlet, people=people), form_status(form)


@bp.post("/outlets/<int:outlet_id>/delete")
@require("edit")
def delete_outlet(outlet_id: int) -> Any:
    outlet = get_or_404(Outlet, outlet_id)
    if not attempt(lambda: ops.delete_outlet(outlet)):
        return redirect(url_for("contacts.edit_outlet", outlet_id=outlet_id))
    flash(_("Đã xoá cơ quan báo chí."), "success")
    return redirect(url_for("contacts.outlets"))
