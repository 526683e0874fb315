"""Forms of the contact pages (Flask-WTF; errors shown next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordinator.contacts.operations import BASIS_LABELS, KIND_LABELS, LANGUAGE_LABELS, LEVEL_LABELS, STATUS_LABELS
from coordinator.web.fields import DayField


def choices_of(labels: dict) -> list[SelectChoice]:
    """``{value: label}`` as WTForms choices (labels stay lazy: translated when rendered)."""
    return [SelectChoice(value, label) for value, label in labels.items()]


class OutletForm(FlaskForm):
    name = StringField(_l("Tên cơ quan báo chí"), validators=[DataRequired(_l("Vui lòng nhập tên.")),
                                                               Length(max=255)])
    kind = SelectField(_l("Loại hình"), choices=choices_of(KIND_LABELS))
    level = SelectField(_l("Cấp"), choices=choices_of(LEVEL_LABELS))
    website = StringField(_l("Trang web"), validators=[Optional(), Length(max=500)])
    domains = StringField(_l("Tên miền bài viết"), validators=[Optional(), Length(max=1000)])


class JournalistForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ tên.")),
                                                          Length(max=255)])
    email = StringField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)])
    outlet_id = SelectField(_l("Cơ quan báo chí"), coerce=int, validate_choice=False)
    outlet_since = DayField(_l("Làm việc tại cơ quan này từ ngày"), validators=[Optional()])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=40)])
    beats = StringField(_l("Lĩnh vực"), validators=[Optional(), Length(max=1000)])
    language = SelectField(_l("Ngôn ngữ nhận thư"), choices=choices_of(LANGUAGE_LABELS))
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    consent_basis = SelectField(_l("Cơ sở xử lý dữ liệu cá nhân"), choices=choices_of(BASIS_LABELS),
                                default="public_task")
    consent_purpose = TextAreaField(_l("Mục đích xử lý"), validators=[Optional(), Length(max=2000)])
    network_sharing = BooleanField(_l("Nhà báo đồng ý được chia sẻ với các văn phòng trong mạng lưới"))


class ConsentForm(FlaskForm):
    """A new basis for one journalist, entered by staff (a new record in the history)."""

    consent_basis = SelectField(_l("Cơ sở xử lý dữ liệu cá nhân"), choices=choices_of(BASIS_LABELS))
    consent_purpose = TextAreaField(_l("Mục đích xử lý"), validators=[Optional(), Length(max=2000)])
    network_sharing = BooleanField(_l("Nhà báo đồng ý được chia sẻ với các văn phòng trong mạng lưới"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Trạng thái"), choices=choices_of(STATUS_LABELS))
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=500)])


class BeatForm(FlaskForm):
    name = StringField(_l("Tên lĩnh vực"), validators=[DataRequired(_l("Vui lòng nhập tên lĩnh vực.")),
                                                        Length(max=120)])


class ListForm(FlaskForm):
    name = StringField(_l("Tên danh sách"), validators=[DataRequired(_l("Vui lòng nhập tên danh sách.")),
                                                         Length(max=200)])
    description = TextAreaField(_l("Mô tả"), validators=[Optional(), Length(max=2000)])
    rule_beats = SelectMultipleField(_l("Quy tắc: lĩnh vực"), coerce=int, validate_choice=False)
    rule_kinds = SelectMultipleField(_l("Quy tắc: loại hình cơ quan"), choices=choices_of(KIND_LABELS))
    rule_levels = SelectMultipleField(_l("Quy tắc: cấp cơ quan"), choices=choices_of(LEVEL_LABELS))
    rule_outlets = SelectMultipleField(_l("Quy tắc: cơ quan báo chí"), coerce=int, validate_choice=False)


class AddMemberForm(FlaskForm):
    who = StringField(_l("Email hoặc mã nhà báo"), validators=[DataRequired(_l("Vui lòng nhập email hoặc mã."))])


class ImportForm(FlaskForm):
    file = FileField(_l("Tệp danh bạ (.xlsx hoặc .csv, tối đa 10 MB)"),
                     validators=[FileRequired(_l("Hãy chọn một tệp CSV hoặc XLSX."))])


class MergeForm(FlaskForm):
    keep = StringField(_l("Hồ sơ giữ lại (email hoặc mã)"), validators=[DataRequired(_l("Vui lòng nhập."))])
    drop = StringField(_l("Hồ sơ trùng sẽ gộp vào (email hoặc mã)"),
                       validators=[DataRequired(_l("Vui lòng nhập."))])
