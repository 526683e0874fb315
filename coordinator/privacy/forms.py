"""Forms of the personal-data page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class SettingsForm(FlaskForm):
    public_task = BooleanField(_l("Văn phòng xử lý dữ liệu nhà báo theo nhiệm vụ công (không cần từng người đồng ý)"))
    purpose = TextAreaField(_l("Mục đích xử lý dữ liệu"), validators=[Optional(), Length(max=2000)])
    retention_years = StringField(_l("Thời hạn lưu trữ (năm không hoạt động)"), validators=[Optional(), Length(max=4)])


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Lý do từ chối"), validators=[Optional(), Length(max=2000)])
