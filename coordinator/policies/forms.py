"""Forms of the policy, plan, triage and public consultation pages (Flask-WTF; errors next to each field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coordinator.policies.operations import COMMENT_STATUS_LABELS, MAX_PER_QUARTER, STAGE_LABELS
from coordinator.web.fields import DayField


def choices_of(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class PolicyForm(FlaskForm):
    name = StringField(_l("Tên chính sách"), validators=[DataRequired(_l("Vui lòng nhập tên chính sách.")),
                                                         Length(max=300)])
    description = TextAreaField(_l("Mô tả ngắn"), validators=[Optional(), Length(max=5000)])
    beat_id = SelectField(_l("Lĩnh vực"), coerce=int, validate_choice=False)
    owner_department = StringField(_l("Cơ quan chủ trì soạn thảo"), validators=[Optional(), Length(max=255)])
    stage = SelectField(_l("Giai đoạn"), choices=choices_of(STAGE_LABELS), default="drafting")
    drafting_on = DayField(_l("Ngày bắt đầu dự thảo"), validators=[Optional()])
    issued_on = DayField(_l("Ngày ban hành"), validators=[Optional()])
    in_force_on = DayField(_l("Ngày có hiệu lực"), validators=[Optional()])
    under_review_on = DayField(_l("Ngày bắt đầu rà soát"), validators=[Optional()])
    document_number = StringField(_l("Số văn bản"), validators=[Optional(), Length(max=100)])
    consultation_open = BooleanField(_l("Mở trang lấy ý kiến công khai (khi đang dự thảo)"))
    citizen_comments = BooleanField(_l("Cho phép người dân góp ý (không chỉ nhà báo)"))


class PlanForm(FlaskForm):
    year = IntegerField(_l("Năm"), validators=[DataRequired(_l("Vui lòng nhập năm.")),
                                              NumberRange(2000, 2100, _l("Năm phải từ 2000 đến 2100."))])
    title = StringField(_l("Tên kế hoạch"), validators=[Optional(), Length(max=300)])
    responsible = StringField(_l("Người/đơn vị chịu trách nhiệm"), validators=[Optional(), Length(max=255)])
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=10000)])


def _quarter(label: str) -> IntegerField:
    return IntegerField(label, default=0, validators=[
        Optional(), NumberRange(0, MAX_PER_QUARTER, _l("Từ 0 đến %(n)s.", n=MAX_PER_QUARTER))])


class PlanItemForm(FlaskForm):
    policy_id = SelectField(_l("Chính sách"), coerce=int, validate_choice=False)
    b1 = _quarter(_l("Họp báo quý I"))
    b2 = _quarter(_l("Họp báo quý II"))
    b3 = _quarter(_l("Họp báo quý III"))
    b4 = _quarter(_l("Họp báo quý IV"))
    p1 = _quarter(_l("Bộ tài liệu quý I"))
    p2 = _quarter(_l("Bộ tài liệu quý II"))
    p3 = _quarter(_l("Bộ tài liệu quý III"))
    p4 = _quarter(_l("Bộ tài liệu quý IV"))
    beat_ids = SelectMultipleField(_l("Lĩnh vực (đối tượng)"), coerce=int, validate_choice=False)
    list_ids = SelectMultipleField(_l("Danh sách nhận tin (đối tượng)"), coerce=int, validate_choice=False)
    responsible = StringField(_l("Người phụ trách"), validators=[Optional(), Length(max=255)])


class TriageForm(FlaskForm):
    status = SelectField(_l("Xử lý"), choices=choices_of(COMMENT_STATUS_LABELS))
    reply = TextAreaField(_l("Trả lời"), validators=[Optional(), Length(max=5000)])


class CommentForm(FlaskForm):
    text = TextAreaField(_l("Góp ý của bạn"), validators=[DataRequired(_l("Vui lòng nhập góp ý.")),
                                                          Length(max=5000)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=255)])
