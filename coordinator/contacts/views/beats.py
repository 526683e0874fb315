"""The beats page: the office's beats with how many journalists cover each; adding, renaming, deleting."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.contacts import operations as ops
from coordinator.contacts.forms import BeatForm
from coordinator.contacts.models import Beat, journalist_beat
from coordinator.contacts.views.common import attempt, beat_rows, bp, require_edit, save
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db


@bp.route("/beats", methods=["GET", "POST"])
@require("read")
def beats() -> Any:
    form = BeatForm()
    status = 200
    if request.method == "POST":
        require_edit()
        beat = save(form, lambda: ops.create_beat(current_office_id(), form.name.data))
        if beat is not None:
            flash(_("Đã thêm lĩnh vực %(name)s.", name=beat.name), "success")
            return redirect(url_for("contacts.beats"))
        status = 422
    rows = beat_rows()
    counts = dict(db.session.execute(select(journalist_beat.c.beat_id, func.count())
                                     .where(journalist_beat.c.beat_id.in_([b.id for b in rows]))
                                     .group_by(journalist_beat.c.beat_id)).all()) if rows else {}
    return render_template("contacts/beats.html", form=form, rows=rows, counts=counts), status


@bp.post("/beats/<int:beat_id>/rename")
@require("edit")
def rename_beat(beat_id: int) -> Any:
    beat = get_or_404(Beat, beat_id)
    if attempt(lambda: ops.rename_beat(beat, request.form.get("name", ""))):
        flash(_("Đã đổi tên lĩnh vực."), "success")
    return redirect(url_for("contacts.beats"))


@bp.post("/beats/<int:beat_id>/delete")
@require("edit")
def delete_beat(beat_id: int) -> Any:
    ops.delete_beat(get_or_404(Beat, beat_id))
    flash(_("Đã xoá lĩnh vực."), "success")
    return redirect(url_for("contacts.beats"))
