"""Staff pages for coverage: the list with its filters, one article or broadcast at a time, a pasted list of
URLs (previewed, then saved), editing and deleting. Routes on the attendance blueprint (``views.bp``)."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from coordinator.attendance import operations as ops
from coordinator.attendance.forms import CoverageForm, PasteForm
from coordinator.attendance.models import Coverage
from coordinator.attendance.views import _office, _outlet_choices, bp
from coordinator.core import clock
from coordinator.core.errors import DomainError
from coordinator.core.i18n import format_local
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.schedule.models import Briefing
from coordinator.web.forms import apply_errors


def _briefing_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(Briefing).where(Briefing.office_id == current_office_id(),
                                                     Briefing.status != "cancelled",
                                                     Briefing.start <= clock.now() + timedelta(days=1))
                              .order_by(Briefing.start.desc()).limit(120))
    tz = _office().timezone
    return [SelectChoice(0, _("— Không gắn với buổi họp báo —"))] + [
        SelectChoice(b.id, f"{format_local(b.start, tz, pattern='dd/MM/yyyy')} · {b.effective_title}") for b in rows]


def _form_data(form: CoverageForm) -> dict:
    """What the one-item form says, for ``ops.create_coverage`` and ``ops.update_coverage``."""
    return {"url": form.url.data, "outlet_id": form.outlet_id.data, "briefing_id": form.briefing_id.data or None,
            "title": form.title.data, "published_on": form.published_on.data, "tone": form.tone.data,
            "kind": form.kind.data}


def _coverage_forms() -> tuple[CoverageForm, PasteForm]:
    form = CoverageForm(prefix="one")
    paste = PasteForm(prefix="paste")
    briefings = _briefing_choices()
    form.outlet_id.choices = _outlet_choices(_("— Nhận từ tên miền —"))
    form.briefing_id.choices = briefings
    paste.briefing_id.choices = briefings
    chosen = request.args.get("briefing_id", type=int)
    if chosen and request.method == "GET":
        form.briefing_id.data = chosen
        paste.briefing_id.data = chosen
    return form, paste


def _coverage_page(form: CoverageForm, paste: PasteForm, status: int = 200,
                   preview: dict | None = None) -> ResponseReturnValue:
    query = select(Coverage).where(Coverage.office_id == current_office_id())
    briefing_id = request.args.get("briefing_id", type=int)
    outlet_id = request.args.get("outlet_id", type=int)
    tone = request.args.get("tone")
    if briefing_id:
        query = query.where(Coverage.briefing_id == briefing_id)
    if outlet_id:
        query = query.where(Coverage.outlet_id == outlet_id)
    if tone in ops.TONE_LABELS:
        query = query.where(Coverage.tone == tone)
    page = max(1, request.args.get("page", 1, type=int))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = list(db.session.scalars(query.order_by(Coverage.published_on.desc(), Coverage.id.desc())
                                    .limit(50).offset((page - 1) * 50)))
    briefing = db.session.get(Briefing, briefing_id) if briefing_id else None
    if briefing is not None and briefing.office_id != current_office_id():
        abort(404)
    return render_template("attendance/coverage.html", form=form, paste=paste, items=items, total=total, page=page,
                           pages=max(1, (total + 49) // 50), briefing=briefing, preview=preview,
                           outlets=_outlet_choices(), can_edit=can(current_user, "edit"),
                           filters={"briefing_id": briefing_id, "outlet_id": outlet_id, "tone": tone}), status


@bp.get("/attendance/coverage")
@require("read")
def coverage() -> ResponseReturnValue:
    form, paste = _coverage_forms()
    return _coverage_page(form, paste)


@bp.post("/attendance/coverage")
@require("edit")
def coverage_add() -> ResponseReturnValue:
    form, paste = _coverage_forms()
    if form.validate_on_submit():
        try:
            # No outlet chosen ("— from the domain —", 0): the operation matches it from the URL.
            data = {**_form_data(form), "outlet_id": form.outlet_id.data or None}
            row = ops.create_coverage(current_office_id(), data, user_id=current_user.id)
            flash(_("Đã ghi nhận bài của %(outlet)s.", outlet=row.outlet.name), "success")
            return redirect(url_for("attendance.coverage", briefing_id=row.briefing_id or None))
        except DomainError as exc:
            apply_errors(form, exc)
    return _coverage_page(form, paste, 422)


@bp.post("/attendance/coverage/paste")
@require("edit")
def coverage_paste() -> ResponseReturnValue:
    """First a preview (nothing written): each line, its outlet (matched, or to pick); then the save."""
    form, paste = _coverage_forms()
    if not paste.validate_on_submit():
        return _coverage_page(form, paste, 422)
    outlets = {key[len("outlet-"):]: value for key, value in request.form.items()
               if key.startswith("outlet-") and value}
    common = {"briefing_id": paste.briefing_id.data or None, "tone": paste.tone.data, "kind": paste.kind.data}
    if paste.published_on.data:
        common["published_on"] = paste.published_on.data
    confirm = request.form.get("confirm") == "1"
    try:
        result = ops.paste_coverage(current_office_id(), paste.text.data, outlets=_outlets_by_url(outlets),
                                    common=common, user_id=current_user.id, dry_run=not confirm)
    except DomainError as exc:
        apply_errors(paste, exc)
        return _coverage_page(form, paste, 422)
    if confirm:
        created = len(result["created"])
        flash(_("Đã thêm %(n)s bài.", n=created), "success" if created else "info")
        if result["unmatched"]:
            flash(_("%(n)s đường dẫn chưa rõ cơ quan báo chí: hãy chọn cơ quan rồi lưu lại.",
                    n=len(result["unmatched"])), "error")
            paste.text.data = "\n".join(r["url"] for r in result["unmatched"])
            rows = ops.paste_lines(current_office_id(), paste.text.data)
            return _coverage_page(form, paste, 200, preview={"rows": rows})
        return redirect(url_for("attendance.coverage", briefing_id=common["briefing_id"]))
    return _coverage_page(form, paste, 200, preview=result)


def _outlets_by_url(raw: dict[str, str]) -> dict[str, str]:
    """The preview names each select ``outlet-<line number>`` and carries the URL in ``url-<n>``."""
    out = {}
    for number, outlet_id in raw.items():
        url = request.form.get(f"url-{number}")
        if url:
            out[url] = outlet_id
    return out


@bp.route("/attendance/coverage/<int:coverage_id>/edit", methods=["GET", "POST"])
@require("edit")
def coverage_edit(coverage_id: int) -> ResponseReturnValue:
    row = get_or_404(Coverage, coverage_id)
    form = CoverageForm(obj=row) if request.method == "GET" else CoverageForm()
    form.outlet_id.choices = _outlet_choices()
    form.briefing_id.choices = _briefing_choices()
    if request.method == "GET":
        form.briefing_id.data = row.briefing_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            ops.update_coverage(row, _form_data(form))
            flash(_("Đã lưu."), "success")
            return redirect(url_for("attendance.coverage"))
        except DomainError as exc:
            apply_errors(form, exc)
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("attendance/coverage_edit.html", form=form, item=row), status


@bp.post("/attendance/coverage/<int:coverage_id>/delete")
@require("edit")
def coverage_delete(coverage_id: int) -> ResponseReturnValue:
    row = get_or_404(Coverage, coverage_id)
    ops.delete_coverage(row)
    flash(_("Đã xoá."), "info")
    return redirect(url_for("attendance.coverage"))
