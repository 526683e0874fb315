"""The spokesperson's report pages (role read), their SVG charts and their CSV/XLSX/PDF exports."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from coordinator.attendance import charts, exports, reports
from coordinator.attendance.exports import Table
from coordinator.attendance.operations import TONE_LABELS
from coordinator.core.errors import ValidationError
from coordinator.core.permissions import require
from coordinator.core.tenancy import current_office_id
from coordinator.web import navigation
from coordinator.web.navigation import NavItem

bp = Blueprint("reports", __name__, url_prefix="/reports")

navigation.add(NavItem("reports.overview", _l("Báo cáo"), "read", "reports."))

REPORTS = ("overview", "attendance", "coverage", "questions")
DIMENSION_NAMES = {"outlet": _l("Cơ quan báo chí"), "journalist": _l("Nhà báo"), "month": _l("Tháng"),
                   "level": _l("Cấp cơ quan"), "kind": _l("Loại hình"), "briefing": _l("Buổi họp báo")}


def _period() -> tuple[reports.Period, dict[str, str]]:
    """The period asked for; a bad one falls back to the default and says why (next to the fields)."""
    tz = current_user.office.timezone
    try:
        return reports.parse_period(request.args.get("from"), request.args.get("to"), tz), {}
    except ValidationError as exc:
        return reports.default_period(tz), exc.fields


def _series_asked() -> tuple[list[int] | None, dict[str, str]]:
    """The series asked for (``series_id``, repeated), or None; a bad one is left out and said why."""
    try:
        return reports.parse_series_ids(request.args.getlist("series_id"), current_office_id()), {}
    except ValidationError as exc:
        return None, exc.fields


def _series_period(series_ids: list[int]) -> tuple[reports.Period, dict[str, str]]:
    tz = current_user.office.timezone
    try:
        return reports.series_period(current_office_id(), series_ids, request.args.get("from"),
                                     request.args.get("to"), tz), {}
    except ValidationError as exc:
        return reports.default_period(tz), exc.fields


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _subtitle(period: reports.Period) -> str:
    return _("%(office)s · từ %(start)s đến %(end)s", office=current_user.office.name, start=_date(period.start),
             end=_date(period.end))


def _by(default: str, choices: tuple) -> str:
    by = request.args.get("by", default)
    return by if by in choices else default


def _asked(default_by: str, choices: tuple, collect: Callable[[reports.Period, str], dict]) -> tuple:
    """(period, its errors, dimension, data) of a report page: the period and ``by`` asked for, and what
    ``collect`` gathers for them."""
    period, errors = _period()
    by = _by(default_by, choices)
    return period, errors, by, collect(period, by)


def _dim(by: str) -> str:
    """The dimension's name inside a sentence ("theo cơ quan báo chí")."""
    return str(DIMENSION_NAMES[by]).lower()


# --- charts -------------------------------------------------------------------------------------------

def _partial(monthly: list[dict], period: reports.Period | None) -> dict:
    """The chart arguments marking the months the period does not cover whole (see Period.partial_months)."""
    cut = period.partial_months() if period is not None else {}
    marked = [(index, item) for index, item in enumerate(monthly) if str(item.get("key")) in cut]
    if not marked:
        return {}
    spans = ", ".join(f"{item['label']} ({cut[str(item['key'])][0]:%d/%m}–{cut[str(item['key'])][1]:%d/%m})"
                      for _, item in marked)
    return {"partial": [index for index, _ in marked], "partial_note": _("* Tháng chưa trọn: %(months)s",
                                                                          months=spans)}


def trend_chart(monthly: list[dict], period: reports.Period | None = None, width: int = 720) -> Markup:
    return charts.line_chart([i["label"] for i in monthly], [
        (_("Được mời"), [i["invited"] for i in monthly], "secondary"),
        (_("Nhận lời"), [i["accepted"] for i in monthly], "accent"),
        (_("Có mặt"), [i["attended"] for i in monthly], "primary")],
        title=_("Diễn biến tham dự theo tháng"), width=width, **_partial(monthly, period))


def rate_trend_chart(monthly: list[dict], period: reports.Period | None = None, width: int = 720) -> Markup:
    return charts.line_chart([i["label"] for i in monthly], [(_("Tỷ lệ tham dự"), [i["rate"] for i in monthly],
                                                              "primary")],
                             title=_("Tỷ lệ tham dự theo tháng"), fmt=charts.percent, max_value=1, width=width,
                             **_partial(monthly, period))


def rate_bars(items: list[dict], title: str, limit: int = 15, width: int = 720) -> Markup:
    rows = [(i["label"], i["rate"]) for i in items if i["invited"]][:limit]
    return charts.bar_chart(rows, title=title, fmt=charts.percent, max_value=1, width=width)


def tone_chart(tone: list[dict], period: reports.Period | None = None, width: int = 720) -> Markup:
    return charts.stacked_bars([i["label"] for i in tone], [
        (str(TONE_LABELS["positive"]), [i["positive"] for i in tone], "positive"),
        (str(TONE_LABELS["neutral"]), [i["neutral"] for i in tone], "neutral"),
        (str(TONE_LABELS["negative"]), [i["negative"] for i in tone], "negative")],
        title=_("Sắc thái tin bài theo tháng"), width=width, **_partial(tone, period))


def coverage_bars(items: list[dict], title: str, limit: int = 15, width: int = 720) -> Markup:
    return charts.bar_chart([(i["label"], i["total"]) for i in items if i["total"]][:limit], title=title,
                            width=width)


def questions_chart(monthly: list[dict], period: reports.Period | None = None, width: int = 720) -> Markup:
    return charts.stacked_bars([i["label"] for i in monthly], [
        (_("Trả lời tại buổi họp"), [i["answered_at_briefing"] for i in monthly], "primary"),
        (_("Trả lời bằng văn bản"), [i["answered_in_writing"] for i in monthly], "positive"),
        (_("Chờ trả lời"), [i["pending"] for i in monthly], "accent"),
        (_("Từ chối"), [i["declined"] for i in monthly], "negative")],
        title=_("Câu hỏi theo tháng"), width=width, **_partial(monthly, period))


def on_page(chart: Callable[..., Markup], *args) -> Markup:
    """The chart as a page shows it: a desktop drawing and a phone drawing (charts.responsive)."""
    return charts.responsive(lambda width: chart(*args, width=width))


# --- data for each report -----------------------------------------------------------------------------

def _attendance_data(period: reports.Period, by: str, series_ids: list[int] | None = None) -> dict:
    office_id = current_office_id()

    def report(dimension: str) -> list[dict]:
        return reports.attendance_report(office_id, period, dimension, series_ids=series_ids)

    items = report(by)
    monthly = items if by == "month" else report("month")
    data = {"items": items, "totals": reports.totals(items), "monthly": monthly,
            "by_level": report("level"), "by_kind": report("kind"),
            "by_briefing": items if by == "briefing" else report("briefing"), "scope": None}
    if series_ids is not None:
        data["scope"] = reports.series_scope(office_id, series_ids, period)
    return data


def occurrence_trend_chart(by_briefing: list[dict], width: int = 720) -> Markup:
    """A series' occurrences one after another: invited, accepted, present."""
    labels = [f"{i['start'][8:10]}/{i['start'][5:7]}" if i.get("start") else str(i["label"]) for i in by_briefing]
    return charts.line_chart(labels, [
        (_("Được mời"), [i["invited"] for i in by_briefing], "secondary"),
        (_("Nhận lời"), [i["accepted"] for i in by_briefing], "accent"),
        (_("Có mặt"), [i["attended"] for i in by_briefing], "primary")],
        title=_("Diễn biến tham dự qua các buổi của chuỗi"), width=width)


def _coverage_data(period: reports.Period, by: str) -> dict:
    office_id = current_office_id()
    not_covered = reports.attended_not_covered(office_id, period)
    not_attended = reports.covered_not_attended(office_id, period)
    return {"items": reports.coverage_report(office_id, period, by),
            "tone": reports.coverage_report(office_id, period, "month"),
            "by_briefing": reports.coverage_report(office_id, period, "briefing"),
            "not_covered": not_covered, "not_attended": not_attended,
            "not_covered_by_outlet": reports.pairs_by_outlet(not_covered),
            "not_attended_by_outlet": reports.pairs_by_outlet(not_attended)}


def _questions_data(period: reports.Period, by: str) -> dict:
    office_id = current_office_id()
    items = reports.questions_report(office_id, period, by)
    monthly = reports.questions_report(office_id, period, "month")
    return {"items": items, "monthly": monthly, "totals": reports.sums(monthly, reports.QUESTION_KEYS)}


# --- pages ----------------------------------------------------------------------------------------------

def _page(report: str, period: reports.Period, errors: dict[str, str], **context) -> ResponseReturnValue:
    """A report page; a bad period answers 422, showing the default period's figures and the errors next to
    the fields."""
    return render_template(f"reports/{report}.html", period=period, errors=errors, report=report,
                           dimensions=DIMENSION_NAMES, **context), 422 if errors else 200


@bp.get("/")
@require("read")
def overview() -> ResponseReturnValue:
    period, errors = _period()
    data = reports.overview(current_office_id(), period)
    by_outlet = reports.attendance_report(current_office_id(), period, "outlet")
    return _page("overview", period, errors, data=data, by_outlet=by_outlet,
                 trend=on_page(trend_chart, data["monthly"], period),
                 outlet_chart=on_page(rate_bars, by_outlet,
                                      _("Tỷ lệ tham dự theo cơ quan (15 cơ quan được mời nhiều nhất)")),
                 tone=on_page(tone_chart, data["tone"], period))


@bp.get("/attendance")
@require("read")
def attendance() -> ResponseReturnValue:
    series_ids, series_errors = _series_asked()
    if series_ids is None:
        period, errors, by, data = _asked("outlet", reports.ATTENDANCE_DIMENSIONS, _attendance_data)
    else:
        period, errors = _series_period(series_ids)
        by = _by("outlet", reports.ATTENDANCE_DIMENSIONS)
        data = _attendance_data(period, by, series_ids)
    errors = {**errors, **series_errors}
    return _page("attendance", period, errors, by=by, data=data, trend=on_page(trend_chart, data["monthly"], period),
                 series_ids=series_ids or [], all_series=reports.office_series(current_office_id()),
                 report_args=_report_args(period, series_ids),
                 occurrence_trend=on_page(occurrence_trend_chart, data["by_briefing"]) if series_ids else None,
                 rate_trend=on_page(rate_trend_chart, data["monthly"], period),
                 bars=on_page(rate_bars, data["items"], _("Tỷ lệ tham dự theo %(dim)s", dim=_dim(by)))
                 if by not in ("month", "briefing") else None,
                 level_chart=on_page(rate_bars, data["by_level"], _("Tỷ lệ tham dự theo cấp cơ quan")),
                 kind_chart=on_page(rate_bars, data["by_kind"], _("Tỷ lệ tham dự theo loại hình")))


@bp.get("/coverage")
@require("read")
def coverage() -> ResponseReturnValue:
    period, errors, by, data = _asked("outlet", ("outlet", "level", "kind"), _coverage_data)
    return _page("coverage", period, errors, by=by, data=data, tone=on_page(tone_chart, data["tone"], period),
                 bars=on_page(coverage_bars, data["items"], _("Số tin bài theo %(dim)s", dim=_dim(by))))


@bp.get("/questions")
@require("read")
def questions() -> ResponseReturnValue:
    period, errors, by, data = _asked("briefing", reports.QUESTION_DIMENSIONS, _questions_data)
    return _page("questions", period, errors, by=by, data=data,
                 chart=on_page(questions_chart, data["monthly"], period))


def _report_args(period: reports.Period, series_ids: list[int] | None) -> dict:
    """The query of this report view, for its exports, chart downloads and tabs."""
    args: dict = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if series_ids:
        args["series_id"] = list(series_ids)
    return args


# --- exports and chart downloads ----------------------------------------------------------------------

ATT_HEADERS = [_l("Được mời"), _l("Nhận lời"), _l("Có mặt"), _l("Tỷ lệ"), _l("Vắng dù nhận lời"),
               _l("Không có giấy mời"), _l("Trực tuyến")]


def _att_rows(items: list[dict]) -> list[list]:
    return [[i["label"], i["invited"], i["accepted"], i["attended"], i["rate"], i["no_shows"], i["walk_ins"],
             i["online"]] for i in items]


def _attendance_tables(period: reports.Period, by: str) -> tuple[str, list[Table], list]:
    h = [str(x) for x in ATT_HEADERS]
    series_ids = _export_series()
    data = _attendance_data(period, by, series_ids)
    if series_ids is not None:
        scope = data["scope"]
        sh = [*h, _("Số buổi có mặt (trên %(n)s buổi)", n=scope.occurrences)]
        title = _("Báo cáo tham dự theo chuỗi họp: %(series)s", series="; ".join(scope.titles))
        return title, [
            Table(_("Theo %(dim)s", dim=_dim(by)), [str(DIMENSION_NAMES[by]), *sh], _series_rows(data["items"])),
            Table(_("Theo buổi họp báo"), [_("Buổi họp báo"), _("Ngày"), *h],
                  [[i["label"], i.get("start", "")[:10], *_att_rows([i])[0][1:]] for i in data["by_briefing"]]),
            Table(_("Theo cấp cơ quan"), [_("Cấp"), *sh], _series_rows(data["by_level"])),
            Table(_("Theo loại hình"), [_("Loại hình"), *sh], _series_rows(data["by_kind"])),
        ], [occurrence_trend_chart(data["by_briefing"])]
    return _("Báo cáo tham dự họp báo"), [
        Table(_("Theo %(dim)s", dim=_dim(by)), [str(DIMENSION_NAMES[by]), *h], _att_rows(data["items"])),
        Table(_("Theo tháng"), [_("Tháng"), *h], _att_rows(data["monthly"])),
        Table(_("Theo cấp cơ quan"), [_("Cấp"), *h], _att_rows(data["by_level"])),
        Table(_("Theo loại hình"), [_("Loại hình"), *h], _att_rows(data["by_kind"])),
    ], [trend_chart(data["monthly"], period)]


def _series_rows(items: list[dict]) -> list[list]:
    return [[*row, i.get("occurrences_attended", 0)] for row, i in zip(_att_rows(items), items, strict=True)]


def _export_series() -> list[int] | None:
    """The series of an export or chart download; a bad one answers 422 (nothing half-made)."""
    series_ids, errors = _series_asked()
    if errors:
        abort(422)
    return series_ids


def _tone_rows(items: list[dict]) -> list[list]:
    return [[i["label"], i["total"], i["positive"], i["neutral"], i["negative"], i["broadcast"]] for i in items]


def _pair_rows(pairs: list[dict]) -> list[list]:
    return [[p["briefing"], p["start"][:10], p["outlet"], p["count"]] for p in pairs]


def _coverage_tables(period: reports.Period, by: str) -> tuple[str, list[Table], list]:
    data = _coverage_data(period, by)
    tone_headers = [_("Tổng"), *[str(v) for v in TONE_LABELS.values()], _("Phát sóng")]
    return _("Báo cáo đưa tin"), [
        Table(_("Theo %(dim)s", dim=_dim(by)), [str(DIMENSION_NAMES[by]), *tone_headers], _tone_rows(data["items"])),
        Table(_("Sắc thái theo tháng"), [_("Tháng"), *tone_headers], _tone_rows(data["tone"])),
        Table(_("Theo buổi họp báo"), [_("Buổi họp báo"), _("Ngày"), *tone_headers, _("Cơ quan có mặt"),
                                       _("Cơ quan đưa tin")],
              [[i["label"], i.get("start", "")[:10], i["total"], i["positive"], i["neutral"], i["negative"],
                i["broadcast"], i["outlets_attended"], i["outlets_covering"]] for i in data["by_briefing"]]),
        Table(_("Có mặt nhưng không đưa tin"), [_("Buổi họp báo"), _("Ngày"), _("Cơ quan báo chí"), _("Số người")],
              _pair_rows(data["not_covered"])),
        Table(_("Đưa tin nhưng không dự họp"), [_("Buổi họp báo"), _("Ngày"), _("Cơ quan báo chí"), _("Số tin")],
              _pair_rows(data["not_attended"])),
    ], [tone_chart(data["tone"], period)]


def _question_rows(items: list[dict]) -> list[list]:
    return [[i["label"], i["asked"], i["duplicates"], i["answered_at_briefing"], i["answered_in_writing"],
             i["declined"], i["pending"]] for i in items]


def _questions_tables(period: reports.Period, by: str) -> tuple[str, list[Table], list]:
    data = _questions_data(period, by)
    headers = [_("Số câu hỏi"), _("Trùng (đã gộp)"), _("Trả lời tại buổi họp"), _("Trả lời bằng văn bản"),
               _("Từ chối"), _("Chờ trả lời")]
    return _("Báo cáo câu hỏi của báo chí"), [
        Table(_("Theo %(dim)s", dim=_dim(by)), [str(DIMENSION_NAMES[by]), *headers], _question_rows(data["items"])),
        Table(_("Theo tháng"), [_("Tháng"), *headers], _question_rows(data["monthly"])),
    ], [questions_chart(data["monthly"], period)]


TABLES = {"attendance": _attendance_tables, "coverage": _coverage_tables, "questions": _questions_tables}


def _tables(name: str, period: reports.Period, by: str) -> tuple[str, list[Table], list]:
    """(title, tables, charts) of the export of report ``name``."""
    if name not in TABLES:
        abort(404)
    return TABLES[name](period, by)


@bp.get("/export/<name>.<fmt>")
@require("read")
def export(name: str, fmt: str) -> ResponseReturnValue:
    if name not in TABLES or fmt not in exports.MIMETYPES:
        abort(404)
    series_ids = _export_series() if name == "attendance" else None
    period, errors = _series_period(series_ids) if series_ids else _period()
    if errors:
        abort(422)
    by = _by({"questions": "briefing"}.get(name, "outlet"),
             reports.ATTENDANCE_DIMENSIONS if name == "attendance" else
             ("outlet", "level", "kind") if name == "coverage" else reports.QUESTION_DIMENSIONS)
    title, tables, svgs = _tables(name, period, by)
    if fmt == "csv":
        body = exports.to_csv(tables[:1] if request.args.get("first") else tables)
    elif fmt == "xlsx":
        body = exports.to_xlsx(tables)
    else:
        body = exports.to_pdf(title, _subtitle(period), tables, [charts.standalone(svg) for svg in svgs])
    prefix = _("bao-cao")  # the file name in the reader's language too
    filename = f"{prefix}-{name}-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    return Response(body, mimetype=exports.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@bp.get("/charts/<name>.svg")
@require("read")
def chart(name: str) -> ResponseReturnValue:
    """Each chart as a standalone .svg file, to paste into a slide."""
    series_ids = _export_series()
    period, errors = _series_period(series_ids) if series_ids else _period()
    if errors:
        abort(422)
    office_id = current_office_id()
    if name == "trend":
        svg = trend_chart(reports.attendance_report(office_id, period, "month", series_ids=series_ids), period)
    elif name == "rate-trend":
        svg = rate_trend_chart(reports.attendance_report(office_id, period, "month", series_ids=series_ids),
                               period)
    elif name == "occurrences" and series_ids:
        svg = occurrence_trend_chart(reports.attendance_report(office_id, period, "briefing", series_ids=series_ids))
    elif name in ("outlet", "journalist", "level", "kind"):
        svg = rate_bars(reports.attendance_report(office_id, period, name, series_ids=series_ids),
                        _("Tỷ lệ tham dự theo %(dim)s", dim=_dim(name)))
    elif name == "tone":
        svg = tone_chart(reports.coverage_report(office_id, period, "month"), period)
    elif name == "coverage-outlet":
        svg = coverage_bars(reports.coverage_report(office_id, period, "outlet"), _("Số tin bài theo cơ quan báo chí"))
    elif name == "questions":
        svg = questions_chart(reports.questions_report(office_id, period, "month"), period)
    else:
        abort(404)
    prefix = _("bieu-do")
    return Response(charts.standalone(svg), mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{prefix}-{name}.svg"',
                             "Cache-Control": "private, no-store"})
