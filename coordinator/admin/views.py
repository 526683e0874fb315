"""Admin pages: staff, API tokens, background jobs, the mail outbox, the audit log."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import select
from wtforms.fields import SelectChoice

from coordinator.admin import audit_search, mail_search, outbox_files
from coordinator.admin.audit_search import AuditSearch
from coordinator.admin.forms import SCOPE_LABELS, NewTokenForm, NewUserForm, RoleForm
from coordinator.admin.mail_search import MailSearch
from coordinator.core import audit, clock, events, tasks, uow
from coordinator.core.audit import AuditLog
from coordinator.core.errors import DomainError, ValidationError
from coordinator.core.events import OutboxEvent
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.extensions import db
from coordinator.mail import about
from coordinator.mail.models import DELIVERY_STATES, FanOut
from coordinator.offices import operations as offices
from coordinator.users import operations as users
from coordinator.users.models import ApiToken, User
from coordinator.web.args import choice_arg
from coordinator.web.forms import apply_errors
from coordinator.web.navigation import PURPOSES

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require("read")
def index():
    """The hub of administrative pages (each listed for the roles that may open it)."""
    return render_template("admin/index.html")


# --- staff -----------------------------------------------------------------------------------

@bp.route("/staff", methods=["GET", "POST"])
@require("manage_staff")
def staff():
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = users.create_user(current_user.office, form.email.data, form.role.data,
                                     full_name=form.full_name.data)
        except DomainError as exc:
            uow.abandon()
            for field, message in exc.fields.items():
                getattr(form, field, form.email).errors.append(message)
        else:
            flash(_("Đã tạo tài khoản %(email)s; thư mời đặt mật khẩu đang được gửi.", email=user.email), "success")
            return redirect(url_for("admin.staff"))
    if form.errors:
        status = 422
    people = db.session.scalars(db.select(User).where(User.office_id == current_office_id()).order_by(User.email))
    return render_template("admin/staff.html", form=form, people=list(people), role_form=RoleForm()), status


@bp.post("/staff/<int:user_id>/role")
@require("manage_staff")
def change_role(user_id: int):
    user = get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != "admin":
            flash(_("Bạn không thể tự bỏ quyền quản trị của chính mình."), "error")
        else:
            users.change_role(user, form.role.data)
            flash(_("Đã đổi vai trò của %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>/active")
@require("manage_staff")
def toggle_active(user_id: int):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Bạn không thể tự khoá tài khoản của chính mình."), "error")
        return redirect(url_for("admin.staff"))
    users.set_active(user, not user.active)
    return redirect(url_for("admin.staff"))


@bp.post("/staff/two-factor")
@require("manage_staff")
def staff_two_factor():
    """The office's "require two-factor for all staff" setting."""
    required = request.form.get("require_two_factor") == "1"
    if offices.set_require_two_factor(current_user.office, required):
        flash(_("Mọi cán bộ giờ phải dùng xác thực hai bước.") if required
              else _("Xác thực hai bước không còn bắt buộc với cán bộ không phải quản trị viên."), "success")
    return redirect(url_for("admin.staff"))


# --- API tokens --------------------------------------------------------------------------------

def _scope_choices() -> list[SelectChoice]:
    """The scopes the user may give a token (the admin scope only to an admin's)."""
    return [SelectChoice(value, label) for value, label in SCOPE_LABELS
            if value != "admin" or current_user.role == "admin"]


@bp.route("/tokens", methods=["GET", "POST"])
@require("read")
def tokens():
    form = NewTokenForm()
    form.scope.choices = _scope_choices()
    new_token = None
    status = 200
    if form.validate_on_submit():
        try:
            _, new_token = users.create_api_token(current_user, form.name.data, scope=form.scope.data,
                                                  days=form.days.data)
            form = NewTokenForm(formdata=None, scope=form.scope.data)
            form.scope.choices = _scope_choices()
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 422
    elif form.errors:
        status = 422
    # An admin sees (and can revoke) every token of the office; anyone else their own.
    query = db.select(ApiToken).where(ApiToken.office_id == current_office_id())
    if current_user.role != "admin":
        query = query.where(ApiToken.user_id == current_user.id)
    rows = db.session.scalars(query.order_by(ApiToken.created_at.desc()))
    return render_template("admin/tokens.html", form=form, tokens=list(rows), new_token=new_token,
                           scope_labels=dict(SCOPE_LABELS), now=clock.now()), status


@bp.post("/tokens/<int:token_id>/revoke")
@require("read")
def revoke_token(token_id: int):
    row = get_or_404(ApiToken, token_id)
    if row.user_id != current_user.id and current_user.role != "admin":
        abort(403)
    users.revoke_api_token(row)
    flash(_("Đã thu hồi mã %(prefix)s….", prefix=row.prefix), "success")
    return redirect(url_for("admin.tokens"))


# --- background jobs ---------------------------------------------------------------------------

JOB_FILTERS = ("unfinished", "failed", "done", "all")


@bp.get("/jobs")
@require("manage_jobs")
def jobs():
    state = choice_arg("state", JOB_FILTERS, "unfinished")
    query = db.select(OutboxEvent).where(OutboxEvent.office_id == current_office_id())
    if state == "unfinished":
        query = query.where(OutboxEvent.processed_at.is_(None), OutboxEvent.failed_at.is_(None))
    elif state == "failed":
        query = query.where(OutboxEvent.failed_at.is_not(None))
    elif state == "done":
        query = query.where(OutboxEvent.processed_at.is_not(None))
    rows = list(db.session.scalars(query.order_by(OutboxEvent.id.desc()).limit(200)))
    fan_outs = {fan.event_id: fan for fan in db.session.scalars(select(FanOut).where(
        FanOut.office_id == current_office_id(), FanOut.event_id.in_([row.id for row in rows])))}
    return render_template("admin/jobs.html", events=rows, state=state, filters=JOB_FILTERS,
                           queues=_queue_counts(), fan_outs=fan_outs)


def _queue_counts() -> list[dict] | None:
    """Per queue: waiting, running, scheduled, failed (None when Redis does not answer)."""
    try:
        counts = []
        for name in tasks.QUEUES:
            q = tasks.queue(name)
            counts.append({"name": name, "queued": q.count,
                           "started": StartedJobRegistry(queue=q).count,
                           "scheduled": ScheduledJobRegistry(queue=q).count,
                           "failed": FailedJobRegistry(queue=q).count})
        return counts
    except Exception:
        current_app.logger.warning("Redis unreachable for the jobs page", exc_info=True)
        return None


@bp.post("/jobs/<int:event_id>/retry")
@require("manage_jobs")
def retry_job(event_id: int):
    event = get_or_404(OutboxEvent, event_id)
    if event.failed_at is None:
        flash(_("Công việc này không ở trạng thái lỗi."), "error")
    else:
        events.retry_failed(event)
        audit.record("job.retried", event, data={"kind": event.kind})
        flash(_("Đã đưa công việc #%(id)s vào hàng đợi lại.", id=event.id), "success")
    return redirect(url_for("admin.jobs", state="failed"))


# --- mail outbox -------------------------------------------------------------------------------

@bp.get("/mail")
@require("read_mail")
def mail():
    """The delivery log and the outbox folder, searched and paged in SQL (mail_search)."""
    office_id = current_office_id()
    search = MailSearch.from_args(request.args, office_id)
    query = search.query(office_id)
    backend = current_app.config["MAIL_BACKEND"]
    files = mail_search.paged(mail_search.outbox_files(query), search.file_page) if backend == "outbox" else None
    return render_template("admin/mail.html", search=search, args=search.as_args(), files=files,
                           deliveries=mail_search.paged(query, search.page), backend=backend,
                           purposes=PURPOSES, states=DELIVERY_STATES,
                           briefings=about.briefing_choices(office_id, search.briefing)), \
        400 if search.problems else 200


def _mail_or_404(name: str):
    """A message of this office's outbox folder (another office's, or none, is a 404)."""
    message = outbox_files.get_mail(current_user.office.slug, name)
    if message is None:
        abort(404)
    return message


@bp.get("/mail/<name>")
@require("read_mail")
def mail_message(name: str):
    message = _mail_or_404(name)
    return render_template("admin/mail_message.html", mail=message)


@bp.get("/mail/<name>/html")
@require("read_mail")
def mail_html(name: str):
    """The HTML part alone, for the preview frame; sandboxed so nothing in it runs."""
    message = _mail_or_404(name)
    if message.part("html") is None:
        abort(404)
    response = Response(message.part("html"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'")
    return response


@bp.get("/mail/<name>/raw")
@require("read_mail")
def mail_raw(name: str):
    message = _mail_or_404(name)
    return Response(message.path.read_bytes(), mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{name}.eml"'})


# --- audit log ---------------------------------------------------------------------------------

@bp.get("/audit")
@require("manage_office")
def audit_log():
    """The log, filtered by who, what and when; ``?format=csv`` exports every filtered row."""
    office_id, tz = current_office_id(), current_user.office.timezone
    search = AuditSearch.from_args(request.args, office_id)
    if search.problems:
        return render_template("admin/audit.html", rows=[], names={}, search=search, total=0,
                               actions=audit_search.actions(office_id), staff=audit_search.staff(office_id)), 400
    query = search.query(office_id, tz)
    if request.args.get("format") == "csv":
        rows = list(db.session.scalars(query.limit(audit_search.EXPORT_ROWS)))
        stamp = clock.today(tz).isoformat()
        return Response(audit_search.to_csv(rows, _target_names(rows), tz), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="nhat-ky-{stamp}.csv"'})
    rows = list(db.session.scalars(query.limit(audit_search.PAGE_ROWS)))
    return render_template("admin/audit.html", rows=rows, names=_target_names(rows), search=search,
                           total=audit_search.count(query), actions=audit_search.actions(office_id),
                           staff=audit_search.staff(office_id))


def _target_names(rows: list[AuditLog]) -> dict[tuple[str, int], str]:
    """The title or name of each row's target, where it still exists in this office (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row.target_id is not None:
            wanted.setdefault(row.target_type, set()).add(row.target_id)
    names: dict[tuple[str, int], str] = {}
    models = {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers}
    for table, ids in wanted.items():
        model = models.get(table)
        column = next((getattr(model, attr) for attr in ("title", "name", "email")
                       if model is not None and hasattr(model, attr)), None)
        if column is None:
            continue
        query = select(model.id, column).where(model.id.in_(ids))
        if hasattr(model, "office_id"):
            query = query.where(model.office_id == current_office_id())
        elif table == "office":
            query = query.where(model.id == current_office_id())
        else:
            continue  # not an office's row: its name is not ours to show
        names.update(((table, row_id), str(name)) for row_id, name in db.session.execute(query) if name)
    return names
