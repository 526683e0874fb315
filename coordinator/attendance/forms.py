"""Forms of the attendance, questions and coverage pages (Flask-WTF; errors next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from coordinator.attendance.operations import KIND_LABELS, MODE_LABELS, QUESTION_STATUS_LABELS, TONE_LABELS
from coordinator.web.fields import DayField


def choices_of(labels: dict) -> list[SelectChoice]:
    """``{value: label}`` as WTForms choices (labels stay lazy: translated when rendered)."""
    return [SelectChoice(value, label) for value, label in labels.items()]


class WalkInForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ tên.")), Length(max=255)])
    email = StringField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)])
    outlet_id = SelectField(_l("Cơ quan báo chí"), coerce=int, validate_choice=False)
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=40)])
    mode = SelectField(_l("Hình thức"), choices=choices_of(MODE_LABELS), default="in_person")


class CoverageForm(FlaskForm):
    url = StringField(_l("Đường dẫn bài viết / phát sóng"), validators=[DataRequired(_l("Vui lòng nhập đường dẫn.")),
                                                                       Length(max=2000)])
    outlet_id = SelectField(_l("Cơ quan báo chí"), coerce=int, validate_choice=False,
                            description=_l("Để trống: nhận từ tên miền của đường dẫn."))
    briefing_id = SelectField(_l("Từ buổi họp báo"), coerce=int, validate_choice=False)
    title = StringField(_l("Tiêu đề"), validators=[Optional(), Length(max=500)])
    published_on = DayField(_l("Ngày đăng"), validators=[Optional()])
    tone = SelectField(_l("Sắc thái"), choices=choices_of(TONE_LABELS), default="neutral")
    kind = SelectField(_l("Loại"), choices=choices_of(KIND_LABELS), default="article")


class PasteForm(FlaskForm):
    text = TextAreaField(_l("Danh sách đường dẫn (mỗi dòng một đường dẫn)"),
                         validators=[DataRequired(_l("Hãy dán ít nhất một đường dẫn.")), Length(max=200_000)])
    briefing_id = SelectField(_l("Từ buổi họp báo"), coerce=int, validate_choice=False)
    published_on = DayField(_l("Ngày đăng"), validators=[Optional()])
    tone = SelectField(_l("Sắc thái"), choices=choices_of(TONE_LABELS), default="neutral")
    kind = SelectField(_l("Loại"), choices=choices_of(KIND_LABELS), default="article")


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Câu hỏi"), validators=[DataRequired(_l("Vui lòng nhập câu hỏi.")), Length(max=2000)])


class StaffQuestionForm(QuestionForm):
    journalist_id = SelectField(_l("Người hỏi"), coerce=int, validate_choice=False)


class AnswerForm(FlaskForm):
    status = SelectField(_l("Trạng thái"), choices=choices_of(QUESTION_STATUS_LABELS))
    answer = TextAreaField(_l("Câu trả lời"), validators=[Optional(), Length(max=20000)])
    mail_answer = BooleanField(_l("Gửi câu trả lời qua thư cho người hỏi"))
