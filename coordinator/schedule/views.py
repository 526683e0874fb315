"""Staff pages of the schedule: calendar (month, week, agenda), series (builder with preview, page with
skipped and moved dates, whole-series edit), occurrence edit (this one / this and following / whole
series), ad hoc and crisis briefings, office closures, feeds."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from coordinator.contacts.audience import audience_fingerprint, source_sizes
from coordinator.core import clock, uow
from coordinator.core.dates import parse_day
from coordinator.core.errors import DomainError, ValidationError
from coordinator.core.i18n import format_local
from coordinator.core.permissions import can, require
from coordinator.core.tenancy import current_office_id, get_or_404
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.schedule import ical, recurrence
from coordinator.schedule import operations as ops
from coordinator.schedule.forms import (
    SERIES_FIELD_MAP,
    AdHocForm,
    AudienceMixin,
    BriefingEditForm,
    ClosureForm,
    CrisisForm,
    FeedTokenForm,
    RecordPastForm,
    SeriesForm,
)
from coordinator.schedule.holidays import DaysOff, public_holidays
from coordinator.schedule.models import Briefing, OfficeClosure, Series
from coordinator.web import navigation
from coordinator.web.args import choice_arg
from coordinator.web.forms import apply_errors
from coordinator.web.navigation import NavItem

bp = Blueprint("schedule", __name__, url_prefix="/schedule")

navigation.add(NavItem("schedule.calendar", _l("Lịch họp báo"), "read", "schedule."))

VIEWS = ("month", "week", "agenda")
STATUS_NAMES = {"scheduled": _l("Theo lịch"), "moved": _l("Đã dời"), "cancelled": _l("Đã huỷ"), "held": _l("Đã họp")}
STATUS_TONES = {"scheduled": "info", "moved": "warn", "cancelled": "danger", "held": "ok"}
F = TypeVar("F", bound=AudienceMixin)
KIND_NAMES = {"skipped": _l("Bỏ qua"), "moved": _l("Dời ngày"), "cancelled": _l("Đã huỷ")}


@bp.app_context_processor
def _schedule_helpers() -> dict:
    return {"briefing_status_name": lambda s: STATUS_NAMES.get(s, s),
            "briefing_status_tone": lambda s: STATUS_TONES.get(s, "neutral"),
            "exception_kind_name": lambda k: KIND_NAMES.get(k, k),
            "can_edit_schedule": lambda: can(current_user, "edit"),
            "describe_rule": recurrence.describe_rule}


def _posted_by_editor() -> bool:
    """Whether this request posts the page's form. A page everyone may read is posted by editors only:
    anyone else gets 403."""
    if request.method != "POST":
        return False
    if not can(current_user, "edit"):
        abort(403)
    return True


def _office():
    return current_user.office


def _tz() -> ZoneInfo:
    return ZoneInfo(_office().timezone)


def _office_rows(model: Any, order_by: Any) -> Any:
    """The current office's rows of ``model``, in the order given."""
    return db.session.scalars(select(model).where(model.office_id == current_office_id()).order_by(order_by))


def _audience_form(form_class: type[F]) -> F:
    """A form whose audience is chosen from the office's distribution lists, beats and outlets."""
    from coordinator.contacts.models import Beat, DistributionList, Outlet

    form = form_class()
    form.set_audience_choices(_office_rows(DistributionList, DistributionList.name), _office_rows(Beat, Beat.name),
                              _office_rows(Outlet, Outlet.name))
    form.audience_sizes = source_sizes(current_office_id())
    return form


# --- calendar ------------------------------------------------------------------------------------

@bp.get("/")
@require("read")
def calendar():
    view = choice_arg("view", VIEWS, "month")
    tz = _tz()
    today = clock.today(tz)
    try:
        anchor = parse_day(request.args.get("date", "")) if request.args.get("date") else today
    except ValueError:
        anchor = today
    series_id = request.args.get("series", type=int)
    all_series = list(_office_rows(Series, Series.title))
    if series_id is not None and series_id not in {s.id for s in all_series}:
        series_id = None
    if view == "month":
        first = anchor.replace(day=1)
        grid_start = first - timedelta(days=first.weekday())
        next_month = (first + timedelta(days=32)).replace(day=1)
        grid_end = next_month + timedelta(days=(6 - (next_month - timedelta(days=1)).weekday()) - 1)
        grid_end = max(grid_end, next_month - timedelta(days=1))
        day_from, day_to = grid_start, grid_end
        prev_anchor, next_anchor = (first - timedelta(days=1)).replace(day=1), next_month
    elif view == "week":
        day_from = anchor - timedelta(days=anchor.weekday())
        day_to = day_from + timedelta(days=6)
        prev_anchor, next_anchor = day_from - timedelta(days=7), day_from + timedelta(days=7)
    else:
        day_from, day_to = anchor, anchor + timedelta(days=59)
        prev_anchor, next_anchor = anchor - timedelta(days=60), anchor + timedelta(days=60)
    query = ops.list_briefings(current_office_id(), day_from, day_to, timezone=_office().timezone,
                               series_id=series_id)
    briefings = list(db.session.scalars(query).unique())
    by_day: dict[date, list[Briefing]] = {}
    for briefing in briefings:
        by_day.setdefault(briefing.start.astimezone(tz).date(), []).append(briefing)
    days = [day_from + timedelta(days=i) for i in range((day_to - day_from).days + 1)]
    days_off = DaysOff.for_office(current_office_id())
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)] if view == "month" else []
    return render_template("schedule/calendar.html", view=view, anchor=anchor, today=today, days=days, weeks=weeks,
                           by_day=by_day, briefings=briefings, all_series=all_series, series_id=series_id,
                           prev_anchor=prev_anchor, next_anchor=next_anchor, days_off=days_off,
                           agenda_days=[d for d in days if d in by_day])


# --- series --------------------------------------------------------------------------------------

@bp.get("/series")
@require("read")
def series_list():
    rows = list(_office_rows(Series, Series.id.desc()))
    now = clock.now()
    upcoming = {}
    for series in rows:
        upcoming[series.id] = db.session.scalar(select(Briefing).where(
            Briefing.series_id == series.id, Briefing.start >= now, Briefing.status != "cancelled")
            .order_by(Briefing.start).limit(1))
    return render_template("schedule/series_list.html", rows=rows, upcoming=upcoming)


def _preview(data: dict) -> list[dict]:
    """The next 10 occurrences of what the form says, holidays applied, without saving anything."""
    office = _office()
    values = ops.clean_series(office, data)
    tz = ZoneInfo(values["timezone"])
    rule = recurrence.build_rule(values["dtstart"], values["timezone"], values["rrule"])
    start_from = max(values["dtstart"].replace(tzinfo=tz), clock.local_now(tz).replace(second=0, microsecond=0))
    first_ten = list(itertools.islice(rule.xafter(start_from, inc=True), 10))
    if not first_ten:
        return []
    planned = recurrence.plan(values["dtstart"], values["timezone"], values["rrule"], values["duration_minutes"],
                              values["holiday_policy"], DaysOff.for_office(office.id), first_ten[0],
                              first_ten[-1] + timedelta(seconds=1))
    return [{"start": item.start.isoformat(), "label": format_local(item.start, values["timezone"]),
             "original": format_local(item.recurrence_id, values["timezone"]), "kind": item.kind,
             "reason": item.reason} for item in planned]


@bp.post("/series/preview")
@require("edit")
def series_preview():
    """JSON preview for schedule.js (the form also previews without JavaScript)."""
    form = _audience_form(SeriesForm)
    form.validate()
    try:
        items = _preview(form.to_data())
    except ValidationError as exc:
        return jsonify({"errors": exc.fields}), 422
    return jsonify({"rrule": form.rule_text(), "rule_text": recurrence.describe_rule(form.rule_text()),
                    "items": items})


def _series_form_page(form: SeriesForm, series: Series | None):
    preview, loose, status = None, [], 200
    if request.method == "POST":
        valid = form.validate()
        data = form.to_data()
        if request.form.get("action") == "preview":
            try:
                preview = _preview(data)
            except ValidationError as exc:
                loose = apply_errors(form, exc, SERIES_FIELD_MAP, flash_loose=False)
                status = 422
        elif valid:
            try:
                if series is None:
                    saved = ops.create_series(_office(), data)
                    flash(_("Đã tạo chuỗi họp báo “%(title)s”.", title=saved.title), "success")
                else:
                    saved = ops.update_series(series, data, expected_version=form.version.data)
                    flash(_("Đã cập nhật chuỗi họp báo."), "success")
                for warning in recurrence.clock_change_warnings(saved.dtstart, saved.timezone, saved.rrule):
                    flash(warning, "warning")
                return redirect(url_for("schedule.series_detail", series_id=saved.id))
            except DomainError as exc:
                loose = apply_errors(form, exc, SERIES_FIELD_MAP, flash_loose=False)
                status = exc.status if exc.status in (409, 422) else 422
        else:
            status = 422
    return render_template("schedule/series_form.html", form=form, series=series, preview=preview,
                           loose_errors=loose), status


@bp.route("/series/new", methods=["GET", "POST"])
@require("edit")
def series_new():
    form = _audience_form(SeriesForm)
    if request.method == "GET":
        tz = _tz()
        start = clock.local_now(tz) + timedelta(days=7 - clock.local_now(tz).weekday() + 1)  # next Tuesday-ish
        form.start_date.data = start.date()
        form.start_time.data = time(15, 0)
        form.timezone.data = _office().timezone
        form.weekdays.data = ["TU"]
    return _series_form_page(form, None)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@require("edit")
def series_edit(series_id: int):
    series = get_or_404(Series, series_id)
    form = _audience_form(SeriesForm)
    if request.method == "GET":
        form.fill_from(series)
    return _series_form_page(form, series)


@bp.get("/series/<int:series_id>")
@require("read")
def series_detail(series_id: int):
    series = get_or_404(Series, series_id)
    now = clock.now()
    ops.ensure_materialised(series.office_id, now + timedelta(days=ops.horizon_days()), series.id)
    upcoming = list(db.session.scalars(select(Briefing).where(
        Briefing.series_id == series.id, Briefing.start >= now).order_by(Briefing.start).limit(10)))
    past = list(db.session.scalars(select(Briefing).where(
        Briefing.series_id == series.id, Briefing.start < now).order_by(Briefing.start.desc()).limit(10)))
    exceptions = ops.series_exceptions(series)
    parts = list(db.session.scalars(select(Series).where(Series.split_from_id == series.id)))
    return render_template("schedule/series_detail.html", series=series, upcoming=upcoming, past=past,
                           exceptions=exceptions, splits=parts,
                           rule_text=recurrence.describe_rule(series.rrule, series.timezone))


# --- briefings -----------------------------------------------------------------------------------

@bp.route("/briefings/<int:briefing_id>", methods=["GET", "POST"])
@require("read")
def briefing_detail(briefing_id: int):
    briefing = get_or_404(Briefing, briefing_id)
    tz = ZoneInfo(briefing.timezone)
    form = BriefingEditForm()
    loose, status = [], 200
    if request.method == "GET":
        form.start_date.data = briefing.start.astimezone(tz).date()
        form.start_time.data = briefing.start.astimezone(tz).time()
        form.end_time.data = briefing.end.astimezone(tz).time()
        form.title.data = briefing.title or ""
        form.venue.data = briefing.effective_venue or ""
        form.online_url.data = briefing.effective_online_url or ""
        form.agenda.data = briefing.agenda or ""
        form.spokespeople.data = briefing.spokespeople or ""
        form.status.data = briefing.status if briefing.status in ("cancelled", "held") else "scheduled"
        form.version.data = str(briefing.version_id)
    elif not can(current_user, "edit"):
        abort(403)
    elif form.validate():
        try:
            target = _save_briefing_edit(briefing, form, tz)
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(target)
        except DomainError as exc:
            loose = apply_errors(form, exc, {"start": "start_date", "end": "end_time", "dtstart": "start_date"},
                                 flash_loose=False)
            status = exc.status if exc.status in (409, 422) else 422
            briefing = get_or_404(Briefing, briefing_id)
    else:
        status = 422
    if briefing.series_id is None:
        form.scope.choices = [form.scope.choices[0]]
    feed_links = {"google": ical.google_event_url(briefing), "outlook": ical.outlook_event_url(briefing)}
    return render_template("schedule/briefing_detail.html", briefing=briefing, form=form, loose_errors=loose,
                           feed_links=feed_links), status


def _save_briefing_edit(briefing: Briefing, form: BriefingEditForm, tz: ZoneInfo) -> str:
    start_local = datetime.combine(form.start_date.data, form.start_time.data)
    end_local = datetime.combine(form.start_date.data, form.end_time.data)
    scope = form.scope.data if briefing.series_id is not None else "this"
    if end_local <= start_local:
        raise ValidationError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})
    if scope == "this":
        data = {"start": start_local.replace(tzinfo=tz).isoformat(), "end": end_local.replace(tzinfo=tz).isoformat(),
                "venue": form.venue.data or "", "online_url": form.online_url.data or "",
                "agenda": form.agenda.data or "", "spokespeople": form.spokespeople.data or "",
                "status": form.status.data}
        if form.title.data:
            data["title"] = form.title.data
        ops.update_briefing(briefing, data, expected_version=form.version.data)
        return url_for("schedule.briefing_detail", briefing_id=briefing.id)
    series = briefing.series
    data = {"dtstart": start_local.isoformat(timespec="minutes"),
            "duration_minutes": int((end_local - start_local).total_seconds() // 60),
            "venue": form.venue.data or None, "online_url": form.online_url.data or None}
    if form.title.data:
        data["title"] = form.title.data
    if form.status.data == "cancelled":
        if scope == "following":
            ops.end_series_before(briefing)
            return url_for("schedule.series_detail", series_id=series.id)
        raise ValidationError({"status": _("Để huỷ cả chuỗi, chọn “Buổi này và các buổi sau” ở buổi đầu tiên.")})
    if scope == "following":
        new = ops.split_series(briefing, data)
        return url_for("schedule.series_detail", series_id=new.id)
    # whole series: the time of day and duration come from this occurrence, the first date stays
    original_local = briefing.recurrence_id.astimezone(tz)
    if start_local.date() != original_local.date():
        raise ValidationError({"start": _("Sửa cả chuỗi chỉ đổi được giờ, không đổi được ngày; "
                                          "hãy dời riêng buổi này hoặc sửa quy tắc lặp.")})
    data["dtstart"] = datetime.combine(series.dtstart.date(), form.start_time.data).isoformat(timespec="minutes")
    result = ops.update_series(series, data)
    return url_for("schedule.series_detail", series_id=result.id)


@bp.route("/briefings/new", methods=["GET", "POST"])
@require("edit")
def briefing_new():
    return _adhoc_form_page(AdHocForm, "schedule/briefing_form.html", crisis=False)


@bp.route("/briefings/record", methods=["GET", "POST"])
@require("edit")
def briefing_record():
    """Record a briefing that already happened (backfilling from the sign-in sheet): no mail at all."""
    return _adhoc_form_page(RecordPastForm, "schedule/briefing_form.html", crisis=False, record=True)


@bp.route("/crisis", methods=["GET", "POST"])
@require("edit")
def crisis():
    return _adhoc_form_page(CrisisForm, "schedule/crisis.html", crisis=True)


def _proposed_start(crisis: bool, record: bool = False) -> datetime:
    """What a new form proposes: a crisis briefing an hour from now, a recorded one yesterday at 09:00,
    another one tomorrow at 09:00."""
    now = clock.local_now(_tz())
    if record:
        return datetime.combine((now - timedelta(days=1)).date(), time(9, 0))
    if crisis:
        return (now + timedelta(minutes=60)).replace(second=0, microsecond=0)
    return datetime.combine((now + timedelta(days=1)).date(), time(9, 0))


def _adhoc_form_page(form_class: type[AdHocForm | CrisisForm], template: str, *, crisis: bool,
                     record: bool = False):
    form = _audience_form(form_class)
    loose, status = [], 200
    if request.method == "GET":
        start = _proposed_start(crisis, record)
        form.start_date.data, form.start_time.data = start.date(), start.time()
    elif request.method == "POST":
        if form.validate():
            try:
                data = form.to_data()
                if _needs_confirmation(data, crisis):
                    return render_template(template, form=form, loose_errors=loose, crisis=crisis,
                                           confirm_audience=data["audience"], record=record)
                briefing = ops.create_briefing(_office(), data, crisis=crisis)
                if briefing.recorded:
                    flash(_("Đã ghi lại buổi họp báo đã diễn ra; không gửi thư cho ai. "
                            "Có thể nhập danh sách có mặt."), "success")
                elif crisis:
                    flash(_("Đã tạo buổi họp báo khẩn; thư mời được gửi ngay."), "success")
                else:
                    flash(_("Đã tạo buổi họp báo."), "success")
                return redirect(url_for("schedule.briefing_detail", briefing_id=briefing.id))
            except DomainError as exc:
                loose = apply_errors(form, exc, {"dtstart": "start_date", "audience": "list_ids",
                                                  "end": "duration_minutes"}, flash_loose=False)
                status = 422
        else:
            status = 422
    return render_template(template, form=form, loose_errors=loose, crisis=crisis, record=record), status


def _needs_confirmation(data: dict, crisis: bool) -> bool:
    """Whether to show who the invitations reach before saving: a briefing that will mail (not one
    recorded after the fact) whose audience was not confirmed as it stands now. The data is checked
    first (in a savepoint thrown away), so the confirmation is never asked for a form that will fail."""
    with uow.dry_run():
        trial = ops.create_briefing(_office(), data, crisis=crisis)
        mails = trial.status != "held"
    if not mails:
        return False
    return request.form.get("confirm_audience") != audience_fingerprint(current_office_id(), data["audience"])


# --- closures ------------------------------------------------------------------------------------

@bp.route("/closures", methods=["GET", "POST"])
@require("read")
def closures():
    form = ClosureForm()
    status = 200
    if _posted_by_editor():
        if form.validate():
            try:
                ops.add_closure(_office(), form.day.data, form.name.data)
                flash(_("Đã thêm ngày nghỉ; các buổi họp trùng ngày đã được xử lý theo từng chuỗi."), "success")
                return redirect(url_for("schedule.closures"))
            except DomainError as exc:
                apply_errors(form, exc)
        status = 422
    rows = list(_office_rows(OfficeClosure, OfficeClosure.day))
    year = clock.local_now(_tz()).year
    country = current_user.office.country
    holidays = sorted({**public_holidays(year, country), **public_holidays(year + 1, country)}.items())
    return render_template("schedule/closures.html", form=form, rows=rows, holidays=holidays), status


@bp.post("/closures/<int:closure_id>/delete")
@require("edit")
def closure_delete(closure_id: int):
    closure = get_or_404(OfficeClosure, closure_id)
    ops.remove_closure(closure)
    flash(_("Đã xoá ngày nghỉ."), "success")
    return redirect(url_for("schedule.closures"))


# --- feeds ---------------------------------------------------------------------------------------

@bp.route("/feeds", methods=["GET", "POST"])
@require("read")
def feeds():
    from coordinator.contacts.models import Beat

    office = _office()
    form = FeedTokenForm()
    issued = None
    status = 200
    if _posted_by_editor():
        if form.validate():
            issued, status = _change_feed_token(office.id, form)
        else:
            status = 422
    public_url = external_url("calendar.office_feed", office_slug=office.slug)
    beats = list(_office_rows(Beat, Beat.name))
    beat_links = [(beat, _links(external_url("calendar.beat_feed", office_slug=office.slug, beat_slug=beat.slug),
                                beat.name)) for beat in beats]
    return render_template("schedule/feeds.html", public=_links(public_url, office.name), beat_links=beat_links,
                           form=form, issued=issued), status


def _change_feed_token(office_id: int, form: FeedTokenForm) -> tuple[dict | None, int]:
    """Revoke a journalist's personal feed, or give them a new one (its links shown once). Returns the
    links issued and the page's status (404 for a journalist not found)."""
    try:
        if form.action.data == "revoke":
            ops.revoke_feed_tokens(office_id, form.journalist_id.data)
            flash(_("Đã thu hồi đường dẫn lịch cá nhân."), "success")
            return None, 200
        token = ops.rotate_feed_token(office_id, form.journalist_id.data)[1]
        return _links(external_url("personal_calendar.personal_feed", token=token), _("Lịch họp báo")), 200
    except DomainError as exc:
        apply_errors(form, exc, {"_": "journalist_id"})
        form.journalist_id.errors = list(form.journalist_id.errors) + [exc.message]
        return None, 404 if exc.status == 404 else 422


def _links(url: str, name: str) -> dict:
    return ical.subscribe_links(url, name)
