"""The journalist's rights over their personal data (Law 91/2025/QH15), from their portal link: see and
download everything the office holds on them (a page and JSON), correct their name, phone and title,
withdraw consent (mail stops at once) and ask for erasure (staff carry it out or refuse with a reason)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist
from coordinator.core import audit
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.portal.home import _journalist
from coordinator.privacy import operations as privacy
from coordinator.privacy.export import subject_data

bp = Blueprint("portal_data", __name__)


def _label(journalist: Journalist) -> str:
    return f"journalist #{journalist.id}"


@bp.get("/portal/<token>/data")
def page(token: str) -> ResponseReturnValue:
    journalist = _journalist(token)
    audit.record("journalist.subject_access", journalist, actor_label=_label(journalist), data={"format": "html"})
    office = db.session.get(Office, journalist.office_id)
    return render_template("portal/data.html", journalist=journalist, office=office, token=token,
                           data=subject_data(journalist), consent=contacts.current_consent(journalist),
                           basis_labels=contacts.BASIS_LABELS, source_labels=contacts.SOURCE_LABELS,
                           may_mail=contacts.may_mail(journalist), errors={})


@bp.get("/portal/<token>/data.json")
def download(token: str) -> ResponseReturnValue:
    journalist = _journalist(token)
    audit.record("journalist.subject_access", journalist, actor_label=_label(journalist), data={"format": "json"})
    body = json.dumps(subject_data(journalist), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="du-lieu-ca-nhan-{journalist.id}.json"',
        "Cache-Control": "no-store"})


def _corrections() -> dict:
    return {"full_name": request.form.get("full_name", ""), "phone": request.form.get("phone", "")}


def _check_title(raw: str) -> str | None:
    title = (raw or "").strip()
    if len(title) > 120:
        raise ValidationError({"job_title": _("Chức danh tối đa 120 ký tự.")})
    return title or None


@bp.post("/portal/<token>/data/details")
def correct(token: str) -> ResponseReturnValue:
    """Name, phone and title; every field checked before anything changes."""
    journalist = _journalist(token)
    errors: dict[str, str] = {}
    title = None
    try:
        title = _check_title(request.form.get("job_title", ""))
    except ValidationError as exc:
        errors.update(exc.fields)
    before = {"full_name": journalist.full_name, "phone": journalist.phone, "job_title": journalist.job_title}
    if not errors:
        try:
            contacts.update_journalist(journalist, _corrections())
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:  # nothing changed (every check runs first); the 422 rolls the unit back all the same
        office = db.session.get(Office, journalist.office_id)
        return render_template("portal/data.html", journalist=journalist, office=office, token=token,
                               data=subject_data(journalist), consent=contacts.current_consent(journalist),
                               basis_labels=contacts.BASIS_LABELS, source_labels=contacts.SOURCE_LABELS,
                               may_mail=contacts.may_mail(journalist), errors=errors,
                               form=request.form), 422
    journalist.job_title = title
    audit.record("journalist.corrected", journalist, actor_label=_label(journalist), data={
        "before": before, "after": {"full_name": journalist.full_name, "phone": journalist.phone,
                                    "job_title": journalist.job_title}})
    flash(_("Đã lưu thông tin của bạn."), "success")
    return redirect(url_for("portal_data.page", token=token))


@bp.post("/portal/<token>/data/withdraw")
def withdraw(token: str) -> ResponseReturnValue:
    journalist = _journalist(token)
    contacts.withdraw_consent(journalist, source="portal", actor_label=_label(journalist))
    flash(_("Bạn đã rút lại sự đồng ý. Văn phòng không gửi thư cho bạn nữa."), "success")
    return redirect(url_for("portal_data.page", token=token))


@bp.post("/portal/<token>/data/consent")
def give_consent(token: str) -> ResponseReturnValue:
    """The journalist agrees (again), and says whether the office may share their contact with the network."""
    journalist = _journalist(token)
    office = db.session.get(Office, journalist.office_id)
    values = {"basis": "consent", "purpose": office.contacts_purpose or "",
              "network_sharing": request.form.get("network_sharing") == "1"}
    contacts.record_consent(journalist, values, source="portal", actor_label=_label(journalist))
    flash(_("Đã ghi nhận sự đồng ý của bạn."), "success")
    return redirect(url_for("portal_data.page", token=token))


@bp.post("/portal/<token>/data/erase")
def erase(token: str) -> ResponseReturnValue:
    journalist = _journalist(token)
    try:
        privacy.request_erasure(journalist, request.form.get("message"))
    except ValidationError as exc:
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("portal_data.page", token=token))
    flash(_("Đã gửi yêu cầu xoá dữ liệu. Văn phòng sẽ xử lý và cho bạn biết kết quả."), "success")
    return redirect(url_for("portal_data.page", token=token))
