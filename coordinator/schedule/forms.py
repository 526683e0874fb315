"""Staff forms of the schedule: the series builder (common rules without typing RRULE), occurrence edits,
ad hoc and crisis briefings, closures, feed tokens. Forms turn into the same dicts the API takes."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coordinator.schedule.recurrence import WEEKDAY_NAMES, WEEKDAYS
from coordinator.web.fields import ClockField, DayField


def _local_start(form: FlaskForm) -> str | None:
    """The form's start date and time as the local ``dtstart`` the API takes (``2026-11-24T15:00``)."""
    if form.start_date.data and form.start_time.data:
        return datetime.combine(form.start_date.data, form.start_time.data).isoformat(timespec="minutes")
    return None


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


WEEKDAY_CHOICES = [SelectChoice(code, WEEKDAY_NAMES[code]) for code in WEEKDAYS]
NTH_CHOICES = _choices(("1", _l("thứ nhất")), ("2", _l("thứ hai")), ("3", _l("thứ ba")), ("4", _l("thứ tư")),
                       ("-1", _l("cuối cùng")))
FREQ_CHOICES = _choices(("WEEKLY", _l("Hằng tuần")), ("MONTHLY", _l("Hằng tháng (thứ trong tuần)")),
                        ("DAILY", _l("Hằng ngày")), ("CUSTOM", _l("Tự nhập quy tắc RRULE")))
END_CHOICES = _choices(("never", _l("Không kết thúc")), ("until", _l("Đến ngày")), ("count", _l("Sau số lần")))
HOLIDAY_CHOICES = _choices(("skip", _l("Bỏ qua ngày lễ, ngày nghỉ")),
                           ("move_next_working_day", _l("Dời sang ngày làm việc kế tiếp")),
                           ("none", _l("Vẫn họp cả ngày lễ")))
STATUS_CHOICES = _choices(("scheduled", _l("Theo lịch")), ("cancelled", _l("Huỷ buổi này")),
                          ("held", _l("Đã diễn ra")))
SCOPE_CHOICES = _choices(("this", _l("Chỉ buổi này")), ("following", _l("Buổi này và các buổi sau")),
                         ("all", _l("Cả chuỗi")))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AudienceMixin:
    """Who is invited, as checkbox lists (templates/schedule/_audience_fields.html); ``audience_sizes`` holds
    how many active journalists each choice reaches (``contacts.audience.source_sizes``)."""

    list_ids = MultiCheckboxField(_l("Danh sách gửi"), coerce=int, validators=[Optional()])
    beats = MultiCheckboxField(_l("Lĩnh vực"), validators=[Optional()])
    outlet_ids = MultiCheckboxField(_l("Cơ quan báo chí"), coerce=int, validators=[Optional()])
    audience_sizes: dict | None = None

    def set_audience_choices(self, lists, beats, outlets) -> None:
        self.list_ids.choices = [SelectChoice(dl.id, dl.name) for dl in lists]
        self.beats.choices = [SelectChoice(b.slug, b.name) for b in beats]
        self.outlet_ids.choices = [SelectChoice(o.id, o.name) for o in outlets]

    def audience_data(self) -> dict:
        return {"list_ids": list(self.list_ids.data or []), "beats": list(self.beats.data or []),
                "outlet_ids": list(self.outlet_ids.data or [])}


class SeriesForm(AudienceMixin, FlaskForm):
    title = StringField(_l("Tên buổi họp báo"), validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=255)])
    description = TextAreaField(_l("Mô tả"), validators=[Optional(), Length(max=10000)])
    start_date = DayField(_l("Ngày bắt đầu"), validators=[DataRequired(_l("Vui lòng chọn ngày bắt đầu."))])
    start_time = ClockField(_l("Giờ bắt đầu"), validators=[DataRequired(_l("Vui lòng chọn giờ."))])
    duration_minutes = IntegerField(_l("Thời lượng (phút)"), default=60,
                                    validators=[DataRequired(_l("Vui lòng nhập thời lượng.")),
                                                NumberRange(min=1, max=1440, message=_l("Từ 1 đến 1440 phút."))])
    timezone = StringField(_l("Múi giờ"), default="Asia/Ho_Chi_Minh", validators=[Length(max=64)])
    freq = SelectField(_l("Lặp lại"), choices=FREQ_CHOICES, default="WEEKLY")
    interval = IntegerField(_l("Cách nhau (tuần/tháng/ngày)"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=52, message=_l("Từ 1 đến 52."))])
    weekdays = MultiCheckboxField(_l("Vào các ngày"), choices=WEEKDAY_CHOICES, validators=[Optional()])
    month_nth = SelectField(_l("Tuần trong tháng"), choices=NTH_CHOICES, default="1")
    month_weekday = SelectField(_l("Thứ"), choices=WEEKDAY_CHOICES, default="MO")
    end_mode = RadioField(_l("Kết thúc"), choices=END_CHOICES, default="never")
    until = DayField(_l("Đến hết ngày"), validators=[Optional()])
    count = IntegerField(_l("Số buổi họp"), validators=[Optional(), NumberRange(min=1, max=5000)])
    rrule = StringField(_l("Quy tắc RRULE"), validators=[Optional(), Length(max=500)])
    holiday_policy = SelectField(_l("Ngày lễ và ngày nghỉ của cơ quan"), choices=HOLIDAY_CHOICES, default="skip")
    venue = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=500)])
    online_url = URLField(_l("Đường dẫn trực tuyến"), validators=[Optional(), Length(max=1000)])
    invite_lead_days = IntegerField(_l("Gửi thư mời trước (ngày)"), default=7,
                                    validators=[Optional(), NumberRange(min=0, max=90)])
    reminders = StringField(_l("Nhắc trước (phút, cách nhau dấu phẩy)"), default="1440, 60")
    is_public = BooleanField(_l("Công khai trên lịch của cơ quan"), default=True)
    version = HiddenField()

    def rule_text(self) -> str:
        from coordinator.schedule.recurrence import rule_from_parts

        if self.freq.data == "CUSTOM":
            return (self.rrule.data or "").strip()
        return rule_from_parts(freq=self.freq.data, interval=self.interval.data or 1,
                               weekdays=self.weekdays.data or ([] if self.start_date.data is None else
                                                               [WEEKDAYS[self.start_date.data.weekday()]]),
                               month_nth=int(self.month_nth.data or 1), month_weekday=self.month_weekday.data,
                               end_mode=self.end_mode.data, until=self.until.data, count=self.count.data)

    def to_data(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or None, "dtstart": _local_start(self),
                "timezone": (self.timezone.data or "").strip(), "duration_minutes": self.duration_minutes.data,
                "rrule": self.rule_text(), "holiday_policy": self.holiday_policy.data,
                "venue": self.venue.data or None, "online_url": self.online_url.data or None,
                "invite_lead_days": self.invite_lead_days.data if self.invite_lead_days.data is not None else 7,
                "reminders": self.reminders.data or "", "is_public": bool(self.is_public.data),
                "audience": self.audience_data()}

    def fill_from(self, series) -> None:
        from coordinator.schedule.recurrence import parts_from_rule

        self.title.data = series.title
        self.description.data = series.description
        self.start_date.data = series.dtstart.date()
        self.start_time.data = series.dtstart.time()
        self.duration_minutes.data = series.duration_minutes
        self.timezone.data = series.timezone
        self.holiday_policy.data = series.holiday_policy
        self.venue.data = series.venue
        self.online_url.data = series.online_url
        self.invite_lead_days.data = series.invite_lead_days
        self.reminders.data = ", ".join(str(m) for m in series.reminders or [])
        self.is_public.data = series.is_public
        self.version.data = str(series.version_id)
        audience = series.audience or {}
        self.list_ids.data = audience.get("list_ids") or []
        self.beats.data = audience.get("beats") or []
        self.outlet_ids.data = audience.get("outlet_ids") or []
        parts = parts_from_rule(series.rrule)
        self.rrule.data = series.rrule
        if parts is None or parts["freq"] == "YEARLY":
            self.freq.data = "CUSTOM"
            return
        self.freq.data = parts["freq"]
        self.interval.data = parts["interval"]
        self.weekdays.data = parts["weekdays"]
        if parts["month_nth"]:
            self.month_nth.data = str(parts["month_nth"])
            self.month_weekday.data = parts["month_weekday"]
        self.end_mode.data = parts["end_mode"]
        if parts["until"] is not None:
            until = parts["until"]
            if isinstance(until, datetime):
                from zoneinfo import ZoneInfo

                until = until.astimezone(ZoneInfo(series.timezone)).date() if until.tzinfo else until.date()
            self.until.data = until
        self.count.data = parts["count"]


# Where each API field's error shows on the series form.
SERIES_FIELD_MAP = {"dtstart": "start_date", "rrule": "rrule", "audience": "list_ids",
                    "skip_public_holidays": "holiday_policy"}


class BriefingEditForm(FlaskForm):
    scope = RadioField(_l("Áp dụng cho"), choices=SCOPE_CHOICES, default="this")
    start_date = DayField(_l("Ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày."))])
    start_time = ClockField(_l("Giờ bắt đầu"), validators=[DataRequired(_l("Vui lòng chọn giờ."))])
    end_time = ClockField(_l("Giờ kết thúc"), validators=[DataRequired(_l("Vui lòng chọn giờ kết thúc."))])
    title = StringField(_l("Tên buổi họp báo"), validators=[Optional(), Length(max=255)])
    venue = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=500)])
    online_url = URLField(_l("Đường dẫn trực tuyến"), validators=[Optional(), Length(max=1000)])
    agenda = TextAreaField(_l("Nội dung chính"), validators=[Optional(), Length(max=20000)])
    spokespeople = StringField(_l("Người phát ngôn"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_l("Trạng thái"), choices=STATUS_CHOICES, default="scheduled")
    version = HiddenField()


class AdHocForm(AudienceMixin, FlaskForm):
    title = StringField(_l("Tên buổi họp báo"), validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=255)])
    start_date = DayField(_l("Ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày."))])
    start_time = ClockField(_l("Giờ bắt đầu"), validators=[DataRequired(_l("Vui lòng chọn giờ."))])
    duration_minutes = IntegerField(_l("Thời lượng (phút)"), default=60,
                                    validators=[DataRequired(_l("Vui lòng nhập thời lượng.")),
                                                NumberRange(min=1, max=1440, message=_l("Từ 1 đến 1440 phút."))])
    venue = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=500)])
    online_url = URLField(_l("Đường dẫn trực tuyến"), validators=[Optional(), Length(max=1000)])
    agenda = TextAreaField(_l("Nội dung chính"), validators=[Optional(), Length(max=20000)])
    spokespeople = StringField(_l("Người phát ngôn"), validators=[Optional(), Length(max=2000)])
    is_public = BooleanField(_l("Công khai trên lịch của cơ quan"), default=True)

    def to_data(self) -> dict:
        return {"title": self.title.data, "dtstart": _local_start(self), "duration_minutes": self.duration_minutes.data,
                "venue": self.venue.data or None, "online_url": self.online_url.data or None,
                "agenda": self.agenda.data or None, "spokespeople": self.spokespeople.data or None,
                "is_public": bool(self.is_public.data), "audience": self.audience_data()}


class RecordPastForm(AdHocForm):
    """A briefing that already happened, entered from the paper sign-in sheet: nobody is mailed."""

    def to_data(self) -> dict:
        return {**super().to_data(), "record_past": True}


class CrisisForm(AudienceMixin, FlaskForm):
    title = StringField(_l("Tên buổi họp báo khẩn"),
                        validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=255)])
    start_date = DayField(_l("Ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày."))])
    start_time = ClockField(_l("Giờ bắt đầu"), validators=[DataRequired(_l("Vui lòng chọn giờ."))])
    duration_minutes = IntegerField(_l("Thời lượng (phút)"), default=60,
                                    validators=[DataRequired(), NumberRange(min=1, max=1440)])
    venue = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=500)])
    online_url = URLField(_l("Đường dẫn trực tuyến"), validators=[Optional(), Length(max=1000)])

    def to_data(self) -> dict:
        return {"title": self.title.data, "dtstart": _local_start(self), "duration_minutes": self.duration_minutes.data,
                "venue": self.venue.data or None, "online_url": self.online_url.data or None,
                "audience": self.audience_data()}


class ClosureForm(FlaskForm):
    day = DayField(_l("Ngày nghỉ"), validators=[DataRequired(_l("Vui lòng chọn ngày."))])
    name = StringField(_l("Tên ngày nghỉ"), validators=[DataRequired(_l("Vui lòng nhập tên ngày nghỉ.")),
                                                        Length(max=255)])


class FeedTokenForm(FlaskForm):
    journalist_id = IntegerField(_l("Mã nhà báo"), validators=[DataRequired(_l("Vui lòng nhập mã nhà báo."))])
    action = HiddenField(default="rotate")
