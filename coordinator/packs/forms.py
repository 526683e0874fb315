"""Staff forms for packs: the pack (with file upload), the rejection reason, the office's pack settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coordinator.web.fields import DayClockField

LANGUAGE_LABELS = {"vi": _l("Tiếng Việt"), "en": _l("Tiếng Anh")}


def choices_of(labels: dict) -> list[SelectChoice]:
    """``{value: label}`` as WTForms choices (labels stay lazy: translated when rendered)."""
    return [SelectChoice(value, label) for value, label in labels.items()]


class PackForm(FlaskForm):
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(message=_l("Tiêu đề là bắt buộc.")),
                                                   Length(max=300)])
    summary = TextAreaField(_l("Tóm tắt"), validators=[Optional(), Length(max=4000)])
    body = TextAreaField(_l("Nội dung (cho phép định dạng HTML cơ bản)"), validators=[Optional()])
    language = SelectField(_l("Ngôn ngữ"), choices=choices_of(LANGUAGE_LABELS), default="vi")
    briefing_id = SelectField(_l("Buổi họp báo"), coerce=str, validators=[Optional()])
    release_at = DayClockField(_l("Phát hành lúc (để trống: ngay khi được duyệt)"),
                               validators=[Optional()])
    embargo_mode = RadioField(_l("Lệnh cấm đăng tải (embargo)"), default="fixed",
                              choices=[SelectChoice("fixed", _l("Giờ cố định (hoặc không cấm)")),
                                       SelectChoice("briefing", _l("Theo giờ bắt đầu của buổi họp báo"))])
    embargo_until = DayClockField(_l("Cấm đăng tải trước (embargo)"), validators=[Optional()])
    embargo_offset_minutes = IntegerField(
        _l("Số phút sau giờ bắt đầu buổi họp"), default=0,
        validators=[Optional(), NumberRange(min=0, max=7 * 24 * 60, message=_l("Từ 0 đến 10080 phút."))])
    send_under_embargo = BooleanField(_l("Gửi trước cho phóng viên kèm lệnh cấm đăng"))
    list_ids = SelectMultipleField(_l("Gửi thêm tới danh sách"), coerce=int, validators=[Optional()])
    beats = SelectMultipleField(_l("Gửi thêm tới phóng viên theo lĩnh vực"), validators=[Optional()])
    files = MultipleFileField(_l("Tệp (PDF, DOCX, XLSX, PPTX, JPG, PNG, MP4)"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Lý do trả lại"), validators=[DataRequired(message=_l("Hãy ghi lý do trả lại.")),
                                                            Length(max=2000)])


class SettingsForm(FlaskForm):
    max_file_mb = IntegerField(_l("Dung lượng tối đa mỗi tệp (MB)"), validators=[DataRequired(),
                                                                              NumberRange(min=1, max=500)])
    two_approvers = BooleanField(_l("Yêu cầu hai người duyệt khác nhau"))
    follow_up_hours = IntegerField(_l("Gửi lại tài liệu cho người vắng mặt sau buổi họp (giờ)"),
                                   validators=[Optional(), NumberRange(min=0, max=168)])
